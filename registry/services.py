"""State changes of the register: responsible persons and subscription-renewal reminders."""

from __future__ import annotations

import logging
from datetime import date

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm, remove_perm
from guardian.utils import get_user_obj_perms_model
from simple_history.models import HistoricalRecords

from audit.models import AuthEvent
from audit.services import event_record
from kstu.mail import mail_user_on_commit, role_recipients
from registry.models import RESPONSIBLE_CODENAME, RESPONSIBLE_PERMISSION, InformationSystem

logger = logging.getLogger(__name__)

# The role codes defined in accounts.roles (IS_RESPONSIBLE, IT_DEPARTMENT). Roles are groups
# named by these codes; registry is a lower app than accounts and does not import it.
ROLE_IS_RESPONSIBLE = "is_responsible"
ROLE_IT_DEPARTMENT = "it_department"

# Days before the renewal date at which the responsible persons are reminded, most urgent first.
RENEWAL_THRESHOLDS = (7, 30)
_REMINDED_FIELD = {30: "renewal_reminded_30_for", 7: "renewal_reminded_7_for"}


def _in_group(user, name: str) -> bool:
    return user.groups.filter(name=name).exists()


def _require_register_manager(actor) -> None:
    if actor is None or not actor.is_authenticated or not actor.is_active:
        raise PermissionDenied(_("Sign in to manage the register of information systems."))
    if not (actor.is_superuser or _in_group(actor, ROLE_IT_DEPARTMENT)):
        raise PermissionDenied(
            _("Only the IT department assigns the persons responsible for information systems.")
        )


def _record_responsibility_change(*, actor, system: InformationSystem, user, change: str) -> None:
    """A "permissions changed" event naming the person, the system and the actor.

    (The guardian row itself also gets before/after history: the audit app tracks it.)
    """
    event_record(
        action=AuthEvent.Action.PERMISSION_CHANGE,
        # The current request, when there is one, gives the actor's network address.
        request=getattr(HistoricalRecords.context, "request", None),
        user=actor,
        target=user,
        details={
            "change": change,
            "items": [RESPONSIBLE_PERMISSION],
            "object": f"{system._meta.label_lower}:{system.pk}",
            "system": system.code,
        },
    )


def _is_responsible_now(*, system: InformationSystem, user) -> bool:
    return (
        get_user_obj_perms_model()
        .objects.filter(
            user=user,
            permission__codename=RESPONSIBLE_CODENAME,
            permission__content_type__app_label="registry",
            object_pk=str(system.pk),
        )
        .exists()
    )


@transaction.atomic
def system_assign_responsible(*, actor, system: InformationSystem, user) -> bool:
    """Make ``user`` a responsible person of ``system``; False if they already were.

    1. The actor must be a superuser or in the IT department.
    2. The person must be an active user holding the role of IS-responsible person.
    3. Grant the guardian object permission ``registry.responsible_for_system`` and record
       the permission change in the audit event log, in the same transaction.
    """
    _require_register_manager(actor)
    if not user.is_active or not _in_group(user, ROLE_IS_RESPONSIBLE):
        raise ValidationError(
            _(
                "%(person)s cannot be made responsible for a system: the person does not "
                "hold the role of IS-responsible person."
            ),
            code="not_is_responsible",
            params={"person": str(user)},
        )
    if _is_responsible_now(system=system, user=user):
        return False
    assign_perm(RESPONSIBLE_PERMISSION, user, system)
    _record_responsibility_change(actor=actor, system=system, user=user, change="add")
    logger.info("user %s made responsible for system %s by user %s", user.pk, system.code, actor.pk)
    return True


@transaction.atomic
def system_remove_responsible(*, actor, system: InformationSystem, user) -> bool:
    """Withdraw ``user``'s responsibility for ``system``; False if they were not responsible."""
    _require_register_manager(actor)
    if not _is_responsible_now(system=system, user=user):
        return False
    remove_perm(RESPONSIBLE_PERMISSION, user, system)
    _record_responsibility_change(actor=actor, system=system, user=user, change="remove")
    logger.info(
        "user %s no longer responsible for system %s (by user %s)", user.pk, system.code, actor.pk
    )
    return True


# --------------------------------------------------------------------------- renewal reminders


def renewal_reminder_threshold(*, renewal_date: date | None, today: date) -> int | None:
    """The reminder due today: 7 when ≤ 7 days are left, 30 when ≤ 30, else None.

    "≤" rather than "==" so a day missed by the beat (an outage, a holiday restart) is made up
    the next day; only the most urgent threshold counts, so a renewal date entered 5 days
    ahead gives one 7-day reminder, not two mails at once.
    """
    if renewal_date is None:
        return None
    days_left = (renewal_date - today).days
    if days_left < 0:
        return None
    for threshold in RENEWAL_THRESHOLDS:
        if days_left <= threshold:
            return threshold
    return None


def system_claim_renewal_reminder(*, system_id: int, renewal_date: date, threshold: int) -> bool:
    """Claim the (system, renewal date, threshold) reminder; True only for the one winner.

    A conditional UPDATE: under PostgreSQL's row lock a second worker re-checks the condition
    after the first commits and updates nothing. The bulk ``update()`` bypasses
    django-simple-history on purpose — these two fields are the reminders' bookkeeping, not a
    change of the register anybody made.
    """
    field = _REMINDED_FIELD[threshold]
    claimed = (
        InformationSystem.objects.filter(pk=system_id, is_active=True, renewal_date=renewal_date)
        .exclude(**{field: renewal_date})
        .update(**{field: renewal_date})
    )
    return claimed == 1


def _renewal_recipients(system: InformationSystem) -> list:
    persons = [person for person in system.responsible_persons if person.email]
    if persons:
        return persons
    # Nobody is responsible yet: a renewal nobody hears about lapses, so tell the IT department.
    return list(role_recipients(ROLE_IT_DEPARTMENT))


def _send_renewal_mail(*, system: InformationSystem, person, days_left: int) -> None:
    mail_user_on_commit(
        person,
        "registry/email/renewal_reminder",
        {
            "person": person,
            "system": system,
            "days_left": days_left,
            "url": settings.SITE_URL + reverse("registry:detail", args=[system.code]),
        },
    )


@transaction.atomic
def system_send_renewal_reminder(*, system_id: int, today: date) -> int:
    """Send the renewal reminder due today for one system; the number of mails queued.

    1. Re-read the system; nothing to do when it is gone, out of use or has no renewal date.
    2. Work out the threshold due today (7 or 30 days, see ``renewal_reminder_threshold``).
    3. Claim that threshold for this renewal date; a reminder already claimed sends nothing.
    4. Queue one mail per responsible person (or, with none, per IT-department member) in the
       recipient's preferred language; the mails leave only if this transaction commits.
    """
    system = (
        InformationSystem.objects.filter(pk=system_id, is_active=True)
        .exclude(renewal_date=None)
        .first()
    )
    if system is None:
        return 0
    threshold = renewal_reminder_threshold(renewal_date=system.renewal_date, today=today)
    if threshold is None:
        return 0
    if not system_claim_renewal_reminder(
        system_id=system.pk, renewal_date=system.renewal_date, threshold=threshold
    ):
        return 0
    days_left = (system.renewal_date - today).days
    recipients = _renewal_recipients(system)
    for person in recipients:
        _send_renewal_mail(system=system, person=person, days_left=days_left)
    logger.info(
        "renewal reminder (%d days) for system %s queued to %d recipient(s)",
        threshold,
        system.code,
        len(recipients),
    )
    return len(recipients)
