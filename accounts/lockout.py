"""Lockout glue around django-axes (IS §5.7, REQUIREMENTS A11).

Axes counts failed logins per login (``AXES_LOCKOUT_PARAMETERS = ["username"]``) and refuses
a locked login in ``AxesStandaloneBackend``. What it leaves open is closed here:

* **A parallel burst.** Axes reads the count before the password is checked and writes it
  after, so N simultaneous guesses are all checked against the password. ``login_serialized``
  holds a PostgreSQL advisory lock on the login around ``authenticate()`` and the recording of
  its outcome, so the next attempt sees the count the previous one left: at most
  ``AXES_FAILURE_LIMIT`` passwords are ever checked before the lock.
* **The locked user's sessions.** The ``user_locked_out`` receiver ends them, records a
  LOCKOUT event and mails the owner (``accounts.services.lockout.lockout_apply``) — once, on
  the failure that reaches the limit.
* **A stranger locking many accounts.** Failed logins are counted per client address
  (``kstu.net.client_ip``) in the cache; past ``LOGIN_ADDRESS_LIMIT`` in
  ``LOGIN_ADDRESS_WINDOW`` seconds, that address gets a 429 page and no credentials are
  checked (``address_throttled``).

Axes itself imports ``axes_client_ip`` on the first ``authenticate()`` call, which also
connects the receivers below before any failure is recorded.
"""

from __future__ import annotations

from contextlib import contextmanager

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.signals import user_login_failed
from django.core.cache import cache
from django.db import connection, transaction
from django.dispatch import receiver
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from kstu.net import client_ip

LOCK_NAMESPACE = 0x6C6F636B  # "lock": the first key of the two-key advisory lock
LOGIN_ADDRESS_LIMIT = 20
LOGIN_ADDRESS_WINDOW = 15 * 60


def axes_client_ip(request) -> str | None:
    """``AXES_CLIENT_IP_CALLABLE``: the one address helper of the project."""
    return client_ip(request)


# --------------------------------------------------------------------------- serialization


@contextmanager
def login_serialized(username: str):
    """Run the block in a transaction holding an advisory lock on ``username``.

    The lock is transaction-scoped, so it is released at commit or rollback, never leaked on a
    pooled connection. Everything axes and the audit log write inside is committed before the
    next attempt for the same login reads the count.
    """
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(%s, hashtext(%s))", [LOCK_NAMESPACE, username]
            )
        yield


def authenticate_serialized(request, *, username: str, password: str, **credentials):
    """``authenticate()`` for a login form or API endpoint, one attempt per login at a time."""
    with login_serialized(username):
        return authenticate(request, username=username, password=password, **credentials)


# --------------------------------------------------------------------------- per-address limit


def _address_key(request) -> str:
    return f"login-failures:{client_ip(request) or 'unknown'}"


def address_limit() -> int:
    return getattr(settings, "KSTU_LOGIN_ADDRESS_LIMIT", LOGIN_ADDRESS_LIMIT)


def address_window() -> int:
    return getattr(settings, "KSTU_LOGIN_ADDRESS_WINDOW", LOGIN_ADDRESS_WINDOW)


def address_failures(request) -> int:
    return int(cache.get(_address_key(request)) or 0)


def address_throttled(request) -> bool:
    """True when this address has had too many failed logins in the current window."""
    return address_failures(request) >= address_limit()


def address_failure_count(request) -> int:
    """Count one failed login from the request's address (a fixed window from the first)."""
    key = _address_key(request)
    cache.add(key, 0, timeout=address_window())
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=address_window())
        return 1


def throttled_response(request):
    if request.path.startswith("/api/"):
        return JsonResponse(
            {"detail": _("Too many failed logins from your network address. Try again later.")},
            status=429,
        )
    response = render(
        request,
        "accounts/lockout/throttled.html",
        {"minutes": address_window() // 60},
        status=429,
    )
    response["Retry-After"] = str(address_window())
    return response


# --------------------------------------------------------------------------- axes hooks


def lockout_response(request, original_response=None, credentials=None):
    """``AXES_LOCKOUT_CALLABLE``: the locked page, inside the site layout, status 403.

    The same page whether or not the login exists, so it tells a stranger nothing.
    """
    limit = settings.AXES_FAILURE_LIMIT
    if request.path.startswith("/api/"):
        return JsonResponse(
            {
                "detail": _(
                    "The account is locked after %(limit)s failed logins. Contact the person "
                    "responsible for information systems to unlock it."
                )
                % {"limit": limit}
            },
            status=403,
        )
    return render(request, "accounts/lockout/locked.html", {"failure_limit": limit}, status=403)


@receiver(user_login_failed, dispatch_uid="accounts.lockout.address_count")
def _count_address_failure(sender, credentials, request=None, **kwargs):
    if request is not None:
        address_failure_count(request)


def _connect_lockout_receiver() -> None:
    from axes.signals import user_locked_out

    user_locked_out.connect(_on_locked_out, dispatch_uid="accounts.lockout.locked_out")


def _on_locked_out(sender, request, username, ip_address, **kwargs):
    """Axes sends this on every failure at or past the limit; act on the one reaching it."""
    failures = getattr(request, "axes_failures_since_start", None)
    if not username or failures != settings.AXES_FAILURE_LIMIT:
        return
    from accounts.services.lockout import lockout_apply

    lockout_apply(username=username, failures=failures, request=request)


_connect_lockout_receiver()
