"""Registration requests (IS §3.2–3.3), the HR head's visa and the account activation (A9).

The workflow is a state machine on ``RegistrationRequest.status``::

    SUBMITTED ──approve──▶ APPROVED   (account created, access tasks routed, activation mailed)
        │  ▲
        │  └─resubmit── RETURNED ◀──return── SUBMITTED
        └──reject──▶ REJECTED        (final)

Every transition is one service below: it checks the actor's right and the current status,
writes the change (django-simple-history keeps the before/after of every row, with the reason
given in ``_change_reason``) and sends its mail only after the transaction commits.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import roles
from accounts.models import (
    AccessGrant,
    AccessRestriction,
    AccountActivation,
    Department,
    Position,
    RegistrationRequest,
    RequestedSystem,
    User,
)
from accounts.services.access_tasks import access_task_create
from kstu.mail import render_mail, send_mail_on_commit
from kstu.workdays import working_deadline

# A9: the first password is due within 3 working days of receiving the account; the
# activation link lives exactly as long.
FIRST_PASSWORD_WORKING_DAYS = 3
TRACKING_TOKEN_BYTES = 32
ACTIVATION_TOKEN_BYTES = 32
# The IT department issues corporate mailboxes as <login>@<domain> (IS §3.4).
CORPORATE_MAIL_DOMAIN = "kstu.kg"

PERM_ADD = "accounts.add_registrationrequest"
PERM_VIEW = "accounts.view_registrationrequest"
PERM_VISA = "accounts.visa_registrationrequest"


@dataclass(frozen=True)
class RequestContent:
    """The regulation's seven items of an application, as entered (IS §3.3)."""

    last_name: str
    first_name: str
    patronymic: str
    department: Department
    position: Position
    work_phone: str
    mobile_phone: str
    personal_email: str
    # item 6: {system: access level}
    systems: Mapping = field(default_factory=dict)
    # item 7: report sections, each of a chosen system
    report_sections: Iterable = ()


# --------------------------------------------------------------------------- helpers


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _is_signed_in(actor) -> bool:
    return bool(actor is not None and actor.is_authenticated and actor.is_active)


def _require_perm(actor, perm: str, message: str) -> None:
    if not _is_signed_in(actor) or not actor.has_perm(perm):
        raise PermissionDenied(message)


def _validate_content(content: RequestContent) -> None:
    """The checks the form makes, repeated here so no interface can skip them."""
    errors: dict[str, list[str]] = {}
    if not content.department.is_active:
        errors.setdefault("department", []).append(
            _("This department is no longer in use; choose another one.")
        )
    systems = dict(content.systems)
    if not systems:
        errors.setdefault("systems", []).append(
            _("Choose at least one information system to open.")
        )
    for system in systems:
        if not system.is_active:
            errors.setdefault("systems", []).append(
                _("%(system)s is out of use and cannot be requested.") % {"system": system}
            )
    chosen_ids = {system.pk for system in systems}
    for section in content.report_sections:
        if section.system_id not in chosen_ids:
            errors.setdefault("report_sections", []).append(
                _(
                    "The report section “%(section)s” belongs to %(system)s, which you did not "
                    "choose: choose that system too or untick the section."
                )
                % {"section": section, "system": section.system}
            )
    if errors:
        raise ValidationError(errors)


def _write_content(request_obj: RegistrationRequest, content: RequestContent) -> None:
    """Copy the seven items onto the request (saved by the caller) and its child rows."""
    for name in (
        "last_name",
        "first_name",
        "patronymic",
        "department",
        "position",
        "work_phone",
        "mobile_phone",
    ):
        setattr(request_obj, name, getattr(content, name))
    request_obj.personal_email = content.personal_email.strip()


def _write_children(request_obj: RegistrationRequest, content: RequestContent) -> None:
    wanted = dict(content.systems)
    existing = {row.system_id: row for row in request_obj.requested_systems.all()}
    for system, level in wanted.items():
        row = existing.pop(system.pk, None)
        if row is None:
            RequestedSystem.objects.create(request=request_obj, system=system, access_level=level)
        elif row.access_level != level:
            row.access_level = level
            row.save(update_fields=["access_level"])
    for row in existing.values():
        row.delete()  # history keeps the deleted row
    request_obj.report_sections.set(list(content.report_sections))


def _tracking_url(request_obj: RegistrationRequest) -> str:
    return settings.SITE_URL + reverse("accounts:register-track", args=[request_obj.tracking_token])


def _bilingual(template: str, context: dict) -> tuple[str, str]:
    """Subject and body in Kyrgyz with the Russian text below.

    An applicant has no account yet, hence no preferred language: the message carries the
    state language and the official language, as the university's paper letters do.
    """
    rendered = [
        render_mail(f"accounts/email/{template}", context, language=language)
        for language in ("ky", "ru")
    ]
    subjects = [subject for subject, _body in rendered]
    bodies = [body.strip() for _subject, body in rendered]
    return " / ".join(subjects), "\n\n— — —\n\n".join(bodies) + "\n"


def _mail_applicant(request_obj: RegistrationRequest, template: str, **extra) -> None:
    context = {"request_obj": request_obj, "tracking_url": _tracking_url(request_obj), **extra}
    subject, body = _bilingual(template, context)
    send_mail_on_commit(subject=subject, body=body, to=[request_obj.personal_email])


def _locked(request_obj: RegistrationRequest) -> RegistrationRequest:
    """Re-read the row under a lock, so two HR heads never both decide on it."""
    return RegistrationRequest.objects.select_for_update().get(pk=request_obj.pk)


# --------------------------------------------------------------------------- filing


def _create(*, content: RequestContent, filed_by, ip: str | None) -> RegistrationRequest:
    _validate_content(content)
    request_obj = RegistrationRequest(
        tracking_token=secrets.token_urlsafe(TRACKING_TOKEN_BYTES),
        filed_by=filed_by,
        submitted_ip=ip,
        status=RegistrationRequest.Status.SUBMITTED,
    )
    _write_content(request_obj, content)
    request_obj._change_reason = "filed by HR" if filed_by else "submitted"
    request_obj.save()
    _write_children(request_obj, content)
    return request_obj


@transaction.atomic
def registration_request_submit(
    *, content: RequestContent, ip: str | None = None
) -> RegistrationRequest:
    """An employee's own application from the public form (no account yet, no actor).

    The caller (the view) rate-limits by network address; the applicant follows the request
    with the tracking link shown after submission.
    """
    return _create(content=content, filed_by=None, ip=ip)


@transaction.atomic
def registration_request_file(
    *, actor, content: RequestContent, ip: str | None = None
) -> RegistrationRequest:
    """HR files the application on the employee's behalf; the employee gets the tracking
    link at the personal e-mail so they can follow it and correct it if it is returned."""
    _require_perm(actor, PERM_ADD, _("Only HR staff file registration requests for others."))
    request_obj = _create(content=content, filed_by=actor, ip=ip)
    _mail_applicant(request_obj, "request_filed")
    return request_obj


@transaction.atomic
def registration_request_resubmit(
    *, request_obj: RegistrationRequest, content: RequestContent, ip: str | None = None
) -> RegistrationRequest:
    """The applicant (holder of the tracking link) corrects a returned request and sends it
    back to the HR head. The HR comment stays on the row's history."""
    request_obj = _locked(request_obj)
    if request_obj.status != RegistrationRequest.Status.RETURNED:
        raise ValidationError(
            _("Only a request returned for correction can be corrected and sent again."),
            code="not_returned",
        )
    _validate_content(content)
    _write_content(request_obj, content)
    request_obj.status = RegistrationRequest.Status.SUBMITTED
    request_obj.submitted_ip = ip or request_obj.submitted_ip
    request_obj._change_reason = "corrected and resubmitted"
    request_obj.save()
    _write_children(request_obj, content)
    return request_obj


# --------------------------------------------------------------------------- the visa


def _require_visa(actor, request_obj: RegistrationRequest) -> None:
    _require_perm(actor, PERM_VISA, _("Only the head of HR puts the visa on requests."))
    own_emails = {e.strip().lower() for e in (actor.email, actor.personal_email) if e}
    if request_obj.filed_by_id == actor.pk or request_obj.personal_email.lower() in own_emails:
        raise PermissionDenied(
            _("You cannot put the visa on a request you filed or that is your own.")
        )


def _require_submitted(request_obj: RegistrationRequest) -> None:
    if request_obj.status != RegistrationRequest.Status.SUBMITTED:
        raise ValidationError(
            _("This request is “%(status)s”: only a request awaiting the visa can be decided.")
            % {"status": request_obj.get_status_display()},
            code="not_submitted",
        )


def _require_comment(comment: str) -> str:
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError(
            {"comment": _("Write a comment: the applicant needs to know what to correct.")},
            code="comment_required",
        )
    return comment


_TRANSLIT = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "yo", "ж": "zh",
    "з": "z", "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "ң": "ng",
    "о": "o", "ө": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ү": "u",
    "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y",
    "ь": "", "э": "e", "ю": "yu", "я": "ya", "һ": "h", "і": "i", "ә": "a", "қ": "k",
    "ғ": "g", "ұ": "u", "'": "", "’": "", "ʼ": "",
}  # fmt: skip


def transliterate(text: str) -> str:
    """Kyrgyz / Russian Cyrillic to plain lowercase Latin letters (logins, mailboxes)."""
    latin = "".join(_TRANSLIT.get(char, char) for char in text.strip().lower())
    return re.sub(r"[^a-z0-9-]+", "", latin.replace(" ", "-")).strip("-")


def username_suggest(*, last_name: str, first_name: str) -> str:
    """``asanov.b``, then ``asanov.b2``, ``asanov.b3``… — unique as a login and as a mailbox."""
    surname = transliterate(last_name)[:40] or "user"
    initial = transliterate(first_name[:1]) if first_name else ""
    base = f"{surname}.{initial}" if initial else surname
    candidate, n = base, 1
    while User.objects.filter(
        Q(username__iexact=candidate) | Q(email__iexact=f"{candidate}@{CORPORATE_MAIL_DOMAIN}")
    ).exists():
        n += 1
        candidate = f"{base}{n}"
    return candidate


def _activation_issue(*, user: User, actor, now) -> tuple[AccountActivation, str]:
    """A fresh single-use link; earlier unused links of the user stop working."""
    for old in AccountActivation.objects.filter(
        user=user, used_at__isnull=True, expires_at__gt=now
    ):
        old.expires_at = now
        old._change_reason = "superseded by a new activation link"
        old.save(update_fields=["expires_at"])
    token = secrets.token_urlsafe(ACTIVATION_TOKEN_BYTES)
    activation = AccountActivation.objects.create(
        user=user,
        token_hash=_token_hash(token),
        expires_at=user.password_change_deadline,
        created_by=actor,
        created_at=now,
    )
    return activation, token


def _mail_activation(*, user: User, activation: AccountActivation, token: str) -> None:
    context = {
        "user": user,
        "activation": activation,
        "url": settings.SITE_URL + reverse("accounts:activate", args=[token]),
    }
    subject, body = _bilingual("activation_link", context)
    send_mail_on_commit(subject=subject, body=body, to=[user.personal_email])


@transaction.atomic
def registration_request_approve(*, actor, request_obj: RegistrationRequest) -> User:
    """The HR head's visa (IS §3.2): the account and the access tasks.

    1. Only the HR head (visa permission), never on a request they filed or their own, and
       only a request awaiting the visa.
    2. Create the inactive account: a login from the transliterated name, the corporate
       mailbox ``<login>@kstu.kg`` the IT department issues, no usable password, the first
       password due at the end of the 3rd working day (A9).
    3. One access task per requested system, at the level asked, with that system's report
       sections, due in 3 working days (IS §3.5); its responsible persons are mailed.
    4. A single-use activation link to the personal e-mail (item 5), valid until the
       first-password deadline.
    5. Record the visa on the request.
    """
    request_obj = _locked(request_obj)
    _require_visa(actor, request_obj)
    _require_submitted(request_obj)
    now = timezone.now()

    username = username_suggest(last_name=request_obj.last_name, first_name=request_obj.first_name)
    user = User(
        username=username,
        email=f"{username}@{CORPORATE_MAIL_DOMAIN}",
        last_name=request_obj.last_name,
        first_name=request_obj.first_name,
        patronymic=request_obj.patronymic,
        personal_email=request_obj.personal_email,
        work_phone=request_obj.work_phone,
        mobile_phone=request_obj.mobile_phone,
        department=request_obj.department,
        position=request_obj.position,
        kind=User.Kind.EMPLOYEE,
        is_active=False,
        must_change_password=True,
        password_change_deadline=working_deadline(now, FIRST_PASSWORD_WORKING_DAYS),
    )
    user.set_unusable_password()
    user._change_reason = f"registration request {request_obj.pk}"
    user.save()

    sections_by_system: dict[int, list] = {}
    for section in request_obj.report_sections.all():
        sections_by_system.setdefault(section.system_id, []).append(section)
    for row in request_obj.requested_systems.select_related("system"):
        access_task_create(
            user=user,
            system=row.system,
            kind=AccessGrant.Kind.GRANT,
            start=now,
            access_level=row.access_level,
            request=request_obj,
            report_sections=sections_by_system.get(row.system_id, []),
        )

    activation, token = _activation_issue(user=user, actor=actor, now=now)
    _mail_activation(user=user, activation=activation, token=token)

    request_obj.status = RegistrationRequest.Status.APPROVED
    request_obj.visa_by = actor
    request_obj.visa_at = now
    request_obj.account = user
    request_obj._change_reason = "visa: approved"
    request_obj.save()
    return user


@transaction.atomic
def registration_request_return(
    *, actor, request_obj: RegistrationRequest, comment: str
) -> RegistrationRequest:
    """Return for correction with the HR head's comment; the applicant sees it at the
    tracking link (mailed to the personal e-mail) and sends a corrected request."""
    request_obj = _locked(request_obj)
    _require_visa(actor, request_obj)
    _require_submitted(request_obj)
    comment = _require_comment(comment)
    request_obj.status = RegistrationRequest.Status.RETURNED
    request_obj.hr_comment = comment
    request_obj.visa_by = actor
    request_obj.visa_at = timezone.now()
    request_obj._change_reason = "visa: returned for correction"
    request_obj.save()
    _mail_applicant(request_obj, "request_returned")
    return request_obj


@transaction.atomic
def registration_request_reject(
    *, actor, request_obj: RegistrationRequest, comment: str
) -> RegistrationRequest:
    """Refuse the request for good, with the reason; the applicant is told by e-mail."""
    request_obj = _locked(request_obj)
    _require_visa(actor, request_obj)
    _require_submitted(request_obj)
    comment = _require_comment(comment)
    request_obj.status = RegistrationRequest.Status.REJECTED
    request_obj.hr_comment = comment
    request_obj.visa_by = actor
    request_obj.visa_at = timezone.now()
    request_obj._change_reason = "visa: rejected"
    request_obj.save()
    _mail_applicant(request_obj, "request_rejected")
    return request_obj


# --------------------------------------------------------------------------- activation


class ActivationUnavailable(Exception):
    """The link cannot be used; ``reason`` is "unknown", "used", "expired" or "blocked"."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def _never_activated(user: User) -> bool:
    """True while the account has never had a password set through its activation."""
    return (
        not user.has_usable_password()
        and not user.activations.filter(used_at__isnull=False).exists()
    )


def _blocked(user: User) -> bool:
    return AccessRestriction.objects.filter(
        user=user, kind=AccessRestriction.Kind.ACCOUNT, lifted_at__isnull=True
    ).exists()


def account_activation_check(*, token: str) -> AccountActivation:
    """The activation behind ``token`` if it can still be used, else ActivationUnavailable."""
    activation = (
        AccountActivation.objects.select_related("user").filter(token_hash=_token_hash(token))
    ).first()
    if activation is None:
        raise ActivationUnavailable("unknown")
    if activation.used_at is not None or not _never_activated(activation.user):
        raise ActivationUnavailable("used")
    if _blocked(activation.user):
        raise ActivationUnavailable("blocked")
    if activation.expires_at <= timezone.now():
        raise ActivationUnavailable("expired")
    return activation


@transaction.atomic
def account_activation_complete(*, token: str, set_password_form) -> User:
    """Use the link once: save the first password and open the account.

    ``set_password_form`` is a valid ``SetPasswordForm`` for the activation's user (it has
    run the password validators); the view builds it.
    """
    activation = account_activation_check(token=token)
    activation = AccountActivation.objects.select_for_update().get(pk=activation.pk)
    if activation.used_at is not None:
        raise ActivationUnavailable("used")
    user = set_password_form.user
    if user.pk != activation.user_id:
        raise PermissionDenied(_("This activation link belongs to another account."))
    now = timezone.now()
    user = set_password_form.save(commit=False)
    user.is_active = True
    user.must_change_password = False
    user.password_change_deadline = None
    user._change_reason = "account activated"
    user.save()
    activation.used_at = now
    activation._change_reason = "used"
    activation.save(update_fields=["used_at"])
    return user


def can_reissue_activation(actor) -> bool:
    return _is_signed_in(actor) and (
        actor.is_superuser or actor.has_perm(PERM_VISA) or actor.has_role(roles.IS_RESPONSIBLE)
    )


@transaction.atomic
def account_activation_reissue(*, actor, user: User) -> AccountActivation:
    """A new activation link when the first one expired or was lost (IS §4: the
    IS-responsible issues initial logins; the HR head may too).

    The account gets a fresh first-password deadline of 3 working days from now; earlier
    links stop working. Refused for an account that was already activated (that is what
    "forgot password" is for) and for a blocked account.
    """
    if not can_reissue_activation(actor):
        raise PermissionDenied(
            _("Only the IS-responsible person or the head of HR issues activation links.")
        )
    user = User.objects.select_for_update().get(pk=user.pk)
    if not _never_activated(user):
        raise ValidationError(
            _("This account is already activated: the person can use “Forgot password”."),
            code="already_active",
        )
    if _blocked(user):
        raise ValidationError(
            _("This account is blocked: lift the block before sending a new link."),
            code="blocked",
        )
    if not user.personal_email:
        raise ValidationError(
            _("The account has no personal e-mail to send the link to."), code="no_email"
        )
    now = timezone.now()
    user.password_change_deadline = working_deadline(now, FIRST_PASSWORD_WORKING_DAYS)
    user.must_change_password = True
    user._change_reason = "activation link re-issued"
    user.save(update_fields=["password_change_deadline", "must_change_password"])
    activation, token = _activation_issue(user=user, actor=actor, now=now)
    _mail_activation(user=user, activation=activation, token=token)
    return activation
