"""Changing and resetting passwords (IS §4.2–4.3, §5.1; REQUIREMENTS A8, A9, A10).

The rules a new password must follow are the validators of ``accounts.password_validation``
(configured in ``AUTH_PASSWORD_VALIDATORS``); the forms passed in here have already run them.
Every saved password is logged by ``audit.password_validation.PasswordChangeAuditor`` and kept
in the history by ``PasswordHistoryValidator`` (Django's ``password_changed`` hook).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.cache import cache
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.models import User
from accounts.password_validation import password_history_keep
from accounts.services.sessions import sessions_end_all, sessions_end_other
from audit.models import AuthEvent
from audit.services import event_record
from kstu.mail import mail_user_on_commit
from kstu.net import client_ip

# Reset requests (A8) are throttled so the form can be used neither to flood a mailbox nor to
# probe many accounts from one address. Values may be overridden in settings.
RESET_WINDOW_SECONDS = 60 * 60
RESET_PER_CLIENT_ADDRESS = 10  # requests per window from one network address
RESET_PER_ACCOUNT = 3  # e-mails per window to one account


class ResetRateLimited(Exception):
    """Too many reset requests from this network address; try again later."""


# --------------------------------------------------------------------------- helpers


def _mail_password_changed(*, user: User, how: str, request=None) -> None:
    """Tell the owner on the corporate mailbox, so a change they did not make is noticed."""
    context = {
        "user": user,
        "how": how,
        "when": timezone.localtime(),
        "ip": client_ip(request) if request is not None else None,
        "report_url": settings.SITE_URL + reverse("accounts:incident_new"),
        "reset_url": settings.SITE_URL + reverse("accounts:password_reset"),
    }
    mail_user_on_commit(user, "accounts/email/password_changed", context)


def account_is_locked(user: User) -> bool:
    """True while the account is locked after failed logins (A11, ``accounts.services.lockout``).

    A reset of the password does not lift that lock: only the IS-responsible does (A8).
    Safe without the lockout (django-axes) installed: then nothing is locked.
    """
    try:
        from accounts.services.lockout import is_locked
    except (ImportError, RuntimeError, LookupError):  # axes not installed
        return False
    return is_locked(user.get_username())


# --------------------------------------------------------------------------- change


def _keep_outgoing_password(user: User) -> None:
    """The stored hash joins the history before it is replaced (see password_history_keep)."""
    stored = User.objects.filter(pk=user.pk).values_list("password", flat=True).first()
    password_history_keep(user, stored)


@transaction.atomic
def password_change(*, user: User, form, keep_session_key: str | None, request=None) -> User:
    """Save the new password of a signed-in user.

    1. ``form`` is a valid ``PasswordChangeForm`` / ``SetPasswordForm`` of ``user`` (the
       validators have run); its new password is set on the user.
    2. The duty to change the initial / compromised password is fulfilled: the flag and the
       first-password deadline are cleared.
    3. Every other session of the user ends (a person who knew the old password is out);
       the caller keeps the current one with ``update_session_auth_hash``.
    4. The owner is told on the corporate e-mail, after commit.
    """
    if form.user.pk != user.pk:
        raise ValueError("The form belongs to another user.")
    _keep_outgoing_password(user)
    user = form.save(commit=False)
    user.must_change_password = False
    user.password_change_deadline = None
    user._change_reason = "password changed"
    user.save()
    sessions_end_other(user=user, keep_session_key=keep_session_key)
    _mail_password_changed(user=user, how="change", request=request)
    return user


# --------------------------------------------------------------------------- reset (A8)


def _limit(key: str, limit: int) -> bool:
    """Count one more use of ``key``; True when the limit is exceeded."""
    window = getattr(settings, "PASSWORD_RESET_RATE_WINDOW", RESET_WINDOW_SECONDS)
    cache.add(key, 0, timeout=window)
    try:
        used = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        used = 1
    return used > limit


def _reset_candidate(identifier: str) -> User | None:
    identifier = identifier.strip()
    if not identifier:
        return None
    lookup = Q(email__iexact=identifier) if "@" in identifier else Q(username__iexact=identifier)
    # Only active accounts with a corporate mailbox: a blocked or never-activated account gets
    # nothing (the activation link is what a new user uses, IS §4.4).
    return User.objects.filter(lookup, is_active=True).exclude(email="").first()


def password_reset_url(user: User) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return settings.SITE_URL + reverse("accounts:password_reset_confirm", args=[uid, token])


def password_reset_request(*, identifier: str, request=None) -> None:
    """Send a reset link for the account with this login or corporate e-mail (A8).

    1. Refuse (``ResetRateLimited``) when this network address asked too often.
    2. Find the active account by login or corporate e-mail.
    3. Send at most ``RESET_PER_ACCOUNT`` links an hour to one account, to its *corporate*
       mailbox only, in its owner's language. The link is single-use (the token hashes the
       password and last login) and valid for ``PASSWORD_RESET_TIMEOUT`` (2 hours).
    4. Record PASSWORD_RESET_REQUEST with the login (never the e-mail address typed).

    The caller shows the same page whatever happened, so the form reveals nothing about
    which accounts exist.
    """
    ip = client_ip(request) if request is not None else None
    per_address = getattr(settings, "PASSWORD_RESET_PER_CLIENT_ADDRESS", RESET_PER_CLIENT_ADDRESS)
    if ip and _limit(f"accounts:pwreset:ip:{ip}", per_address):
        raise ResetRateLimited
    identifier = (identifier or "").strip()[:254]
    by_email = "@" in identifier
    user = _reset_candidate(identifier)
    details: dict = {"identifier": "e-mail" if by_email else "login"}
    if user is None:
        details["outcome"] = "no matching active account"
        username = "" if by_email else identifier[:150]
        event_record(
            action=AuthEvent.Action.PASSWORD_RESET_REQUEST,
            request=request,
            username=username,
            details=details,
        )
        return
    per_account = getattr(settings, "PASSWORD_RESET_PER_ACCOUNT", RESET_PER_ACCOUNT)
    if _limit(f"accounts:pwreset:user:{user.pk}", per_account):
        details["outcome"] = "not sent: too many requests for this account"
    else:
        details["outcome"] = "link sent to the corporate e-mail"
        context = {
            "user": user,
            "url": password_reset_url(user),
            "valid_hours": max(1, settings.PASSWORD_RESET_TIMEOUT // 3600),
            "ip": ip,
        }
        mail_user_on_commit(user, "accounts/email/password_reset", context)
    event_record(
        action=AuthEvent.Action.PASSWORD_RESET_REQUEST,
        request=request,
        user=user,
        details=details,
    )


@transaction.atomic
def password_reset_complete(*, form, request=None) -> tuple[User, bool]:
    """Set the password chosen through a valid reset link; returns (user, still locked).

    1. ``form`` is a valid ``SetPasswordForm`` (the validators have run).
    2. The duty to change the password is fulfilled (flag and deadline cleared).
    3. All the user's sessions end: whoever was signed in with the old password is out.
    4. PASSWORD_RESET is recorded; the owner is told on the corporate e-mail.
    5. A lock after failed logins is *not* lifted (A8, IS §4.2): the result says whether the
       account is still locked, so the page can send the person to the IS-responsible.
    """
    _keep_outgoing_password(form.user)
    user = form.save(commit=False)
    user.must_change_password = False
    user.password_change_deadline = None
    user._change_reason = "password reset through the corporate e-mail"
    user.save()
    ended = sessions_end_all(user=user)
    locked = account_is_locked(user)
    event_record(
        action=AuthEvent.Action.PASSWORD_RESET,
        request=request,
        user=user,
        details={"sessions_ended": ended, "still_locked": locked},
    )
    _mail_password_changed(user=user, how="reset", request=request)
    return user, locked


# --------------------------------------------------------------------------- first password


def first_password_expired(user, *, now: dt.datetime | None = None) -> bool:
    """The initial password was not replaced within 3 working days (A9, IS §5.1)."""
    deadline = getattr(user, "password_change_deadline", None)
    return bool(
        getattr(user, "must_change_password", False)
        and deadline is not None
        and deadline < (now or timezone.now())
    )
