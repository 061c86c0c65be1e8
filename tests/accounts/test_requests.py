"""The registration request end to end: application → visa → access tasks → activation."""

import datetime as dt

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from accounts import roles
from accounts.models import AccessGrant, AccountActivation, RegistrationRequest, User
from accounts.services.requests import transliterate, username_suggest
from tests.accounts.test_requests_support import (
    BISHKEK,
    NEW_URL,
    PASSWORD,
    REGISTER_URL,
    activation_path,
    at,
    form_data,
    make_department,
    make_hr_head,
    make_position,
    make_responsible,
    section_pk,
    tracking_path,
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
def hr_head(make_user):
    return make_hr_head(make_user)


@pytest.fixture
def hr_officer(make_user):
    return make_user("hr_aidana", roles=[roles.HR_OFFICER], first_name="Айдана")


@pytest.fixture
def avn_responsible(make_user):
    return make_responsible(make_user, "resp_aigul", "avn", first_name="Айгүл")


@pytest.fixture
def onec_responsible(make_user):
    return make_responsible(make_user, "resp_bekzat", "1c", first_name="Бекзат")


@pytest.fixture
def english(client):
    client.cookies["kstu_language"] = "en"
    return client


def _signed_in(user, language="en") -> Client:
    other = Client()
    other.cookies["kstu_language"] = language
    other.force_login(user)
    return other


def test_whole_path_from_application_to_active_signed_in_account(
    english,
    department,
    position,
    hr_head,
    avn_responsible,
    onec_responsible,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    client = english
    with time_machine.travel(at(2025, 4, 30, 10, 0), tick=False):
        # 1. The employee sends the application from the public form.
        response = client.post(
            REGISTER_URL,
            form_data(
                department,
                position,
                systems={"avn": "edit", "1c": "view"},
                sections=[("avn", "exam-sessions"), ("1c", "payroll")],
            ),
        )
        request_obj = RegistrationRequest.objects.get()
        assert response.status_code == 302
        assert response.url == reverse("accounts:register-track", args=[request_obj.tracking_token])
        assert request_obj.status == RegistrationRequest.Status.SUBMITTED
        assert request_obj.filed_by is None
        assert len(request_obj.tracking_token) >= 43
        assert "Awaiting the HR visa" in client.get(response.url).content.decode()

        # 2. The head of HR approves it.
        with django_capture_on_commit_callbacks(execute=True):
            response = _signed_in(hr_head).post(
                reverse("accounts:request-approve", args=[request_obj.pk])
            )
        assert response.status_code == 302

    request_obj.refresh_from_db()
    account = request_obj.account
    assert request_obj.status == RegistrationRequest.Status.APPROVED
    assert request_obj.visa_by == hr_head
    assert request_obj.visa_at == at(2025, 4, 30, 10, 0)
    assert account.username == "asanov.b"
    assert account.email == "asanov.b@kstu.kg"
    assert account.personal_email == "bakyt.asanov@example.com"
    assert (account.last_name, account.first_name, account.patronymic) == (
        "Асанов",
        "Бакыт",
        "Жумабекович",
    )
    assert (account.department, account.position) == (department, position)
    assert account.mobile_phone == "+996 555 12-34-56"
    assert not account.is_active
    assert not account.has_usable_password()
    assert account.must_change_password

    # The May holidays of 2025: the 3rd working day after 30 April is 14 May.
    deadline = dt.datetime(2025, 5, 14, 23, 59, 59, 999999, tzinfo=BISHKEK)
    assert account.password_change_deadline == deadline
    grants = {g.system.code: g for g in AccessGrant.objects.filter(user=account)}
    assert set(grants) == {"avn", "1c"}
    assert {g.due_at for g in grants.values()} == {deadline}
    assert grants["avn"].access_level == "edit"
    assert grants["1c"].access_level == "view"
    assert grants["avn"].kind == AccessGrant.Kind.GRANT
    assert grants["avn"].request == request_obj
    assert [s.code for s in grants["avn"].report_sections.all()] == ["exam-sessions"]
    assert [s.code for s in grants["1c"].report_sections.all()] == ["payroll"]

    # 3. Each responsible person is told about the task of their own system.
    to_aigul = [m for m in mailoutbox if m.to == [avn_responsible.email]]
    to_bekzat = [m for m in mailoutbox if m.to == [onec_responsible.email]]
    assert len(to_aigul) == 1 and "Асанов" in to_aigul[0].subject
    assert len(to_bekzat) == 1

    # 4. The activation link reaches the personal e-mail, in Kyrgyz with Russian below.
    (activation_mail,) = [m for m in mailoutbox if m.to == ["bakyt.asanov@example.com"]]
    assert "asanov.b" in activation_mail.body
    assert "2025-05-14" in activation_mail.body
    assert "— — —" in activation_mail.body
    path = activation_path(activation_mail)

    # 5. The employee sets the first password and is signed in.
    with time_machine.travel(at(2025, 5, 12, 9, 0), tick=False):
        page = client.get(path)
        assert page.status_code == 200
        assert "asanov.b" in page.content.decode()
        response = client.post(path, {"new_password1": PASSWORD, "new_password2": PASSWORD})
        assert response.status_code == 302
        assert response.url == reverse("dashboard")
        assert int(client.session["_auth_user_id"]) == account.pk
        dashboard = client.get(response.url)
        assert dashboard.status_code == 200
        assert "Асанов Бакыт" in dashboard.content.decode()
    account.refresh_from_db()
    assert account.is_active
    assert account.check_password(PASSWORD)
    assert not account.must_change_password
    assert account.password_change_deadline is None
    assert AccountActivation.objects.get(user=account).used_at is not None

    # The link works only once.
    client.logout()
    client.cookies["kstu_language"] = "en"  # logout clears the cookies
    reused = client.get(path)
    assert reused.status_code == 410
    assert "already been used" in reused.content.decode()


def test_returned_request_is_corrected_through_the_tracking_link_and_approved(
    english, department, position, hr_head, mailoutbox, django_capture_on_commit_callbacks
):
    client = english
    client.post(REGISTER_URL, form_data(department, position, mobile_phone="+996 555 00-00-00"))
    request_obj = RegistrationRequest.objects.get()
    hr = _signed_in(hr_head)

    with django_capture_on_commit_callbacks(execute=True):
        hr.post(
            reverse("accounts:request-return", args=[request_obj.pk]),
            {"comment": "Мобилдик телефонуңузду текшериңиз."},
        )
    request_obj.refresh_from_db()
    assert request_obj.status == RegistrationRequest.Status.RETURNED
    (returned_mail,) = mailoutbox
    assert returned_mail.to == ["bakyt.asanov@example.com"]
    assert "Мобилдик телефонуңузду текшериңиз." in returned_mail.body
    path = tracking_path(returned_mail)

    page = client.get(path).content.decode()
    assert "Мобилдик телефонуңузду текшериңиз." in page
    assert 'value="+996 555 00-00-00"' in page  # the form comes prefilled
    assert 'value="Асанов"' in page

    response = client.post(path, form_data(department, position, mobile_phone="+996 700 11-22-33"))
    assert response.status_code == 302
    request_obj.refresh_from_db()
    assert request_obj.status == RegistrationRequest.Status.SUBMITTED
    assert request_obj.mobile_phone == "+996 700 11-22-33"
    statuses = list(
        request_obj.history.order_by("history_date", "history_id").values_list("status", flat=True)
    )
    assert statuses[0] == "submitted" and "returned" in statuses and statuses[-1] == "submitted"
    assert request_obj.history.filter(history_change_reason="corrected and resubmitted").exists()

    hr.post(reverse("accounts:request-approve", args=[request_obj.pk]))
    request_obj.refresh_from_db()
    assert request_obj.status == RegistrationRequest.Status.APPROVED
    assert request_obj.account.mobile_phone == "+996 700 11-22-33"


def test_a_request_that_is_not_returned_cannot_be_changed_through_the_link(
    english, department, position
):
    english.post(REGISTER_URL, form_data(department, position))
    request_obj = RegistrationRequest.objects.get()
    page = english.get(reverse("accounts:register-track", args=[request_obj.tracking_token]))
    assert 'name="last_name"' not in page.content.decode()
    response = english.post(
        reverse("accounts:register-track", args=[request_obj.tracking_token]),
        form_data(department, position, last_name="Бакиров"),
    )
    assert response.status_code == 409
    request_obj.refresh_from_db()
    assert request_obj.last_name == "Асанов"


def test_rejected_request_is_final_and_the_applicant_is_told(
    english, department, position, hr_head, mailoutbox, django_capture_on_commit_callbacks
):
    english.post(REGISTER_URL, form_data(department, position))
    request_obj = RegistrationRequest.objects.get()
    hr = _signed_in(hr_head)
    with django_capture_on_commit_callbacks(execute=True):
        hr.post(
            reverse("accounts:request-reject", args=[request_obj.pk]),
            {"comment": "Бул адам КМТУда иштебейт."},
        )
    request_obj.refresh_from_db()
    assert request_obj.status == RegistrationRequest.Status.REJECTED
    assert "Бул адам КМТУда иштебейт." in mailoutbox[0].body

    response = hr.post(reverse("accounts:request-approve", args=[request_obj.pk]), follow=True)
    assert "only a request awaiting the visa can be decided" in response.content.decode()
    request_obj.refresh_from_db()
    assert request_obj.status == RegistrationRequest.Status.REJECTED
    assert request_obj.account is None
    assert not User.objects.filter(username__startswith="asanov").exists()


def test_returning_without_a_comment_is_refused_with_a_message(
    english, department, position, hr_head
):
    english.post(REGISTER_URL, form_data(department, position))
    request_obj = RegistrationRequest.objects.get()
    response = _signed_in(hr_head).post(
        reverse("accounts:request-return", args=[request_obj.pk]), {"comment": "  "}, follow=True
    )
    assert "Write a comment" in response.content.decode()
    request_obj.refresh_from_db()
    assert request_obj.status == RegistrationRequest.Status.SUBMITTED


def test_hr_officer_files_on_behalf_and_the_employee_gets_the_tracking_link(
    department, position, hr_officer, mailoutbox, django_capture_on_commit_callbacks
):
    hr = _signed_in(hr_officer)
    assert hr.get(NEW_URL).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = hr.post(NEW_URL, form_data(department, position))
    request_obj = RegistrationRequest.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("accounts:request-detail", args=[request_obj.pk])
    assert request_obj.filed_by == hr_officer
    (mail,) = mailoutbox
    assert mail.to == ["bakyt.asanov@example.com"]
    assert tracking_path(mail) == reverse(
        "accounts:register-track", args=[request_obj.tracking_token]
    )


@pytest.mark.parametrize("role", [roles.TEACHER, roles.STUDENT, roles.IS_RESPONSIBLE])
def test_filing_on_behalf_is_forbidden_outside_hr(make_user, department, position, role):
    outsider = make_user("outsider", roles=[role])
    client = _signed_in(outsider)
    assert client.get(NEW_URL).status_code == 403
    assert client.post(NEW_URL, form_data(department, position)).status_code == 403
    assert not RegistrationRequest.objects.exists()


def test_filing_on_behalf_sends_anonymous_visitors_to_login(client):
    response = client.get(NEW_URL)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_hr_officer_cannot_put_the_visa(english, department, position, hr_officer):
    english.post(REGISTER_URL, form_data(department, position))
    request_obj = RegistrationRequest.objects.get()
    hr = _signed_in(hr_officer)
    detail = hr.get(reverse("accounts:request-detail", args=[request_obj.pk]))
    assert detail.status_code == 200
    assert 'data-testid="approve"' not in detail.content.decode()
    for action in ("approve", "return", "reject"):
        response = hr.post(
            reverse(f"accounts:request-{action}", args=[request_obj.pk]), {"comment": "x"}
        )
        assert response.status_code == 403
    request_obj.refresh_from_db()
    assert request_obj.status == RegistrationRequest.Status.SUBMITTED
    assert not User.objects.filter(username="asanov.b").exists()


def test_the_hr_head_cannot_approve_a_request_they_filed(department, position, hr_head):
    hr = _signed_in(hr_head)
    hr.post(NEW_URL, form_data(department, position))
    request_obj = RegistrationRequest.objects.get(filed_by=hr_head)
    response = hr.post(reverse("accounts:request-approve", args=[request_obj.pk]))
    assert response.status_code == 403
    request_obj.refresh_from_db()
    assert request_obj.status == RegistrationRequest.Status.SUBMITTED


def test_the_hr_head_cannot_approve_their_own_application(english, make_user, department, position):
    head = make_hr_head(make_user, personal_email="Bakyt.Asanov@example.com")
    english.post(REGISTER_URL, form_data(department, position))
    request_obj = RegistrationRequest.objects.get()
    response = _signed_in(head).post(reverse("accounts:request-approve", args=[request_obj.pk]))
    assert response.status_code == 403
    request_obj.refresh_from_db()
    assert request_obj.status == RegistrationRequest.Status.SUBMITTED


def test_another_hr_head_approves_a_request_filed_by_an_hr_head(
    make_user, department, position, hr_head
):
    _signed_in(hr_head).post(NEW_URL, form_data(department, position))
    request_obj = RegistrationRequest.objects.get()
    deputy = make_hr_head(make_user, "hr_deputy", first_name="Нурбек")
    _signed_in(deputy).post(reverse("accounts:request-approve", args=[request_obj.pk]))
    request_obj.refresh_from_db()
    assert request_obj.status == RegistrationRequest.Status.APPROVED
    assert request_obj.visa_by == deputy


def test_a_responsible_person_is_mailed_only_about_tasks_of_their_own_system(
    english,
    department,
    position,
    hr_head,
    avn_responsible,
    onec_responsible,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    english.post(REGISTER_URL, form_data(department, position, systems={"1c": "view"}))
    request_obj = RegistrationRequest.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        _signed_in(hr_head).post(reverse("accounts:request-approve", args=[request_obj.pk]))
    recipients = [m.to[0] for m in mailoutbox]
    assert onec_responsible.email in recipients
    assert avn_responsible.email not in recipients
    (task_mail,) = [m for m in mailoutbox if m.to == [onec_responsible.email]]
    assert "Асанов Бакыт Жумабекович" in task_mail.body


def test_nothing_is_mailed_when_the_visa_fails(
    english, department, position, hr_officer, mailoutbox, django_capture_on_commit_callbacks
):
    english.post(REGISTER_URL, form_data(department, position))
    request_obj = RegistrationRequest.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        _signed_in(hr_officer).post(reverse("accounts:request-approve", args=[request_obj.pk]))
    assert mailoutbox == []


def test_logins_are_transliterated_and_unique(make_user):
    assert transliterate("Өмүрбеков") == "omurbekov"
    assert transliterate("Жээнбеков") == "zheenbekov"
    assert transliterate("Ңайзабек") == "ngayzabek"
    assert transliterate("Щукина-Юсупова") == "shchukina-yusupova"
    assert username_suggest(last_name="Асанов", first_name="Бакыт") == "asanov.b"
    make_user("asanov.b")
    assert username_suggest(last_name="Асанов", first_name="Бакытбек") == "asanov.b2"
    # A corporate mailbox already taken blocks the login too.
    make_user("someone", email="asanov.b2@kstu.kg")
    assert username_suggest(last_name="Асанов", first_name="Бекболот") == "asanov.b3"
    assert username_suggest(last_name="Ли", first_name="Чжэн") == "li.ch"


def test_report_sections_of_each_system_reach_only_that_systems_task(
    english, department, position, hr_head
):
    english.post(
        REGISTER_URL,
        form_data(
            department,
            position,
            systems={"avn": "view", "1c": "administer"},
            sections=[("avn", "curricula"), ("avn", "student-contingent"), ("1c", "staff-list")],
        ),
    )
    request_obj = RegistrationRequest.objects.get()
    assert sorted(request_obj.report_sections.values_list("pk", flat=True)) == sorted(
        [
            section_pk("avn", "curricula"),
            section_pk("avn", "student-contingent"),
            section_pk("1c", "staff-list"),
        ]
    )
    _signed_in(hr_head).post(reverse("accounts:request-approve", args=[request_obj.pk]))
    onec = AccessGrant.objects.get(request=request_obj, system__code="1c")
    assert onec.access_level == "administer"
    assert [s.code for s in onec.report_sections.all()] == ["staff-list"]
