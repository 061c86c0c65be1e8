"""The register of the university's information systems (App. IS, IS §3.1).

Responsible persons are not a field here: a person is responsible for a system when they hold
the django-guardian object permission ``registry.responsible_for_system`` on it (granted only by
``registry.services.system_assign_responsible``). The responsible *units* are kept as the
appendix's text in three languages, so this app needs nothing from ``accounts``.
"""

import re

from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.utils.translation import gettext_lazy as _

from kstu.history import tracked
from kstu.i18n import localized

RESPONSIBLE_CODENAME = "responsible_for_system"
RESPONSIBLE_PERMISSION = f"registry.{RESPONSIBLE_CODENAME}"

# A bare host with an optional path, e.g. "online.kstu.kg" or "kstu.kg/library".
_HOST_RE = re.compile(
    r"^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+(?:/\S*)?$", re.I
)


class SignatureUse(models.TextChoices):
    """The appendix's "note" column: how changes in the system are confirmed."""

    NONE = "none", _("Not used")
    E_SIGNATURE = "e_signature", _("Electronic signature")
    ELECTRONIC_CONFIRMATION = "electronic_confirmation", _("Electronic confirmation")


class InformationSystem(models.Model):
    """One row of the appendix "List of information systems introduced at KSTU"."""

    code = models.SlugField(
        _("code"),
        max_length=50,
        unique=True,
        help_text=_("Short Latin identifier used in addresses, e.g. “avn”."),
    )
    sort_order = models.PositiveSmallIntegerField(_("order in the register"), default=0)
    name_ky = models.CharField(_("name (Kyrgyz)"), max_length=255)
    name_ru = models.CharField(_("name (Russian)"), max_length=255)
    name_en = models.CharField(_("name (English)"), max_length=255)
    address = models.CharField(
        _("address"),
        max_length=255,
        blank=True,
        help_text=_("Web address or host name, e.g. “online.kstu.kg”."),
    )
    content_ky = models.TextField(_("content (Kyrgyz)"), blank=True)
    content_ru = models.TextField(_("content (Russian)"), blank=True)
    content_en = models.TextField(_("content (English)"), blank=True)
    user_groups_ky = models.TextField(_("users (Kyrgyz)"), blank=True)
    user_groups_ru = models.TextField(_("users (Russian)"), blank=True)
    user_groups_en = models.TextField(_("users (English)"), blank=True)
    responsible_units_ky = models.TextField(_("responsible units (Kyrgyz)"), blank=True)
    responsible_units_ru = models.TextField(_("responsible units (Russian)"), blank=True)
    responsible_units_en = models.TextField(_("responsible units (English)"), blank=True)
    signature_use = models.CharField(
        _("signature use"),
        max_length=32,
        choices=SignatureUse.choices,
        default=SignatureUse.NONE,
    )
    notes_ky = models.TextField(_("note (Kyrgyz)"), blank=True)
    notes_ru = models.TextField(_("note (Russian)"), blank=True)
    notes_en = models.TextField(_("note (English)"), blank=True)
    access_instructions_ky = models.TextField(_("how to get access (Kyrgyz)"), blank=True)
    access_instructions_ru = models.TextField(_("how to get access (Russian)"), blank=True)
    access_instructions_en = models.TextField(_("how to get access (English)"), blank=True)
    renewal_date = models.DateField(
        _("subscription renewal date"),
        null=True,
        blank=True,
        help_text=_(
            "For systems renewed every year: the responsible persons are reminded "
            "30 and 7 days before this date."
        ),
    )
    # Bookkeeping of the renewal reminders: the renewal date each reminder was sent for, so a
    # reminder goes out once per (system, renewal date, threshold) whatever the number of
    # workers or restarts, and again automatically once the renewal date is moved a year on.
    renewal_reminded_30_for = models.DateField(
        _("30-day reminder sent for"), null=True, blank=True, editable=False
    )
    renewal_reminded_7_for = models.DateField(
        _("7-day reminder sent for"), null=True, blank=True, editable=False
    )
    is_active = models.BooleanField(_("in use"), default=True)

    # Lets the list prefetch the responsible persons in one query, and deletes the object
    # permissions with the system (guardian's generic rows would otherwise be orphaned).
    object_permissions = GenericRelation(
        "guardian.UserObjectPermission", object_id_field="object_pk"
    )

    history = tracked()

    class Meta:
        verbose_name = _("information system")
        verbose_name_plural = _("information systems")
        ordering = ["sort_order", "code"]
        permissions = [(RESPONSIBLE_CODENAME, _("Is responsible for the system"))]
        indexes = [
            models.Index(fields=["is_active", "sort_order"], name="registry_system_active_order"),
            models.Index(fields=["renewal_date"], name="registry_system_renewal"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return localized(self, "name")

    @property
    def content(self) -> str:
        return localized(self, "content")

    @property
    def user_groups(self) -> str:
        return localized(self, "user_groups")

    @property
    def responsible_units(self) -> str:
        return localized(self, "responsible_units")

    @property
    def notes(self) -> str:
        return localized(self, "notes")

    @property
    def access_instructions(self) -> str:
        return localized(self, "access_instructions")

    @property
    def address_url(self) -> str:
        """A safe http(s) link for ``address``, or "" when it is not a web address."""
        address = self.address.strip()
        if re.match(r"^https?://", address, re.I):
            return address
        if _HOST_RE.match(address):
            return f"https://{address}"
        return ""

    @property
    def responsible_persons(self) -> list:
        """Active users holding the object permission, by surname.

        Uses the rows prefetched by ``registry.selectors`` (``responsible_permission_rows``);
        without them it costs one query.
        """
        rows = getattr(self, "responsible_permission_rows", None)
        if rows is None:
            rows = (
                self.object_permissions.filter(
                    permission__codename=RESPONSIBLE_CODENAME, user__is_active=True
                )
                .select_related("user")
                .order_by("user__last_name", "user__first_name", "user__pk")
            )
        return [row.user for row in rows]


class ReportSection(models.Model):
    """A thematic section of the system's reports that an access request may ask for (A1, 7)."""

    system = models.ForeignKey(
        InformationSystem,
        verbose_name=_("information system"),
        on_delete=models.CASCADE,
        related_name="report_sections",
    )
    code = models.SlugField(_("code"), max_length=50)
    name_ky = models.CharField(_("name (Kyrgyz)"), max_length=255)
    name_ru = models.CharField(_("name (Russian)"), max_length=255)
    name_en = models.CharField(_("name (English)"), max_length=255)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("in use"), default=True)

    history = tracked()

    class Meta:
        verbose_name = _("report section")
        verbose_name_plural = _("report sections")
        ordering = ["system_id", "sort_order", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["system", "code"],
                name="registry_section_code_unique_per_system",
                violation_error_message=_(
                    "This system already has a report section with this code."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return localized(self, "name")
