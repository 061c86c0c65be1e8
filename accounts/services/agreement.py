"""The agreement on electronic interaction (IS §6.2–6.5, REQUIREMENTS A13).

A signed-in user works only after accepting the version of the text in force: the highest
``version`` whose ``published_at`` has passed. The number of that version is cached for a
minute (it is asked on every request by ``accounts.middleware.AgreementRequiredMiddleware``)
and the cache is cleared whenever a version is saved through ``agreement_version_publish``.
"""

from __future__ import annotations

import datetime as dt

from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import AgreementAcceptance, AgreementVersion
from kstu.net import client_ip

CURRENT_VERSION_CACHE_KEY = "accounts:agreement:current-version"
CURRENT_VERSION_CACHE_SECONDS = 60
_NO_VERSION = 0  # cached when no version is in force, so "none" is cached too


def agreement_current_version_number() -> int | None:
    """The number of the version in force now, or None when no text is published."""
    number = cache.get(CURRENT_VERSION_CACHE_KEY)
    if number is None:
        number = (
            AgreementVersion.objects.filter(published_at__lte=timezone.now())
            .order_by("-version")
            .values_list("version", flat=True)
            .first()
        ) or _NO_VERSION
        cache.set(CURRENT_VERSION_CACHE_KEY, number, CURRENT_VERSION_CACHE_SECONDS)
    return number or None


def agreement_current_version() -> AgreementVersion | None:
    number = agreement_current_version_number()
    if number is None:
        return None
    return AgreementVersion.objects.filter(version=number).first()


def agreement_has_accepted(*, user, version_number: int) -> bool:
    return AgreementAcceptance.objects.filter(user=user, version__version=version_number).exists()


def agreement_acceptance_get(*, user, version: AgreementVersion) -> AgreementAcceptance | None:
    return AgreementAcceptance.objects.filter(user=user, version=version).first()


def agreement_cache_clear() -> None:
    """Forget the cached current version (call after a version is added or changed)."""
    cache.delete(CURRENT_VERSION_CACHE_KEY)


@transaction.atomic
def agreement_accept(*, user, version: AgreementVersion, request=None) -> AgreementAcceptance:
    """Record that ``user`` accepted ``version``: time, network address and browser.

    Idempotent: accepting the same version again returns the first acceptance unchanged.
    A version that is not yet in force cannot be accepted.
    """
    if not (user and user.is_authenticated):
        raise PermissionDenied(_("Sign in to accept the agreement."))
    if version.published_at > timezone.now():
        raise ValidationError(_("This version of the agreement is not in force yet."))
    acceptance, _created = AgreementAcceptance.objects.get_or_create(
        user=user,
        version=version,
        defaults={
            "accepted_at": timezone.now(),
            "ip_address": client_ip(request) if request is not None else None,
            "user_agent": (
                request.META.get("HTTP_USER_AGENT", "")[:512] if request is not None else ""
            ),
        },
    )
    return acceptance


@transaction.atomic
def agreement_version_publish(
    *,
    actor,
    text_ky: str,
    text_ru: str,
    text_en: str,
    published_at: dt.datetime | None = None,
) -> AgreementVersion:
    """Add the next version of the text; every user accepts it again once it is in force."""
    if not (actor.is_superuser or actor.has_perm("accounts.add_agreementversion")):
        raise PermissionDenied(_("You may not publish the agreement."))
    texts = {"text_ky": text_ky.strip(), "text_ru": text_ru.strip(), "text_en": text_en.strip()}
    if not all(texts.values()):
        raise ValidationError(_("The text is required in all three languages."))
    latest = AgreementVersion.objects.select_for_update().order_by("-version").first()
    version = AgreementVersion.objects.create(
        version=(latest.version + 1) if latest else 1,
        published_at=published_at or timezone.now(),
        **texts,
    )
    # Now (this process sees the new row inside its transaction) and again after commit
    # (another request may have cached the old number in between).
    agreement_cache_clear()
    transaction.on_commit(agreement_cache_clear)
    return version
