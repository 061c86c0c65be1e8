"""Automatic lock after failed logins and its manual unlock (IS §5.7, REQUIREMENTS A11).

Axes keeps the count (``axes.models.AccessAttempt``) and each failure
(``axes.models.AccessFailureLog``); a login is locked while the sum of its failures is at least
``AXES_FAILURE_LIMIT``. Nothing here unlocks an account but ``account_unlock``: a password
change or reset leaves the count alone (A8).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from axes.models import AccessAttempt, AccessFailureLog
from axes.utils import reset as axes_reset
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Max, Sum, Window
from django.db.models.functions import RowNumber
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.lockout import login_serialized
from accounts.models import User
from accounts.roles import IS_RESPONSIBLE
from accounts.services.sessions import sessions_end_all
from audit.models import AuthEvent
from audit.services import event_record
from kstu.mail import mail_user_on_commit

FAILURES_SHOWN = 10


def can_unlock(user) -> bool:
    return bool(
        user and user.is_authenticated and (user.is_superuser or user.has_role(IS_RESPONSIBLE))
    )


def failure_count(username: str) -> int:
    """Failed logins counted against ``username`` since its last success or unlock."""
    total = AccessAttempt.objects.filter(username=username).aggregate(n=Sum("failures_since_start"))
    return total["n"] or 0


def is_locked(username: str) -> bool:
    return failure_count(username) >= settings.AXES_FAILURE_LIMIT


# --------------------------------------------------------------------------- lock


def _mail_owner(user: User, template: str, context: dict) -> None:
    mail_user_on_commit(
        user,
        f"accounts/email/lockout_{template}",
        {"person": user, "site_url": settings.SITE_URL, **context},
    )


def lockout_apply(*, username: str, failures: int, request=None) -> None:
    """What follows the failure that locks ``username`` (called once per lock).

    1. Record a LOCKOUT event (also for a login that does not exist: a probe worth seeing).
    2. For an existing account, end its open sessions: whoever is signed in is signed out.
    3. Tell the owner at the corporate address, in their language, after commit.
    """
    user = User.objects.filter(username=username).first()
    ended = sessions_end_all(user=user) if user is not None else 0
    event_record(
        action=AuthEvent.Action.LOCKOUT,
        request=request,
        user=user,
        username=username,
        target=user,
        details={"cause": "failed_logins", "failures": failures, "sessions_ended": ended},
    )
    if user is not None:
        when = timezone.localtime()
        _mail_owner(
            user,
            "locked",
            {
                "failure_limit": settings.AXES_FAILURE_LIMIT,
                "when": when,
                "ip_address": getattr(request, "axes_ip_address", None) or "",
            },
        )


# --------------------------------------------------------------------------- unlock


@transaction.atomic
def account_unlock(*, actor, username: str, reason: str, request=None) -> int:
    """Lift the automatic lock of ``username``; the number of failures it had.

    1. Check the actor (an IS-responsible person or a superuser; only a superuser unlocks a
       superuser) and that a reason is given.
    2. Under the login's advisory lock (no attempt interleaves), check that it is locked and
       clear the count.
    3. Record an UNLOCK event with the actor, the reason and the count; mail the owner.
    """
    if not can_unlock(actor):
        raise PermissionDenied(_("Only an IS-responsible person may unlock an account."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("State the reason for unlocking.")})
    user = User.objects.filter(username=username).first()
    if user is None:
        raise ValidationError(_("There is no such account."))
    if user.is_superuser and not actor.is_superuser:
        raise PermissionDenied(_("Only a superuser may unlock a superuser."))

    with login_serialized(username):
        failures = failure_count(username)
        if failures < settings.AXES_FAILURE_LIMIT:
            raise ValidationError(_("This account is not locked."))
        axes_reset(username=username)

    event_record(
        action=AuthEvent.Action.UNLOCK,
        request=request,
        user=actor,
        target=user,
        details={"login": username, "reason": reason, "failures": failures},
    )
    _mail_owner(
        user,
        "unlocked",
        {"reason": reason, "login_url": settings.SITE_URL + reverse("login")},
    )
    return failures


# --------------------------------------------------------------------------- reads


@dataclass
class LockedAccount:
    username: str
    failures: int
    last_attempt: object
    user: User | None = None
    attempts: list = field(default_factory=list)


def locked_account_list(*, actor) -> list[LockedAccount]:
    """Locked accounts of existing users, latest attempt first, each with its recent failures.

    Three queries whatever the number of accounts: the counts, the users, the failures (the
    latest ``FAILURES_SHOWN`` per login, a window function).
    """
    if not can_unlock(actor):
        raise PermissionDenied
    counts = list(
        AccessAttempt.objects.values("username")
        .annotate(failures=Sum("failures_since_start"), last_attempt=Max("attempt_time"))
        .filter(failures__gte=settings.AXES_FAILURE_LIMIT)
        .order_by("-last_attempt")
    )
    usernames = [row["username"] for row in counts]
    users = {
        u.username: u
        for u in User.objects.filter(username__in=usernames).select_related("department")
    }
    locked = [
        LockedAccount(
            username=row["username"],
            failures=row["failures"],
            last_attempt=row["last_attempt"],
            user=users[row["username"]],
        )
        for row in counts
        if row["username"] in users
    ]
    if not locked:
        return []
    by_name = {item.username: item for item in locked}
    recent = (
        AccessFailureLog.objects.filter(username__in=list(by_name))
        .annotate(
            rank=Window(
                RowNumber(), partition_by=[F("username")], order_by=F("attempt_time").desc()
            )
        )
        .filter(rank__lte=FAILURES_SHOWN)
        .order_by("username", "-attempt_time")
    )
    for failure in recent:
        by_name[failure.username].attempts.append(failure)
    return locked
