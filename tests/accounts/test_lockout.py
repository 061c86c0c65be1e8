"""Lockout after 3 failed logins and the manual unlock (IS §5.7, REQUIREMENTS A8, A11).

Personas: Бакыт, a teacher whose login is being guessed; Айгүл, the IS-responsible person who
unlocks accounts; Жылдыз, an HR officer, and Бакыт himself, who may not unlock.
"""

import re

import pytest
from axes.models import AccessAttempt, AccessFailureLog
from django.contrib.auth import authenticate
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import translation
from rest_framework.authtoken.views import ObtainAuthToken

from accounts import roles
from accounts.models import User
from accounts.services.lockout import account_unlock, failure_count, is_locked
from audit.models import AuthEvent

pytestmark = pytest.mark.django_db

PASSWORD = "Str0ng#Pass"
WRONG = "Wrong#Pass1"
LOGIN = reverse("login")


@pytest.fixture
def teacher(make_user):
    """Бакыт, a teacher; Russian is his preferred language."""
    return make_user("bakyt", roles=[roles.TEACHER], first_name="Бакыт", preferred_language="ru")


@pytest.fixture
def responsible(make_user):
    """Айгүл, the IS-responsible person."""
    return make_user("aigul", roles=[roles.IS_RESPONSIBLE], first_name="Айгүл")


@pytest.fixture
def hr_officer(make_user):
    return make_user("zhyldyz", roles=[roles.HR_OFFICER], is_staff=True)


def _attempt(client, username, password=WRONG, **extra):
    return client.post(LOGIN, {"username": username, "password": password}, **extra)


def _lock(client, username, times=3, **extra):
    responses = [_attempt(client, username, **extra) for _ in range(times)]
    return responses[-1]


def _normalized(response, *logins) -> str:
    html = response.content.decode()
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', 'name="csrf" value=""', html)
    for login in logins:
        html = html.replace(login, "LOGIN")
    return html


# --------------------------------------------------------------------------- the lock


def test_third_failed_login_locks_the_account_and_says_whom_to_contact(client, teacher):
    first, second = _attempt(client, "bakyt"), _attempt(client, "bakyt")
    assert first.status_code == second.status_code == 200
    assert not is_locked("bakyt")

    third = _attempt(client, "bakyt")

    assert third.status_code == 403
    assert b'data-testid="account-locked"' in third.content
    assert b'data-testid="logout"' not in third.content  # inside the site layout, signed out
    assert b'<html lang="ky">' in third.content
    assert is_locked("bakyt")
    assert (
        AuthEvent.objects.filter(action=AuthEvent.Action.LOCKOUT, user_id=teacher.pk).count() == 1
    )


def test_locked_page_is_translated_into_the_chosen_language(client, teacher):
    client.cookies["kstu_language"] = "ru"
    response = _lock(client, "bakyt")
    assert response.status_code == 403
    assert b'<html lang="ru">' in response.content


def test_correct_password_does_not_get_into_a_locked_account(client, teacher):
    _lock(client, "bakyt")

    response = _attempt(client, "bakyt", PASSWORD)

    assert response.status_code == 403
    assert b'data-testid="account-locked"' in response.content
    assert not response.wsgi_request.user.is_authenticated
    assert "_auth_user_id" not in client.session


def test_success_resets_the_count_so_only_consecutive_failures_lock(client, teacher):
    _attempt(client, "bakyt")
    _attempt(client, "bakyt")
    assert _attempt(client, "bakyt", PASSWORD).status_code == 302
    client.post(reverse("logout"))

    _attempt(client, "bakyt")
    response = _attempt(client, "bakyt")

    assert response.status_code == 200
    assert failure_count("bakyt") == 2
    assert _attempt(client, "bakyt", PASSWORD).status_code == 302


def test_lock_ends_the_users_open_sessions(client, teacher):
    signed_in = Client()
    signed_in.force_login(teacher)
    assert signed_in.get(reverse("dashboard")).status_code == 200

    _lock(client, "bakyt")

    response = signed_in.get(reverse("dashboard"))
    assert response.status_code == 302
    assert response.url.startswith(LOGIN)
    event = AuthEvent.objects.get(action=AuthEvent.Action.LOCKOUT)
    assert event.details["sessions_ended"] == 1
    assert event.details["failures"] == 3


def test_owner_is_mailed_at_the_corporate_address_in_their_language(
    client, teacher, mailoutbox, django_capture_on_commit_callbacks, monkeypatch
):
    from django.template import loader

    languages = []
    render = loader.render_to_string

    def spy(template, *args, **kwargs):
        if template.startswith("accounts/email/lockout_"):
            languages.append(translation.get_language())
        return render(template, *args, **kwargs)

    monkeypatch.setattr(loader, "render_to_string", spy)
    with django_capture_on_commit_callbacks(execute=True):
        _lock(client, "bakyt")

    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["bakyt@kstu.kg"]
    assert "bakyt" in mailoutbox[0].body
    assert languages == ["ru", "ru"]  # subject and body in the owner's language


def test_attempts_after_the_lock_are_counted_but_notify_only_once(
    client, teacher, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _lock(client, "bakyt", times=5)

    assert failure_count("bakyt") == 5
    assert AuthEvent.objects.filter(action=AuthEvent.Action.LOCKOUT).count() == 1
    assert len(mailoutbox) == 1
    assert AccessFailureLog.objects.filter(username="bakyt", locked_out=True).count() == 3


def test_admin_login_obeys_the_same_lock(client, make_user):
    make_user("hr_admin", roles=[roles.HR_OFFICER], is_staff=True)
    url = reverse("admin:login")
    for _ in range(3):
        response = client.post(url, {"username": "hr_admin", "password": WRONG})
    assert response.status_code == 403
    response = client.post(url, {"username": "hr_admin", "password": PASSWORD})
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session


# --------------------------------------------------------------------------- unknown logins


def test_failure_for_an_unknown_login_looks_like_one_for_a_known_login(client, teacher):
    known = _attempt(client, "bakyt")
    unknown = _attempt(Client(), "nobody1")

    assert known.status_code == unknown.status_code == 200
    assert _normalized(known, "bakyt") == _normalized(unknown, "nobody1")


def test_an_unknown_login_is_locked_with_the_same_page(client, teacher):
    known = _lock(client, "bakyt")
    unknown = _lock(Client(), "nobody1")

    assert known.status_code == unknown.status_code == 403
    assert _normalized(known, "bakyt") == _normalized(unknown, "nobody1")
    lock = AuthEvent.objects.get(action=AuthEvent.Action.LOCKOUT, username="nobody1")
    assert lock.user_id is None


# --------------------------------------------------------------------------- addresses


def test_many_failures_from_one_address_are_refused_without_checking_credentials(
    client, teacher, make_user, settings
):
    settings.KSTU_LOGIN_ADDRESS_LIMIT = 5
    make_user("other")
    for n in range(5):
        assert _attempt(client, f"guess{n}", REMOTE_ADDR="10.1.1.1").status_code == 200
    failed_before = AuthEvent.objects.filter(action=AuthEvent.Action.LOGIN_FAILED).count()

    response = _attempt(client, "other", PASSWORD, REMOTE_ADDR="10.1.1.1")

    assert response.status_code == 429
    assert b'data-testid="login-throttled"' in response.content
    assert "_auth_user_id" not in client.session
    assert AuthEvent.objects.filter(action=AuthEvent.Action.LOGIN_FAILED).count() == failed_before
    # Another address is not affected, and nothing was counted against the accounts tried.
    assert _attempt(Client(), "other", PASSWORD, REMOTE_ADDR="10.1.1.2").status_code == 302
    assert failure_count("other") == 0


def test_lockout_takes_the_address_from_the_trusted_proxy_header_only(client, teacher, settings):
    _attempt(client, "bakyt", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert AccessFailureLog.objects.get().ip_address == "10.0.0.5"  # header not trusted

    settings.TRUSTED_PROXY_HEADER = "HTTP_X_FORWARDED_FOR"
    _attempt(client, "bakyt", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="203.0.113.9")
    latest = AccessFailureLog.objects.order_by("-id").first()
    assert latest.ip_address == "203.0.113.9"


# --------------------------------------------------------------------------- password changes


def test_locked_account_is_not_unlocked_by_a_password_change(client, teacher):
    _lock(client, "bakyt")

    teacher.set_password("N3w#Password!")
    teacher.save()

    assert is_locked("bakyt")
    assert _attempt(client, "bakyt", "N3w#Password!").status_code == 403


def test_authenticate_without_a_request_is_refused_rather_than_bypassing_the_lock(teacher):
    with pytest.raises(ValueError):
        authenticate(username="bakyt", password=PASSWORD)
    assert authenticate(HttpRequest(), username="bakyt", password=PASSWORD) == teacher


# --------------------------------------------------------------------------- unlock service


def test_is_responsible_unlocks_with_a_reason_and_the_owner_signs_in(
    client, teacher, responsible, mailoutbox, django_capture_on_commit_callbacks
):
    _lock(client, "bakyt")

    with django_capture_on_commit_callbacks(execute=True):
        failures = account_unlock(
            actor=responsible, username="bakyt", reason="Owner called, forgot password"
        )

    assert failures == 3
    assert not is_locked("bakyt")
    event = AuthEvent.objects.get(action=AuthEvent.Action.UNLOCK)
    assert event.user_id == responsible.pk
    assert event.target_id == str(teacher.pk)
    assert event.details["reason"] == "Owner called, forgot password"
    assert [m.to for m in mailoutbox] == [["bakyt@kstu.kg"]]
    assert "Owner called, forgot password" in mailoutbox[0].body
    assert _attempt(client, "bakyt", PASSWORD).status_code == 302


def test_an_api_token_is_refused_while_the_account_is_locked_and_works_after_unlock(
    client, teacher, responsible
):
    from rest_framework.authtoken.models import Token

    token = Token.objects.create(user=teacher)
    api = Client(HTTP_AUTHORIZATION=f"Token {token.key}")
    api.cookies["kstu_language"] = "en"
    assert api.get(reverse("api-me")).status_code == 200

    _lock(client, "bakyt")
    refused = api.get(reverse("api-me"))
    assert refused.status_code == 403
    assert "locked after 3 failed logins" in refused.json()["detail"]

    account_unlock(actor=responsible, username="bakyt", reason="Owner called")
    assert api.get(reverse("api-me")).json()["username"] == "bakyt"


def test_unlock_needs_a_reason(client, teacher, responsible):
    _lock(client, "bakyt")
    with pytest.raises(ValidationError):
        account_unlock(actor=responsible, username="bakyt", reason="   ")
    assert is_locked("bakyt")


@pytest.mark.parametrize("persona", ["teacher", "hr_officer"])
def test_only_is_responsible_may_unlock(client, teacher, hr_officer, persona):
    _lock(client, "bakyt")
    actor = {"teacher": teacher, "hr_officer": hr_officer}[persona]
    with pytest.raises(PermissionDenied):
        account_unlock(actor=actor, username="bakyt", reason="please")
    assert is_locked("bakyt")


def test_unlocking_an_account_that_is_not_locked_is_refused(teacher, responsible):
    with pytest.raises(ValidationError):
        account_unlock(actor=responsible, username="bakyt", reason="just in case")
    assert not AuthEvent.objects.filter(action=AuthEvent.Action.UNLOCK).exists()


def test_only_a_superuser_unlocks_a_superuser(client, make_user, responsible):
    make_user("root", is_superuser=True, is_staff=True)
    _lock(client, "root")
    with pytest.raises(PermissionDenied):
        account_unlock(actor=responsible, username="root", reason="asked")
    boss = make_user("boss", is_superuser=True, is_staff=True)
    account_unlock(actor=boss, username="root", reason="asked")
    assert not is_locked("root")


# --------------------------------------------------------------------------- pages


def test_is_responsible_sees_the_lock_at_once_with_the_failed_attempts(
    client, teacher, responsible
):
    _lock(Client(), "bakyt", HTTP_USER_AGENT="GuessBot/1.0", REMOTE_ADDR="10.9.9.9")
    client.force_login(responsible)

    response = client.get(reverse("accounts:lockout-list"))

    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="locked-bakyt"' in html
    assert html.count("GuessBot/1.0") == 3
    assert "10.9.9.9" in html
    assert "no-store" in response.headers["Cache-Control"]


def test_superuser_may_open_the_locked_accounts_page(client, make_user):
    client.force_login(make_user("root", is_superuser=True, is_staff=True))
    assert client.get(reverse("accounts:lockout-list")).status_code == 200


@pytest.mark.parametrize("persona", ["teacher", "hr_officer"])
def test_locked_accounts_page_is_forbidden_to_others(client, teacher, hr_officer, persona):
    client.force_login({"teacher": teacher, "hr_officer": hr_officer}[persona])
    assert client.get(reverse("accounts:lockout-list")).status_code == 403
    response = client.post(reverse("accounts:lockout-unlock"), {"username": "bakyt", "reason": "x"})
    assert response.status_code == 403


def test_locked_accounts_page_sends_anonymous_visitors_to_sign_in(client):
    response = client.get(reverse("accounts:lockout-list"))
    assert response.status_code == 302
    assert response.url.startswith(LOGIN)
    response = client.post(reverse("accounts:lockout-unlock"), {"username": "x", "reason": "x"})
    assert response.status_code == 302


def test_unlock_from_the_page_needs_a_reason_then_unlocks(client, teacher, responsible):
    _lock(Client(), "bakyt")
    client.force_login(responsible)
    url = reverse("accounts:lockout-unlock")

    refused = client.post(url, {"username": "bakyt", "reason": ""})
    assert refused.status_code == 400
    assert b'data-testid="unlock-errors"' in refused.content
    assert is_locked("bakyt")

    done = client.post(url, {"username": "bakyt", "reason": "Act No. 12"}, follow=True)
    assert done.status_code == 200
    assert b'data-testid="locked-bakyt"' not in done.content
    assert not is_locked("bakyt")


def test_locked_accounts_page_keeps_its_query_budget(
    client, make_user, responsible, django_assert_max_num_queries
):
    other = Client()
    for n in range(20):
        make_user(f"locked{n}")
        _lock(other, f"locked{n}", HTTP_USER_AGENT=f"agent-{n}", REMOTE_ADDR=f"10.0.1.{n}")
    _lock(other, "ghost")  # a login that does not exist is not listed
    client.force_login(responsible)

    with django_assert_max_num_queries(12):
        response = client.get(reverse("accounts:lockout-list"))

    html = response.content.decode()
    assert html.count('data-testid="locked-locked') == 20
    assert "ghost" not in html


# --------------------------------------------------------------------------- API


def _patterns(resolver):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            yield from _patterns(entry)
        elif isinstance(entry, URLPattern):
            yield entry


def test_no_api_endpoint_takes_a_password(settings):
    auth_classes = settings.REST_FRAMEWORK["DEFAULT_AUTHENTICATION_CLASSES"]
    assert "rest_framework.authentication.BasicAuthentication" not in auth_classes
    for pattern in _patterns(get_resolver()):
        view = getattr(pattern.callback, "cls", None)
        assert not (view and issubclass(view, ObtainAuthToken)), pattern


def test_api_refuses_basic_credentials_even_with_the_right_password(client, teacher):
    import base64

    basic = base64.b64encode(b"bakyt:" + PASSWORD.encode()).decode()
    response = client.get(reverse("api-me"), HTTP_AUTHORIZATION=f"Basic {basic}")
    assert response.status_code in (401, 403)
    assert not AccessAttempt.objects.exists()


def test_api_session_of_a_locked_user_ends_with_the_lock(client, teacher):
    api = Client()
    api.force_login(teacher)
    assert api.get(reverse("api-me")).status_code == 200

    _lock(client, "bakyt")

    assert api.get(reverse("api-me")).status_code == 403
    assert User.objects.get(pk=teacher.pk).is_active  # the lock is not a deactivation
