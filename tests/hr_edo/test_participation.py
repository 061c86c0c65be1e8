"""Joining HR EDO by the App. 2 application: sign, HR registers, only then EDO (B3)."""

import shutil
import subprocess

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from hr_edo.models import Participation
from hr_edo.services.common import excluded_check, is_participant
from hr_edo.services.participation import participation_join, participation_register
from signatures.models import Signature
from signatures.services.documents import document_read


@pytest.fixture(autouse=True)
def _english_texts(english_ui):
    """These tests read the English texts of pages and messages."""


PASSWORD = "Str0ng#Pass"


def pdf_text(content: bytes) -> str:
    result = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"], input=content, capture_output=True, check=True
    )
    return result.stdout.decode()


@pytest.mark.parametrize(
    "code",
    ["work_book", "industrial_accident_act", "dismissal_order", "labour_protection_training"],
)
def test_excluded_kinds_are_refused_citing_the_rule(code):
    with pytest.raises(ValidationError) as error:
        excluded_check(code)
    assert "1.7" in error.value.messages[0]


def test_ordinary_type_passes_the_exclusion_check():
    excluded_check("annual_leave_application")


@pytest.mark.django_db
def test_join_page_shows_the_application_in_the_preferred_language(client, employee, make_user):
    make_user("rector1", roles=["rector"], last_name="Чыныбаев", first_name="Мурат")
    client.force_login(employee)
    response = client.get(reverse("hr_edo:join"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Асанов Айбек Өмүрбекович" in body
    assert "КТ-ҮӨҢ-07" in body
    assert "Улук окутуучу" in body
    assert "Чыныбаев Мурат" in body
    assert "Мен КМТУда кадрлардын электрондук документ жүгүртүүсүн уюштуруу" in body
    assert "кызматкерлердин электрондук документтерин иш берүүчү тарабынан түзүүгө" in body


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("lang", "phrase"),
    [("ru", "Я даю своё согласие"), ("en", "I give my consent"), ("ky", "Мен өз макулдугумду")],
)
def test_join_page_offers_all_three_languages(client, employee, lang, phrase):
    client.force_login(employee)
    response = client.get(reverse("hr_edo:join"), {"lang": lang})
    assert phrase in response.content.decode()


@pytest.mark.django_db
def test_consent_path_join_sign_register(client, employee, hr_officer):
    client.force_login(employee)
    response = client.post(reverse("hr_edo:join"), {"language": "ky", "password": PASSWORD})
    assert response.status_code == 302
    participation = Participation.objects.get(employee=employee)
    assert participation.status == Participation.Status.SIGNED
    assert Signature.objects.filter(document=participation.application, signer=employee).exists()
    assert not is_participant(employee)

    content = document_read(participation.application)
    assert content.startswith(b"%PDF")
    if shutil.which("pdftotext"):
        text = pdf_text(content)
        assert "Асанов Айбек Өмүрбекович" in text
        assert "Улук окутуучу" in text
        assert "КТ-ҮӨҢ-07" in text
        assert "ң" in text and "ө" in text and "ү" in text

    client.force_login(hr_officer)
    page = client.get(reverse("hr_edo:participants"))
    assert "Асанов Айбек" in page.content.decode()
    response = client.post(reverse("hr_edo:participation_register", args=[participation.pk]))
    assert response.status_code == 302
    participation.refresh_from_db()
    assert participation.status == Participation.Status.REGISTERED
    assert participation.registered_by == hr_officer
    assert is_participant(employee)


@pytest.mark.django_db
def test_wrong_password_keeps_nothing(client, employee):
    client.force_login(employee)
    response = client.post(reverse("hr_edo:join"), {"language": "ky", "password": "wrong"})
    assert response.status_code == 200
    assert not Participation.objects.filter(employee=employee).exists()


@pytest.mark.django_db
def test_register_requires_the_employees_signature(employee, hr_officer):
    participation = participation_join(
        actor=employee, language="en", method="password", secret=PASSWORD
    )
    Signature.objects.filter(document=participation.application).delete()
    with pytest.raises(ValidationError):
        participation_register(actor=hr_officer, participation=participation)
    assert not is_participant(employee)


@pytest.mark.django_db
def test_register_requires_hr_permission(employee, make_user):
    participation = participation_join(
        actor=employee, language="ky", method="password", secret=PASSWORD
    )
    with pytest.raises(PermissionDenied):
        participation_register(actor=make_user("nobody"), participation=participation)


@pytest.mark.django_db
def test_non_participant_is_listed_as_paper_only(client, hr_officer, make_user):
    make_user("paperman", last_name="Кагазов")
    client.force_login(hr_officer)
    response = client.get(reverse("hr_edo:participants"))
    assert response.status_code == 200
    rows = [r for r in response.context["paper_only"] if r.username == "paperman"]
    assert rows
    assert "Кагазов" in response.content.decode()


@pytest.mark.django_db
def test_teacher_cannot_open_the_participants_list(client, make_user):
    client.force_login(make_user("teacher1", roles=["teacher"]))
    assert client.get(reverse("hr_edo:participants")).status_code == 403
    assert client.post(reverse("hr_edo:participation_register", args=[1])).status_code == 403


@pytest.mark.django_db
def test_anonymous_is_sent_to_login(client):
    response = client.get(reverse("hr_edo:join"))
    assert response.status_code == 302


@pytest.mark.django_db
def test_participants_list_query_budget(
    client, hr_officer, make_user, django_assert_max_num_queries
):
    for n in range(5):
        make_user(f"staff{n}")
    client.force_login(hr_officer)
    client.get(reverse("hr_edo:participants"))
    with django_assert_max_num_queries(12):
        client.get(reverse("hr_edo:participants"))
