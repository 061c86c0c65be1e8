"""Unauthorized-access reports (IS §5.4, §6.5; REQUIREMENTS A12).

From the moment a user reports that someone used their account or may know their password,
actions are no longer presumed to be theirs (IS §6.5): every session of the account ends, a
password change is forced at the next sign-in, and the IS-responsible persons get an incident
to handle, with the sign-in history as it was at the moment of the report.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.authentication import api_tokens_revoke
from accounts.models import AccessIncident, User
from accounts.password_validation import password_history_keep
from accounts.roles import IS_RESPONSIBLE
from accounts.services.sessions import sessions_end_all
from audit.models import AuthEvent
from audit.services import event_record
from kstu.mail import mail_user_on_commit, role_recipients
from kstu.net import client_ip

RECENT_LOGINS = 20
QUEUE_PAGE_SIZE = 25


def can_handle_incidents(user) -> bool:
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and (user.is_superuser or user.has_role(IS_RESPONSIBLE))
    )


def _require_handler(user) -> None:
    if not can_handle_incidents(user):
        raise PermissionDenied(_("Only an IS-responsible person handles access incidents."))


def _login_snapshot(user: User, limit: int = RECENT_LOGINS) -> list[dict]:
    """The last ``limit`` sign-ins and failed sign-ins of the account, newest first.

    Successful logins carry the user id (indexed); failed ones only the login typed, so they
    are a second query by login. Both are cut to ``limit`` before merging.
    """
    fields = ("occurred_at", "action", "ip_address", "user_agent")
    logins = AuthEvent.objects.filter(user_id=user.pk, action=AuthEvent.Action.LOGIN)
    failures = AuthEvent.objects.filter(
        action=AuthEvent.Action.LOGIN_FAILED, username__iexact=user.get_username()
    )
    rows = [
        *logins.order_by("-occurred_at", "-id").values(*fields)[:limit],
        *failures.order_by("-occurred_at", "-id").values(*fields)[:limit],
    ]
    rows.sort(key=lambda row: row["occurred_at"], reverse=True)
    return [
        {
            "time": row["occurred_at"].isoformat(),
            "action": row["action"],
            "ip": row["ip_address"] or "",
            "user_agent": row["user_agent"] or "",
        }
        for row in rows[:limit]
    ]


def _handlers() -> list[User]:
    return list(role_recipients(IS_RESPONSIBLE))


@transaction.atomic
def incident_report(*, user: User, kind: str, description: str, request=None) -> AccessIncident:
    """Record a user's unauthorized-access report.

    1. Keep the sign-in history (last 20 sign-ins and failed sign-ins) on the incident.
    2. The password stops working at once — someone else may know it — and goes into the
       history so it is never chosen again; the owner sets a new one through "Forgot
       password" (a link to the corporate e-mail), which whoever knew the old password
       cannot do.
    3. End every session of the account, the current one included (the caller logs the
       request out as well), and delete its API tokens.
    4. Mail each active IS-responsible person, in their language, after commit.
    """
    if not (user and user.is_authenticated):
        raise PermissionDenied(_("Sign in to report unauthorized access."))
    if kind not in AccessIncident.Kind.values:
        raise ValidationError({"kind": _("Choose what happened.")})
    incident = AccessIncident(
        user=user,
        kind=kind,
        description=(description or "").strip(),
        reported_at=timezone.now(),
        ip_address=client_ip(request) if request is not None else None,
        recent_logins=_login_snapshot(user),
    )
    incident._history_user = user
    incident.save()

    account = User.objects.select_for_update().get(pk=user.pk)
    password_history_keep(account, account.password)
    account.set_unusable_password()
    account._change_reason = f"unauthorized-access report {incident.pk}"
    account._history_user = user
    account.save(update_fields=["password"])

    sessions = sessions_end_all(user=account)
    tokens = api_tokens_revoke(account)
    event_record(
        action=AuthEvent.Action.INCIDENT_REPORT,
        request=request,
        user=account,
        target=incident,
        details={"kind": incident.kind, "sessions_ended": sessions, "api_tokens_deleted": tokens},
    )

    url = settings.SITE_URL + reverse("accounts:incident_detail", args=[incident.pk])
    for handler in _handlers():
        if handler.pk != user.pk:
            mail_user_on_commit(
                handler, "accounts/email/incident_new", {"incident": incident, "url": url}
            )
    return incident


@transaction.atomic
def incident_close(*, actor: User, incident: AccessIncident, resolution: str) -> AccessIncident:
    """Close an open incident with the handler's note; the reporter is told by e-mail.

    Only an IS-responsible person other than the reporter closes it.
    """
    _require_handler(actor)
    incident = AccessIncident.objects.select_for_update().select_related("user").get(pk=incident.pk)
    if incident.user_id == actor.pk:
        raise PermissionDenied(_("Another IS-responsible person handles your own report."))
    if incident.status != AccessIncident.Status.OPEN:
        raise ValidationError(_("This incident is already closed."))
    resolution = (resolution or "").strip()
    if not resolution:
        raise ValidationError({"resolution": _("Write what was found and done.")})
    incident.status = AccessIncident.Status.CLOSED
    incident.handled_by = actor
    incident.closed_at = timezone.now()
    incident.resolution = resolution
    incident._history_user = actor
    incident._change_reason = "closed"
    incident.save(update_fields=["status", "handled_by", "closed_at", "resolution"])
    if incident.user.email:
        mail_user_on_commit(incident.user, "accounts/email/incident_closed", {"incident": incident})
    return incident


# --------------------------------------------------------------------------- reads


def incidents_for_handler(*, user: User, status: str = AccessIncident.Status.OPEN, page=1):
    """A page of incidents with the given status, oldest open first (a queue)."""
    _require_handler(user)
    if status not in AccessIncident.Status.values:
        status = AccessIncident.Status.OPEN
    ordering = ["reported_at", "id"] if status == AccessIncident.Status.OPEN else ["-closed_at"]
    rows = (
        AccessIncident.objects.filter(status=status)
        .select_related("user", "user__department", "handled_by")
        .order_by(*ordering)
    )
    return Paginator(rows, QUEUE_PAGE_SIZE).get_page(page)


def incident_get_for_handler(*, user: User, incident_id: int) -> AccessIncident:
    _require_handler(user)
    return get_object_or_404(
        AccessIncident.objects.select_related("user", "user__department", "handled_by"),
        pk=incident_id,
    )
