""" "Forgot password" through the corporate e-mail (IS §4.2–4.3, A8).

Personas: an employee with a corporate and a personal mailbox; a blocked (inactive) employee;
a stranger typing logins that do not exist.
"""

import datetime as dt
import re
from urllib.parse import urlsplit

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import translation

from audit.models import AuthEvent

pytestmark = pytest.mark.django_db

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
def request_reset(client, django_capture_on_commit_callbacks):
    def _request(login, *, on=client):
        with django_capture_on_commit_callbacks(execute=True):
            return on.post(reverse("accounts:password_reset"), {"login": login}, follow=True)

    return _request


def _without_csrf(content: bytes) -> bytes:
    return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", content)


def _link(message) -> str:
    match = re.search(r"https?://\S+/accounts/password/reset/\S+/\S+/", message.body)
    assert match, message.body
    return urlsplit(match.group(0)).path


def _set_password(client, link, password=NEW):
    page = client.get(link, follow=True)
    assert page.status_code == 200
    if b"password-reset-invalid" in page.content:
        return page
    set_url = page.redirect_chain[-1][0]
    return client.post(set_url, {"new_password1": password, "new_password2": password}, follow=True)


def test_the_reset_form_is_open_without_sign_in(client):
    response = client.get(reverse("accounts:password_reset"))
    assert response.status_code == 200
    assert b"password-reset-submit" in response.content


def test_the_same_page_is_shown_for_known_and_unknown_logins(request_reset, mailoutbox, employee):
    known = request_reset("employee")
    unknown = request_reset("nobody.here")
    assert known.redirect_chain == unknown.redirect_chain
    assert _without_csrf(known.content) == _without_csrf(unknown.content)
    assert b"password-reset-sent" in known.content
    assert len(mailoutbox) == 1


def test_the_link_goes_to_the_corporate_email_only(request_reset, mailoutbox, employee):
    request_reset("employee")
    request_reset("EMPLOYEE@kstu.kg")
    request_reset("home@example.org")  # the personal address is not a way in
    assert [m.to for m in mailoutbox] == [["employee@kstu.kg"], ["employee@kstu.kg"]]


def test_an_inactive_account_gets_no_link_and_the_same_page(request_reset, mailoutbox, make_user):
    make_user("blocked", is_active=False)
    response = request_reset("blocked")
    assert b"password-reset-sent" in response.content
    assert mailoutbox == []


def test_the_link_works_once(client, request_reset, mailoutbox, employee):
    request_reset("employee")
    link = _link(mailoutbox[0])

    done = _set_password(client, link)
    assert b"password-reset-complete" in done.content
    employee.refresh_from_db()
    assert employee.check_password(NEW)

    again = _set_password(Client(), link, password="Talas-Valley8?")
    assert b"password-reset-invalid" in again.content
    employee.refresh_from_db()
    assert employee.check_password(NEW)


def test_an_expired_link_is_refused(client, request_reset, mailoutbox, employee):
    request_reset("employee")
    link = _link(mailoutbox[0])
    # A relative trip: the token generator reads the naive local clock (an aware UTC
    # destination would also move the process's time zone to UTC).
    with time_machine.travel(dt.timedelta(hours=2, minutes=1)):
        response = _set_password(client, link)
    assert b"password-reset-invalid" in response.content
    employee.refresh_from_db()
    assert employee.check_password("Str0ng#Pass")


def test_the_link_still_works_shortly_before_two_hours(client, request_reset, mailoutbox, employee):
    request_reset("employee")
    link = _link(mailoutbox[0])
    with time_machine.travel(dt.timedelta(hours=1, minutes=58)):
        response = _set_password(client, link)
    assert b"password-reset-complete" in response.content


def test_the_new_password_goes_through_the_policy(client, request_reset, mailoutbox, employee):
    request_reset("employee")
    response = _set_password(client, _link(mailoutbox[0]), password="river")
    assert "The password needs:" in response.content.decode()
    employee.refresh_from_db()
    assert employee.check_password("Str0ng#Pass")


def test_a_reset_ends_every_session_and_fulfils_a_forced_change(
    client, request_reset, mailoutbox, employee
):
    employee.must_change_password = True
    employee.save()
    signed_in = Client()
    signed_in.force_login(employee)
    request_reset("employee")
    _set_password(client, _link(mailoutbox[0]))
    assert signed_in.get(reverse("dashboard")).status_code == 302
    employee.refresh_from_db()
    assert employee.must_change_password is False
    assert AuthEvent.objects.filter(
        action=AuthEvent.Action.PASSWORD_RESET, user_id=employee.pk
    ).exists()


def test_a_locked_account_is_not_unlocked_by_password_reset(
    client, request_reset, mailoutbox, employee, settings
):
    from axes.models import AccessAttempt

    AccessAttempt.objects.create(
        username="employee",
        ip_address="10.0.0.9",
        user_agent="x",
        http_accept="*/*",
        path_info="/login/",
        get_data="",
        post_data="",
        failures_since_start=settings.AXES_FAILURE_LIMIT,
    )
    request_reset("employee")
    response = _set_password(client, _link(mailoutbox[0]))
    assert b"password-reset-still-locked" in response.content
    assert "contact the IS-responsible" in response.content.decode()
    assert AccessAttempt.objects.get(username="employee").failures_since_start == 3
    employee.refresh_from_db()
    assert employee.check_password(NEW)


def test_the_request_is_audited_with_the_login_and_never_the_email_address(request_reset, employee):
    request_reset("employee@kstu.kg")
    request_reset("ghost")
    request_reset("ghost@kstu.kg")
    events = AuthEvent.objects.filter(action=AuthEvent.Action.PASSWORD_RESET_REQUEST)
    assert sorted(e.username for e in events) == ["", "employee", "ghost"]
    for event in events:
        assert "@" not in event.username
        assert "@" not in str(event.details)


def test_reset_requests_from_one_address_are_limited(request_reset, settings, employee):
    settings.PASSWORD_RESET_PER_CLIENT_ADDRESS = 3
    for _ in range(3):
        assert request_reset("ghost").status_code == 200
    response = request_reset("ghost")
    assert response.status_code == 429
    assert "Too many requests" in response.content.decode()


def test_one_account_gets_at_most_three_links_an_hour(request_reset, mailoutbox, employee):
    for _ in range(5):
        response = request_reset("employee")
        assert b"password-reset-sent" in response.content
    assert len(mailoutbox) == 3


def test_the_reset_pages_do_not_invite_the_browser_to_store_the_password(
    client, request_reset, mailoutbox, employee
):
    request_reset("employee")
    page = client.get(_link(mailoutbox[0]), follow=True)
    tags = [c.split(">")[0] for c in page.content.decode().split("<input")[1:]]
    password_tags = [t for t in tags if 'type="password"' in t]
    assert len(password_tags) == 2
    assert all('autocomplete="off"' in t for t in password_tags)
