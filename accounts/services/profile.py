"""Self-service changes of one's own profile (IS §3.6, REQUIREMENTS A4).

Only contact details and the interface language are self-service; department, position,
corporate e-mail and roles change through HR and a new request, never here. Every save is a
history row (simple-history) naming the user and the network address of the request.
"""

from __future__ import annotations

import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from accounts.models import User

SELF_EDITABLE_FIELDS = (
    "last_name",
    "work_phone",
    "mobile_phone",
    "personal_email",
    "preferred_language",
)
PHONE_FIELDS = ("work_phone", "mobile_phone")
_PHONE_CHARACTERS = re.compile(r"^[0-9+\-() ]+$")
PHONE_MIN_DIGITS, PHONE_MAX_DIGITS = 7, 20


def validate_phone(value: str) -> None:
    """Digits with spaces, "+", "-" and brackets; 7 to 20 digits (e.g. +996 (312) 54-51-25)."""
    if not value:
        return
    if not _PHONE_CHARACTERS.match(value):
        raise ValidationError(
            _("A phone number may contain only digits, spaces and the signs + - ( )."),
            code="phone_characters",
        )
    digits = sum(ch.isdigit() for ch in value)
    if not PHONE_MIN_DIGITS <= digits <= PHONE_MAX_DIGITS:
        raise ValidationError(
            _("A phone number has from %(min)d to %(max)d digits."),
            code="phone_length",
            params={"min": PHONE_MIN_DIGITS, "max": PHONE_MAX_DIGITS},
        )


def _clean(data: dict) -> dict:
    unknown = set(data) - set(SELF_EDITABLE_FIELDS)
    if unknown:
        raise PermissionDenied(
            _("These details change through HR and a new request, not in your profile.")
        )
    cleaned = {
        key: (value.strip() if isinstance(value, str) else value) for key, value in data.items()
    }
    errors: dict[str, list] = {}
    if "last_name" in cleaned and not cleaned["last_name"]:
        errors["last_name"] = [ValidationError(_("The surname is required."), code="required")]
    for field in PHONE_FIELDS:
        if field in cleaned:
            try:
                validate_phone(cleaned[field])
            except ValidationError as exc:
                errors[field] = exc.error_list
    if cleaned.get("personal_email"):
        try:
            validate_email(cleaned["personal_email"])
        except ValidationError as exc:
            errors["personal_email"] = exc.error_list
    if "preferred_language" in cleaned and cleaned["preferred_language"] not in User.Language:
        errors["preferred_language"] = [
            ValidationError(_("Choose one of the offered languages."), code="invalid_choice")
        ]
    if errors:
        raise ValidationError(errors)
    return cleaned


@transaction.atomic
def profile_update(*, actor, user: User, data: dict) -> list[str]:
    """Change the self-service fields of ``user``'s own profile; returns the changed fields.

    1. Only the user themself may change them (an HR officer uses the admin site).
    2. Fields outside ``SELF_EDITABLE_FIELDS`` are refused, values are validated.
    3. Nothing changed — nothing saved (no empty history row).
    """
    if not (actor and actor.is_authenticated and actor.pk == user.pk):
        raise PermissionDenied(_("You can change only your own profile."))
    cleaned = _clean(data)
    user = User.objects.select_for_update().get(pk=user.pk)
    changed = [field for field, value in cleaned.items() if getattr(user, field) != value]
    if not changed:
        return []
    for field in changed:
        setattr(user, field, cleaned[field])
    user._history_user = actor  # also outside a request (simple-history reads this attribute)
    user.save(update_fields=changed)
    return changed
