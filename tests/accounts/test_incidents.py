"""Unauthorized-access reports (IS §5.4, §6.5; A12).

Personas: an employee who suspects someone used their account; two IS-responsible persons
(one of them reports an incident of their own); a teacher who is not IS-responsible.
"""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import translation

from accounts import roles
from accounts.models import AccessIncident
from accounts.services.incidents import incident_close, incident_report
from audit.models import AuthEvent
from audit.services import event_record

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def employee(make_user):
    return make_user("employee", preferred_language="en")


@pytest.fixture
def responsible(make_user):
    return make_user("resp1", roles=[roles.IS_RESPONSIBLE], preferred_language="en")


@pytest.fixture
def responsible2(make_user):
    return make_user("resp2", roles=[roles.IS_RESPONSIBLE], preferred_language="ru")


@pytest.fixture
def teacher(make_user):
    return make_user("teacher", roles=[roles.TEACHER])


def _report(client, kind=AccessIncident.Kind.ACCOUNT_USED, description="Grades I did not enter"):
    return client.post(reverse("accounts:incident_new"), {"kind": kind, "description": description})


def _incident(user, **fields):
    return AccessIncident.objects.create(
        user=user, kind=AccessIncident.Kind.PASSWORD_KNOWN, **fields
    )


# --------------------------------------------------------------------------- reporting


def test_the_report_form_requires_sign_in(client):
    response = client.get(reverse("accounts:incident_new"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_the_report_form_offers_the_kinds(client, employee):
    client.force_login(employee)
    html = client.get(reverse("accounts:incident_new")).content.decode()
    assert "Someone used my account" in html
    assert "My password may be known to someone" in html


def test_a_report_ends_every_session_and_forces_a_password_change(client, employee, make_user):
    phone = Client()
    phone.force_login(employee)
    colleague = Client()
    colleague.force_login(make_user("colleague"))
    client.force_login(employee)

    response = _report(client)

    assert response.status_code == 302
    assert response.url == reverse("accounts:incident_reported")
    page = client.get(response.url)
    assert b"incident-reported" in page.content
    assert "Forgot password" in page.content.decode()
    assert client.get(reverse("dashboard")).status_code == 302
    assert phone.get(reverse("dashboard")).status_code == 302
    assert colleague.get(reverse("dashboard")).status_code == 200

    employee.refresh_from_db()
    assert not employee.has_usable_password()
    incident = AccessIncident.objects.get(user=employee)
    assert incident.status == AccessIncident.Status.OPEN
    assert incident.description == "Grades I did not enter"


def test_a_report_deletes_the_accounts_api_tokens(client, employee):
    from rest_framework.authtoken.models import Token

    token = Token.objects.create(user=employee)
    api = Client(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert api.get(reverse("api-me")).status_code == 200
    client.force_login(employee)

    assert _report(client).status_code == 302

    assert not Token.objects.filter(user=employee).exists()
    event = AuthEvent.objects.get(action=AuthEvent.Action.INCIDENT_REPORT)
    assert event.user_id == employee.pk
    assert event.details["api_tokens_deleted"] == 1 and event.details["sessions_ended"] == 1
    refused = api.get(reverse("api-me"))
    assert refused.status_code == 403 and "Invalid token" in refused.json()["detail"]


def test_after_a_report_the_old_password_no_longer_signs_in(client, employee):
    client.force_login(employee)
    _report(client)
    response = client.post(reverse("login"), {"username": "employee", "password": "Str0ng#Pass"})
    assert response.status_code == 200  # the form again, with the error
    assert not response.wsgi_request.user.is_authenticated


def test_after_a_report_the_old_password_cannot_be_chosen_again(client, employee):
    from accounts.models import PasswordHistory

    old_hash = employee.password
    client.force_login(employee)
    _report(client)
    assert PasswordHistory.objects.filter(user=employee, password=old_hash).exists()


def test_the_report_keeps_the_last_twenty_sign_ins_with_address_and_browser(employee):
    for n in range(22):
        event_record(action=AuthEvent.Action.LOGIN, user=employee, details={"n": n})
    event_record(action=AuthEvent.Action.LOGIN_FAILED, username="employee")
    event_record(action=AuthEvent.Action.LOGIN_FAILED, username="someone.else")
    incident = incident_report(
        user=employee, kind=AccessIncident.Kind.ACCOUNT_USED, description="", request=None
    )
    assert len(incident.recent_logins) == 20
    assert incident.recent_logins[0]["action"] == "login_failed"
    assert {"time", "action", "ip", "user_agent"} <= set(incident.recent_logins[0])
    assert sum(row["action"] == "login_failed" for row in incident.recent_logins) == 1


def test_the_is_responsible_persons_are_mailed_in_their_language(
    client,
    employee,
    responsible,
    responsible2,
    teacher,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    client.force_login(employee)
    with django_capture_on_commit_callbacks(execute=True):
        _report(client)
    assert sorted(m.to[0] for m in mailoutbox) == ["resp1@kstu.kg", "resp2@kstu.kg"]
    english = next(m for m in mailoutbox if m.to == ["resp1@kstu.kg"])
    assert "unauthorized-access report from employee" in english.subject
    incident = AccessIncident.objects.get(user=employee)
    assert reverse("accounts:incident_detail", args=[incident.pk]) in english.body


def test_an_unknown_kind_is_refused(client, employee):
    client.force_login(employee)
    response = _report(client, kind="other")
    assert response.status_code == 200
    assert not AccessIncident.objects.exists()
    assert client.get(reverse("dashboard")).status_code == 200


# --------------------------------------------------------------------------- the queue


def test_the_queue_is_open_to_is_responsible_persons(client, responsible, employee):
    _incident(employee, description="seen from 10.0.0.99")
    client.force_login(responsible)
    response = client.get(reverse("accounts:incident_queue"))
    assert response.status_code == 200
    assert "seen from 10.0.0.99" in response.content.decode()


def test_the_queue_is_forbidden_to_other_users(client, teacher, employee):
    incident = _incident(employee)
    client.force_login(teacher)
    assert client.get(reverse("accounts:incident_queue")).status_code == 403
    assert client.get(reverse("accounts:incident_detail", args=[incident.pk])).status_code == 403
    response = client.post(
        reverse("accounts:incident_close", args=[incident.pk]), {"resolution": "x"}
    )
    assert response.status_code == 403


def test_the_queue_requires_sign_in(client):
    response = client.get(reverse("accounts:incident_queue"))
    assert response.status_code == 302


def test_the_queue_shows_the_login_history_with_a_bounded_number_of_queries(
    client, responsible, make_user, django_assert_max_num_queries
):
    from accounts.models import Department

    unit = Department.objects.create(
        kind=Department.Kind.CHAIR,
        name_ky="К",
        name_ru="К",
        name_en="Chair of networks",
        registration_code="CH-1",
    )
    history = [
        {
            "time": "2025-01-01T10:00:00+06:00",
            "action": "login",
            "ip": "10.2.3.4",
            "user_agent": "Firefox",
        }
    ]
    for n in range(30):
        _incident(make_user(f"reporter{n}", department=unit), recent_logins=history)
    client.force_login(responsible)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("accounts:incident_queue"))
    html = response.content.decode()
    assert html.count('data-testid="incident-row"') == 25
    assert "10.2.3.4" in html and "Chair of networks" in html


def test_the_detail_page_shows_the_report(client, responsible, employee):
    incident = _incident(employee, description="strange login at night")
    client.force_login(responsible)
    response = client.get(reverse("accounts:incident_detail", args=[incident.pk]))
    assert response.status_code == 200
    assert "strange login at night" in response.content.decode()
    assert b"incident-close" in response.content


# --------------------------------------------------------------------------- closing


def test_an_is_responsible_person_closes_an_incident_with_a_note(
    client, responsible, employee, mailoutbox, django_capture_on_commit_callbacks
):
    incident = _incident(employee)
    client.force_login(responsible)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("accounts:incident_close", args=[incident.pk]),
            {"resolution": "Password reset, sessions checked, no data changed."},
        )
    assert response.status_code == 302
    incident.refresh_from_db()
    assert incident.status == AccessIncident.Status.CLOSED
    assert incident.handled_by == responsible
    assert incident.closed_at is not None
    assert incident.resolution.startswith("Password reset")
    assert [m.to for m in mailoutbox] == [["employee@kstu.kg"]]
    assert "no data changed" in mailoutbox[0].body
    closed = client.get(reverse("accounts:incident_queue") + "?status=closed")
    assert "no data changed" in closed.content.decode()


def test_closing_without_a_note_is_refused(client, responsible, employee):
    incident = _incident(employee)
    client.force_login(responsible)
    response = client.post(
        reverse("accounts:incident_close", args=[incident.pk]), {"resolution": "  "}
    )
    assert response.status_code == 400
    incident.refresh_from_db()
    assert incident.status == AccessIncident.Status.OPEN


def test_a_reporter_cannot_close_their_own_incident(responsible, responsible2):
    incident = _incident(responsible)
    with pytest.raises(PermissionDenied):
        incident_close(actor=responsible, incident=incident, resolution="fine")
    incident_close(actor=responsible2, incident=incident, resolution="checked")


def test_a_closed_incident_cannot_be_closed_again(responsible, employee):
    incident = _incident(employee)
    incident_close(actor=responsible, incident=incident, resolution="checked")
    with pytest.raises(ValidationError):
        incident_close(actor=responsible, incident=incident, resolution="again")


def test_the_service_refuses_a_user_who_is_not_is_responsible(teacher, employee):
    with pytest.raises(PermissionDenied):
        incident_close(actor=teacher, incident=_incident(employee), resolution="x")
