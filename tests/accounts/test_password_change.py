"""Changing a password and the first-password deadline (IS §5.1, §5.5; A9, A10).

Personas: an employee with a password of their own; a new employee whose initial password is
still due for a change; a new employee who let the 3 working days pass.
"""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import PasswordHistory
from audit.models import AuthEvent


@pytest.fixture(autouse=True)
def _english_texts(english_ui):
    """These tests read the English texts of pages and messages."""


pytestmark = pytest.mark.django_db

OLD = "Str0ng#Pass"
NEW = "Naryn#River42"


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def employee(make_user):
    return make_user("employee", personal_email="home@example.org", preferred_language="en")


@pytest.fixture
def newcomer(make_user):
    """The initial password is due for a change by the end of the 3rd working day."""
    return make_user(
        "newcomer",
        must_change_password=True,
        password_change_deadline=timezone.now() + dt.timedelta(days=2),
        preferred_language="en",
    )


@pytest.fixture
def latecomer(make_user):
    return make_user(
        "latecomer",
        must_change_password=True,
        password_change_deadline=timezone.now() - dt.timedelta(minutes=5),
    )


def _change(client, old=OLD, new=NEW, **extra):
    data = {"old_password": old, "new_password1": new, "new_password2": new, **extra}
    return client.post(reverse("accounts:password_change"), data)


# --------------------------------------------------------------------------- the page


def test_change_page_requires_sign_in(client):
    response = client.get(reverse("accounts:password_change"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_password_inputs_do_not_invite_the_browser_to_store_them(client, employee):
    client.force_login(employee)
    html = client.get(reverse("accounts:password_change")).content.decode()
    inputs = [chunk.split(">")[0] for chunk in html.split("<input")[1:]]
    password_inputs = [tag for tag in inputs if 'type="password"' in tag]
    assert len(password_inputs) == 3
    assert all('autocomplete="off"' in tag for tag in password_inputs)


def test_a_wrong_current_password_is_refused(client, employee):
    client.force_login(employee)
    response = _change(client, old="Wr0ng#Pass")
    assert response.status_code == 200
    employee.refresh_from_db()
    assert employee.check_password(OLD)


def test_a_weak_new_password_shows_every_missing_part(client, employee):
    client.force_login(employee)
    response = _change(client, new="river")
    html = response.content.decode()
    assert "The password needs: at least 8 characters, a digit, an uppercase letter" in html
    employee.refresh_from_db()
    assert employee.check_password(OLD)


def test_change_sets_the_password_and_keeps_this_session(client, employee):
    client.force_login(employee)
    response = _change(client)
    assert response.status_code == 302
    employee.refresh_from_db()
    assert employee.check_password(NEW)
    assert client.get(reverse("dashboard")).status_code == 200
    assert AuthEvent.objects.filter(
        action=AuthEvent.Action.PASSWORD_CHANGE, user_id=employee.pk
    ).exists()


def test_change_ends_the_other_sessions_of_the_user(client, employee, make_user):
    other_device = Client()
    other_device.force_login(employee)
    someone_else = Client()
    someone_else.force_login(make_user("colleague"))
    client.force_login(employee)
    assert other_device.get(reverse("dashboard")).status_code == 200

    _change(client)

    assert other_device.get(reverse("dashboard")).status_code == 302
    assert client.get(reverse("dashboard")).status_code == 200
    assert someone_else.get(reverse("dashboard")).status_code == 200


def test_change_is_notified_to_the_corporate_email_only(
    client, employee, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(employee)
    with django_capture_on_commit_callbacks(execute=True):
        _change(client)
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["employee@kstu.kg"]
    assert "password was changed" in mailoutbox[0].subject
    assert NEW not in mailoutbox[0].body


def test_the_initial_password_from_create_user_cannot_be_reused_after_two_changes(client, employee):
    client.force_login(employee)
    assert _change(client, old=OLD, new=NEW).status_code == 302
    assert _change(client, old=NEW, new="Talas-Valley8?").status_code == 302
    response = _change(client, old="Talas-Valley8?", new=OLD)
    assert response.status_code == 200
    assert "used before" in response.content.decode()
    assert PasswordHistory.objects.filter(user=employee).count() == 3


# --------------------------------------------------------------------------- forced change


def test_a_user_who_must_change_the_password_is_sent_to_the_change_page(client, newcomer):
    client.force_login(newcomer)
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:password_change"))
    page = client.get(response.url)
    assert page.status_code == 200
    assert b"password-change-required" in page.content


def test_forced_change_applies_at_the_next_sign_in(client, newcomer):
    response = client.post(reverse("login"), {"username": "newcomer", "password": OLD})
    assert response.status_code == 302
    follow = client.get(response.url)
    assert follow.status_code == 302
    assert follow.url.startswith(reverse("accounts:password_change"))


def test_the_api_answers_403_while_a_change_is_due(client, newcomer):
    client.force_login(newcomer)
    response = client.get("/api/v1/me/")
    assert response.status_code == 403
    assert "Change your password" in response.json()["detail"]


def test_logout_and_language_switch_stay_reachable_while_a_change_is_due(client, newcomer):
    client.force_login(newcomer)
    assert client.post(reverse("set_language"), {"language": "ru", "next": "/"}).status_code == 302
    assert client.post(reverse("logout")).status_code == 302
    assert client.get(reverse("dashboard")).url.startswith(reverse("login"))


def test_changing_the_password_fulfils_the_duty(client, newcomer):
    client.force_login(newcomer)
    response = _change(client, next="/accounts/profile/")
    assert response.status_code == 302
    assert response.url == "/accounts/profile/"
    newcomer.refresh_from_db()
    assert newcomer.must_change_password is False
    assert newcomer.password_change_deadline is None
    assert client.get(reverse("dashboard")).status_code == 200


def test_the_change_page_does_not_redirect_to_another_site(client, newcomer):
    client.force_login(newcomer)
    response = _change(client, next="https://evil.example/")
    assert response.url == reverse("dashboard")


# --------------------------------------------------------------------------- deadline passed


def test_an_expired_initial_password_cannot_be_used_to_sign_in(client, latecomer):
    response = client.post(reverse("login"), {"username": "latecomer", "password": OLD})
    assert response.status_code == 403
    assert b"first-password-expired" in response.content
    assert "IS-responsible" in response.content.decode()
    assert client.get(reverse("dashboard")).status_code == 302


def test_an_open_session_ends_when_the_initial_password_expires(client, newcomer):
    import time_machine

    newcomer.password_change_deadline = timezone.now() + dt.timedelta(minutes=10)
    newcomer.save()
    client.force_login(newcomer)
    assert client.get(reverse("accounts:password_change")).status_code == 200
    # 11 minutes later: the session is still alive (30 idle minutes), the deadline is not.
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=11)):
        response = client.get(reverse("dashboard"))
        assert response.status_code == 403
        assert b"first-password-expired" in response.content
        assert client.get(reverse("dashboard")).status_code == 302


def test_an_expired_initial_password_is_refused_on_the_api_too(client, latecomer):
    client.force_login(latecomer)
    response = client.get("/api/v1/me/")
    assert response.status_code == 403
    assert "expired" in response.json()["detail"]


def test_an_initial_password_changed_in_time_is_not_refused_later(client, newcomer):
    import time_machine

    client.force_login(newcomer)
    _change(client)
    with time_machine.travel(newcomer.password_change_deadline + dt.timedelta(days=1)):
        fresh = Client()
        response = fresh.post(reverse("login"), {"username": "newcomer", "password": NEW})
        assert response.status_code == 302
        assert fresh.get(reverse("dashboard")).status_code == 200


def test_agreement_and_forced_change_lead_one_after_the_other_without_a_loop(
    client, newcomer, make_user, settings
):
    from accounts.services.agreement import agreement_version_publish

    settings.KSTU_REQUIRE_AGREEMENT = True
    root = make_user("root", is_superuser=True, is_staff=True)
    version = agreement_version_publish(actor=root, text_ky="ky", text_ru="ru", text_en="en")
    client.force_login(newcomer)

    first = client.get(reverse("dashboard"), follow=True)
    assert first.status_code == 200
    assert len(first.redirect_chain) <= 3
    assert first.redirect_chain[-1][0].startswith("/accounts/agreement/")

    client.post("/accounts/agreement/", {"version": version.version, "accept": "on", "next": "/"})
    second = client.get(reverse("dashboard"), follow=True)
    assert second.redirect_chain[-1][0].startswith(reverse("accounts:password_change"))
    _change(client)
    assert client.get(reverse("dashboard")).status_code == 200
