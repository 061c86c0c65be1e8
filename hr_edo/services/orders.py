"""Employer's orders (App. 1 #8–13): draft → university's qualified signature → sent →
acquainted by the employee (EDO §1.2, REQUIREMENTS B4, C3).

Each transition is one service that refuses illegal moves with a clear message; the model is
tracked by django-simple-history, signatures are audited by the signatures app, mail leaves
after commit. The reminder / escalation claims are conditional UPDATEs (DESIGN §3): any number
of sweeps running at once send each once.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from hr_edo.models import DocumentType, HrDocument
from hr_edo.services.common import (
    excluded_check,
    hr_document_create,
    hr_document_render_pdf,
)
from hr_edo.services.deadlines import edo_deadline
from hr_edo.services.retention import retention_set_for
from hr_edo.services.unavailability import is_paper_today
from kstu.mail import mail_user_on_commit, role_recipients
from kstu.tasks import claim_once

logger = logging.getLogger(__name__)

REMINDER_LEAD = dt.timedelta(hours=24)
HR_GROUPS = ("hr_officer", "hr_head")
DRAFT_PERMISSION = "hr_edo.add_hrdocument"
MANAGE_PERMISSION = "hr_edo.change_hrdocument"
VIEW_PERMISSION = "hr_edo.view_hrdocument"

# Which order an accepted application leads to (App. 1: #1–7 → #8–13).
APPLICATION_TO_ORDER = {1: 8, 2: 9, 3: 8, 4: 10, 5: 11, 6: 12, 7: 13}
# The contents each order type asks for (keys of ``HrDocument.data``).
ORDER_FIELDS = {
    8: ("start_date", "end_date", "days"),
    9: ("start_date", "end_date"),
    10: ("start_date", "end_date"),
    11: ("start_date", "end_date"),
    12: ("start_date", "end_date", "child_name", "child_birth_date"),
    13: ("return_date", "child_name", "child_birth_date"),
}


def may_draft_orders(user) -> bool:
    return bool(
        user and user.is_authenticated and user.is_active and user.has_perm(DRAFT_PERMISSION)
    )


def may_view_orders(user) -> bool:
    from signatures.services.enhanced import may_sign_as_organisation

    if not (user and user.is_authenticated and user.is_active):
        return False
    return user.has_perm(VIEW_PERMISSION) or may_sign_as_organisation(user)


def _require_drafter(actor) -> None:
    if not may_draft_orders(actor):
        raise PermissionDenied(_("Only HR officers draft orders."))


def _lock(hr_document: HrDocument) -> HrDocument:
    return (
        HrDocument.objects.select_for_update(of=("self",))
        .select_related("type", "employee", "pdf")
        .get(pk=hr_document.pk)
    )


def _has_signature(hr_document: HrDocument) -> bool:
    from signatures.models import Signature

    return (
        bool(hr_document.pdf_id)
        and Signature.objects.filter(document_id=hr_document.pdf_id).exists()
    )


def _clean_type(document_type: DocumentType) -> None:
    excluded_check(document_type.code)
    if document_type.kind != DocumentType.Kind.ORDER:
        raise ValidationError(_("Choose an order type (App. 1 #8–13)."))


def _clean_based_on(based_on: HrDocument | None, employee) -> None:
    if based_on is None:
        return
    if (
        based_on.employee_id != employee.pk
        or based_on.type.kind != DocumentType.Kind.APPLICATION
        or based_on.status != HrDocument.Status.ACCEPTED
    ):
        raise ValidationError(
            _("An order can be based only on an accepted application of the same employee.")
        )


def _revoke_employee_view(hr_document: HrDocument) -> None:
    """The employee sees the order when it is sent, not while HR is still drafting it."""
    from guardian.shortcuts import remove_perm

    if hr_document.pdf_id:
        remove_perm("signatures.view_document", hr_document.employee, hr_document.pdf)


@transaction.atomic
def order_draft(
    *,
    actor,
    type: DocumentType,  # noqa: A002 - the model field's name
    employee,
    number: str,
    document_date: dt.date,
    data: dict,
    based_on: HrDocument | None = None,
    hr_document: HrDocument | None = None,
) -> HrDocument:
    """Create (or, while nobody has signed it, change) a draft order and render its PDF.

    1. The actor must be an HR officer; the type an order type, not an excluded kind (IS §1.7).
    2. An employee who is not a registered EDO participant gets the order on paper: it is
       marked ``on_paper`` and never sent through EDO.
    3. Editing is refused once the document left the draft status or its PDF carries any
       signature: signed content is frozen, a change is a new version (:func:`order_new_version`).
    4. The PDF is rendered and stored; the employee sees it only once it is sent.
    """
    _require_drafter(actor)
    _clean_type(type)
    _clean_based_on(based_on, employee)
    on_paper = is_paper_today(employee)  # issue 8 item 4: not a participant, or a report
    if hr_document is None:
        hr_document = hr_document_create(
            actor=actor,
            type=type,
            employee=employee,
            data=data,
            based_on=based_on,
            on_paper=on_paper,
            number=number,
            document_date=document_date,
        )
    else:
        hr_document = _lock(hr_document)
        if hr_document.status != HrDocument.Status.DRAFT or _has_signature(hr_document):
            raise ValidationError(
                _("This order is no longer a draft: its content is frozen. Create a new version.")
            )
        hr_document.type = type
        hr_document.employee = employee
        hr_document.number = number
        hr_document.document_date = document_date
        hr_document.data = data
        hr_document.based_on = based_on
        hr_document.on_paper = on_paper
        hr_document.save()
    hr_document_render_pdf(hr_document, actor=actor)
    _revoke_employee_view(hr_document)
    return hr_document


@transaction.atomic
def order_new_version(*, actor, hr_document: HrDocument) -> HrDocument:
    """A new draft replacing ``hr_document`` (whose signed content stays as it is)."""
    _require_drafter(actor)
    old = _lock(hr_document)
    if old.status == HrDocument.Status.DRAFT and not _has_signature(old):
        raise ValidationError(_("A draft can still be edited; no new version is needed."))
    new = order_draft(
        actor=actor,
        type=old.type,
        employee=old.employee,
        number=old.number,
        document_date=timezone.localdate(),
        data=dict(old.data),
        based_on=old.based_on,
    )
    new.previous_version = old
    new.save(update_fields=["previous_version"])
    return new


@transaction.atomic
def order_submit_for_signature(*, actor, hr_document: HrDocument) -> HrDocument:
    """DRAFT → AWAITING_UNIVERSITY: the draft goes to the rector (or a vice-rector) to sign."""
    _require_drafter(actor)
    hr_document = _lock(hr_document)
    if hr_document.status != HrDocument.Status.DRAFT:
        raise ValidationError(_("Only a draft can be submitted for signature."))
    if hr_document.on_paper:
        raise ValidationError(
            _(
                "The employee is not a registered EDO participant: print this order, sign it "
                "on paper and hand it over."
            )
        )
    if hr_document.pdf_id is None:
        raise ValidationError(_("The order has no PDF yet."))
    hr_document.status = HrDocument.Status.AWAITING_UNIVERSITY
    hr_document.save(update_fields=["status"])
    return hr_document


@transaction.atomic
def order_sign_as_university(*, actor, hr_document: HrDocument, request=None) -> HrDocument:
    """Apply the university's qualified signature (PAdES) and send the order.

    1. The order must await the university's signature; the actor must be an official who
       signs for the university (``may_sign_as_organisation``).
    2. The signed PDF is a new signatures.Document; it becomes ``hr_document.pdf`` (the
       unsigned one stays reachable through the order's history).
    3. The order is sent to the employee (:func:`order_send`).
    """
    from signatures.services.enhanced import may_sign_as_organisation, pades_sign_as_organisation

    if not may_sign_as_organisation(actor):
        raise PermissionDenied(_("You may not sign on behalf of the university."))
    hr_document = _lock(hr_document)
    if hr_document.status != HrDocument.Status.AWAITING_UNIVERSITY:
        raise ValidationError(_("This order is not awaiting the university's signature."))
    signed = pades_sign_as_organisation(actor=actor, document=hr_document.pdf, request=request)
    hr_document.pdf = signed
    hr_document.save(update_fields=["pdf"])
    return order_send(hr_document=hr_document, actor=actor)


def _university_signed(hr_document: HrDocument) -> bool:
    from signatures.models import Signature

    return Signature.objects.filter(
        document_id=hr_document.pdf_id, method=Signature.Method.PADES
    ).exists()


@transaction.atomic
def order_send(*, hr_document: HrDocument, actor=None) -> HrDocument:
    """AWAITING_UNIVERSITY → SENT: the employee is given the signed PDF and a deadline.

    The deadline is the end of the type's N-th working day after sending (3 unless the law sets
    another term); the employee is mailed in their language after commit.
    """
    from guardian.shortcuts import assign_perm

    hr_document = _lock(hr_document)
    if hr_document.status != HrDocument.Status.AWAITING_UNIVERSITY:
        raise ValidationError(_("Only an order awaiting the university's signature can be sent."))
    if hr_document.on_paper:
        raise ValidationError(_("This order is exchanged on paper."))
    if (
        hr_document.type.university_signature == DocumentType.UniversitySignature.ENHANCED_QUALIFIED
        and not _university_signed(hr_document)
    ):
        raise ValidationError(_("The order must carry the university's signature first."))
    now = timezone.now()
    hr_document.status = HrDocument.Status.SENT
    hr_document.sent_at = now
    # issue 8 item 3: extended by the working days of any EDO outage (services/deadlines.py)
    hr_document.due_at = edo_deadline(now, hr_document.type.acquaintance_working_days)
    hr_document.save(update_fields=["status", "sent_at", "due_at"])
    assign_perm("signatures.view_document", hr_document.employee, hr_document.pdf)
    _mail_employee(hr_document, "order_sent")
    return hr_document


@transaction.atomic
def order_acknowledge(*, employee, hr_document: HrDocument, password: str, request=None):
    """The employee acquaints with the order and signs it with a simple signature (B4).

    The signature is made by ``simple_sign`` (password re-entered; audited there); the
    acquaintance time is recorded and the order becomes ACQUAINTED.
    """
    from signatures.models import Signature
    from signatures.services.simple import simple_sign

    hr_document = _lock(hr_document)
    if employee is None or hr_document.employee_id != employee.pk:
        raise PermissionDenied(_("Only the employee named in the order signs it."))
    if hr_document.status != HrDocument.Status.SENT:
        raise ValidationError(_("This order is not awaiting your signature."))
    signature = simple_sign(
        signer=employee,
        document=hr_document.pdf,
        method=Signature.Method.PASSWORD,
        secret=password,
        request=request,
    )
    hr_document.status = HrDocument.Status.ACQUAINTED
    hr_document.acquainted_at = signature.signed_at
    retention_set_for(hr_document, save=False)  # final now: its retention term starts
    hr_document.save(update_fields=["status", "acquainted_at", "retention_until"])
    return signature


# --------------------------------------------------------------------------- mail


def _mail_employee(hr_document: HrDocument, template: str) -> int:
    url = settings.SITE_URL + reverse("hr_edo:inbox_detail", args=[hr_document.pk])
    sent = mail_user_on_commit(
        hr_document.employee,
        f"hr_edo/email/{template}",
        {"hr_document": hr_document, "url": url},
    )
    return int(sent)


def _hr_recipients() -> list:
    return list(role_recipients(*HR_GROUPS))


# --------------------------------------------------------------------------- deadlines


def orders_due_for_reminder(*, now: dt.datetime) -> list[int]:
    return list(
        HrDocument.objects.filter(
            status=HrDocument.Status.SENT,
            reminded_at__isnull=True,
            due_at__lte=now + REMINDER_LEAD,
        ).values_list("pk", flat=True)
    )


def orders_due_for_escalation(*, now: dt.datetime) -> list[int]:
    return list(
        HrDocument.objects.filter(
            status=HrDocument.Status.SENT, escalated_at__isnull=True, due_at__lt=now
        ).values_list("pk", flat=True)
    )


def order_claim_reminder(*, hr_document_id: int, now: dt.datetime) -> bool:
    """Claim the one reminder; True only for the single winner (``claim_once``)."""
    return claim_once(
        HrDocument.objects.filter(
            pk=hr_document_id, status=HrDocument.Status.SENT, due_at__lte=now + REMINDER_LEAD
        ),
        "reminded_at",
        now,
    )


def order_claim_escalation(*, hr_document_id: int, now: dt.datetime) -> bool:
    """Claim the one escalation of an overdue order (``claim_once``)."""
    return claim_once(
        HrDocument.objects.filter(pk=hr_document_id, status=HrDocument.Status.SENT, due_at__lt=now),
        "escalated_at",
        now,
    )


def _sent_order(hr_document_id: int) -> HrDocument | None:
    return (
        HrDocument.objects.select_related("type", "employee")
        .filter(pk=hr_document_id, status=HrDocument.Status.SENT)
        .first()
    )


@transaction.atomic
def order_send_reminder(*, hr_document_id: int, now: dt.datetime | None = None) -> int:
    """Remind the employee once, within 24 hours of the deadline; the number of mails queued.

    1. Re-read the row; nothing to do when it is gone or no longer awaiting the employee.
    2. Claim the reminder; one already claimed sends nothing.
    3. Mail the employee in their language after commit.
    """
    now = now or timezone.now()
    hr_document = _sent_order(hr_document_id)
    if hr_document is None or not order_claim_reminder(hr_document_id=hr_document.pk, now=now):
        return 0
    return _mail_employee(hr_document, "order_reminder")


def order_remind_now(*, actor, hr_document: HrDocument) -> int:
    """An HR officer reminds the employee of a document awaiting their signature now (the
    admin action), apart from the one automatic reminder; the number of mails queued."""
    _require_drafter(actor)
    if hr_document.status != HrDocument.Status.SENT:
        return 0
    return _mail_employee(hr_document, "order_reminder")


@transaction.atomic
def order_escalate(*, hr_document_id: int, now: dt.datetime | None = None) -> int:
    """Tell HR (officers and the head, each in their language) once that an order is overdue."""
    now = now or timezone.now()
    hr_document = _sent_order(hr_document_id)
    if hr_document is None or not order_claim_escalation(hr_document_id=hr_document.pk, now=now):
        return 0
    recipients = _hr_recipients()
    url = settings.SITE_URL + reverse("hr_edo:order_detail", args=[hr_document.pk])
    for person in recipients:
        mail_user_on_commit(
            person, "hr_edo/email/order_escalation", {"hr_document": hr_document, "url": url}
        )
    logger.info("order %s: escalated to %d HR user(s)", hr_document.pk, len(recipients))
    return len(recipients)
