"""The public application form and tracking page: validation, rate limit, secrecy."""

import pytest
from django.urls import reverse

from accounts import roles
from accounts.models import RegistrationRequest, RequestedSystem
from tests.accounts.test_requests_support import (
    REGISTER_URL,
    form_data,
    make_department,
    make_position,
    section_pk,
    system_pk,
)


@pytest.fixture(autouse=True)
def _english_texts(english_ui):
    """These tests read the English texts of pages and messages."""


pytestmark = pytest.mark.django_db


@pytest.fixture
def department():
    return make_department()


@pytest.fixture
def position():
    return make_position()


@pytest.fixture
def client_en(client):
    client.cookies["kstu_language"] = "en"
    return client


def test_the_form_is_addressed_to_the_rector_by_name(client_en, make_user):
    make_user("rector", roles=[roles.RECTOR], last_name="Бекбоев", first_name="Алтынбек")
    html = client_en.get(REGISTER_URL).content.decode()
    assert "To the Rector of I. Razzakov KSTU" in html
    assert "Бекбоев Алтынбек" in html


def test_the_form_opens_without_signing_in_and_lists_systems_and_sections(
    client_en, department, position
):
    response = client_en.get(REGISTER_URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "To the Rector of I. Razzakov KSTU" in html
    assert 'data-testid="rector-name"' not in html  # nobody holds the role yet
    assert department.name_en in html
    assert position.name_en in html
    assert 'data-testid="system-avn"' in html and "Exam sessions" in html
    assert f'name="level_{system_pk("1c")}"' in html


def test_inactive_departments_are_not_offered(client_en, department, position):
    closed = make_department("OLD-1")
    closed.is_active = False
    closed.name_en = "Closed chair"
    closed.save()
    assert "Closed chair" not in client_en.get(REGISTER_URL).content.decode()
    response = client_en.post(REGISTER_URL, form_data(closed, position))
    assert response.status_code == 200
    assert "Choose a department from the list." in response.content.decode()
    assert not RegistrationRequest.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"last_name": ""}, "Fill in this field."),
        ({"first_name": "Бакыт2"}, "Use letters only"),
        ({"patronymic": "<script>"}, "Use letters only"),
        ({"work_phone": "12-34"}, "A phone number has from 7 to 20 digits."),
        ({"mobile_phone": "+996 abc 12 34 56"}, "only digits, spaces and the signs"),
        ({"mobile_phone": ""}, "Enter the phone number."),
        ({"personal_email": "bakyt.asanov"}, "Enter a valid e-mail address"),
        ({"personal_email": ""}, "Enter the e-mail address to send the login details to."),
        ({"department": ""}, "Choose your department or chair."),
        ({"position": "999999"}, "Choose a position from the list."),
    ],
)
def test_a_bad_field_is_explained_and_nothing_entered_is_lost(
    client_en, department, position, overrides, message
):
    data = form_data(department, position, sections=[("avn", "curricula")])
    data.update(overrides)
    response = client_en.post(REGISTER_URL, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert "nothing you entered has been lost" in html
    assert not RegistrationRequest.objects.exists()
    form = response.context["form"]
    for name in ("last_name", "first_name", "work_phone", "mobile_phone", "personal_email"):
        if name not in overrides:
            assert form[name].value() == data[name]
            assert f'value="{data[name]}"' in html
    assert form[f"system_{system_pk('avn')}"].value() is True
    assert '<option value="edit" selected>' in html
    curricula = section_pk("avn", "curricula")
    assert f'value="{curricula}" id="section-{curricula}" checked>' in html


def test_no_system_chosen_is_an_error(client_en, department, position):
    response = client_en.post(REGISTER_URL, form_data(department, position, systems={}))
    assert response.status_code == 200
    assert "Choose at least one information system to open." in response.content.decode()
    assert not RegistrationRequest.objects.exists()


def test_a_section_of_a_system_not_chosen_is_an_error(client_en, department, position):
    response = client_en.post(
        REGISTER_URL,
        form_data(department, position, systems={"avn": "view"}, sections=[("1c", "payroll")]),
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "The report section “Payroll” belongs to" in html
    assert "which you did not choose" in html
    assert not RegistrationRequest.objects.exists()


def test_an_unknown_access_level_is_an_error(client_en, department, position):
    data = form_data(department, position)
    data[f"level_{system_pk('avn')}"] = "superuser"
    response = client_en.post(REGISTER_URL, data)
    assert "Choose an access level from the list." in response.content.decode()
    assert not RegistrationRequest.objects.exists()


def test_a_valid_application_stores_the_seven_items(client_en, department, position):
    client_en.post(
        REGISTER_URL,
        form_data(department, position, systems={"avn": "edit", "library": "view"}),
        REMOTE_ADDR="10.1.2.3",
    )
    request_obj = RegistrationRequest.objects.get()
    assert request_obj.full_name == "Асанов Бакыт Жумабекович"
    assert (request_obj.department, request_obj.position) == (department, position)
    assert request_obj.work_phone == "+996 312 54-51-25"
    assert request_obj.personal_email == "bakyt.asanov@example.com"
    assert request_obj.submitted_ip == "10.1.2.3"
    assert dict(
        RequestedSystem.objects.filter(request=request_obj).values_list(
            "system__code", "access_level"
        )
    ) == {"avn": "edit", "library": "view"}


def test_the_sixth_application_from_one_address_within_an_hour_is_refused(
    client_en, department, position
):
    for n in range(5):
        response = client_en.post(
            REGISTER_URL,
            form_data(department, position, personal_email=f"a{n}@example.com"),
            REMOTE_ADDR="192.0.2.7",
        )
        assert response.status_code == 302
    response = client_en.post(
        REGISTER_URL, form_data(department, position), REMOTE_ADDR="192.0.2.7"
    )
    assert response.status_code == 429
    assert "Too many applications" in response.content.decode()
    assert RegistrationRequest.objects.count() == 5
    # Another address is not affected.
    response = client_en.post(
        REGISTER_URL, form_data(department, position), REMOTE_ADDR="192.0.2.8"
    )
    assert response.status_code == 302
    assert RegistrationRequest.objects.count() == 6


def test_invalid_attempts_do_not_use_up_the_limit(client_en, department, position):
    for _ in range(6):
        client_en.post(
            REGISTER_URL, form_data(department, position, last_name=""), REMOTE_ADDR="192.0.2.9"
        )
    response = client_en.post(
        REGISTER_URL, form_data(department, position), REMOTE_ADDR="192.0.2.9"
    )
    assert response.status_code == 302


def test_tracking_page_is_404_for_an_unknown_token(client_en, department, position):
    client_en.post(REGISTER_URL, form_data(department, position))
    token = RegistrationRequest.objects.get().tracking_token
    assert client_en.get(reverse("accounts:register-track", args=["x" * 43])).status_code == 404
    wrong = token[:-1] + ("A" if token[-1] != "A" else "B")
    assert client_en.get(reverse("accounts:register-track", args=[wrong])).status_code == 404


def test_tracking_page_is_not_cached_or_indexed_and_shows_no_hr_data(
    client_en, department, position
):
    client_en.post(REGISTER_URL, form_data(department, position))
    request_obj = RegistrationRequest.objects.get()
    response = client_en.get(reverse("accounts:register-track", args=[request_obj.tracking_token]))
    assert response.status_code == 200
    assert (
        "no-store" in response.headers["Cache-Control"]
        or "no-cache" in (response.headers["Cache-Control"])
    )
    assert "noindex" in response.headers["X-Robots-Tag"]
    assert '<meta name="robots" content="noindex, nofollow">' in response.content.decode()
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_a_signed_in_outsider_cannot_see_public_applications(
    client_en, make_user, department, position
):
    client_en.post(REGISTER_URL, form_data(department, position))
    request_obj = RegistrationRequest.objects.get()
    teacher = make_user("teacher_t", roles=[roles.TEACHER])
    client_en.force_login(teacher)
    assert (
        client_en.get(reverse("accounts:request-detail", args=[request_obj.pk])).status_code == 403
    )
    assert client_en.get(reverse("accounts:request-queue")).status_code == 403


@pytest.mark.parametrize("language", ["ky", "ru", "en"])
def test_the_form_opens_in_each_interface_language(client, department, position, language):
    client.cookies["kstu_language"] = language
    response = client.get(REGISTER_URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{language}">' in html
    assert getattr(department, f"name_{language}") in html
