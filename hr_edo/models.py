"""HR electronic document flow (EDO §1–§5, App. 1, App. 2).

Document types are data (App. 1, seeded with the 14 types); an employee joins EDO by the
App. 2 application; applications and orders are ``HrDocument`` rows whose PDF and signatures
live in the signatures app; copy requests carry the employer's 3-working-day duty (EDO 2.1.6).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kstu.history import tracked
from kstu.i18n import localized

# IS §1.7: never handled in EDO, whatever a type list says.
EXCLUDED_DOCUMENT_CODES = {
    "work_book": _("work book"),
    "industrial_accident_act": _("industrial-accident act"),
    "dismissal_order": _("dismissal order"),
    "labour_protection_training": _("labour-protection training documents"),
}


class DocumentType(models.Model):
    class Kind(models.TextChoices):
        APPLICATION = "application", _("Employee's application")
        ORDER = "order", _("Employer's order")

    class UniversitySignature(models.TextChoices):
        NONE = "none", _("None")
        ENHANCED_QUALIFIED = "enhanced_qualified", _("Enhanced qualified")

    number = models.PositiveSmallIntegerField(_("number in Appendix 1"), unique=True)
    code = models.SlugField(_("code"), max_length=60, unique=True)
    name_ky = models.CharField(_("name (Kyrgyz)"), max_length=255)
    name_ru = models.CharField(_("name (Russian)"), max_length=255)
    name_en = models.CharField(_("name (English)"), max_length=255)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    employee_signature = models.CharField(
        _("employee's signature"), max_length=20, default="simple", editable=False
    )
    university_signature = models.CharField(
        _("university's signature"),
        max_length=30,
        choices=UniversitySignature.choices,
        default=UniversitySignature.NONE,
    )
    acquaintance_working_days = models.PositiveSmallIntegerField(
        _("acquaintance term (working days)"),
        default=3,
        help_text=_("3 working days unless the law sets a term for the paper analogue."),
    )
    legal_term_note = models.CharField(_("legal basis of the term"), max_length=255, blank=True)
    retention_years = models.PositiveSmallIntegerField(_("retention period (years)"), default=75)
    is_active = models.BooleanField(_("in use"), default=True)

    history = tracked()

    class Meta:
        verbose_name = _("HR document type")
        verbose_name_plural = _("HR document types")
        ordering = ["number"]

    def __str__(self) -> str:
        return f"{self.number}. {self.name}"

    @property
    def name(self) -> str:
        return localized(self, "name")


class Participation(models.Model):
    """An employee's consent to EDO (App. 2), signed by the employee, registered by HR."""

    class Status(models.TextChoices):
        SIGNED = "signed", _("Signed, awaiting registration by HR")
        REGISTERED = "registered", _("Registered: documents go through EDO")
        WITHDRAWN = "withdrawn", _("Withdrawn: paper only")

    employee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("employee"),
        on_delete=models.PROTECT,
        related_name="edo_participations",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.SIGNED, db_index=True
    )
    application = models.ForeignKey(
        "signatures.Document",
        verbose_name=_("signed application (PDF)"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    language = models.CharField(_("language of the application"), max_length=2, default="ky")
    signed_at = models.DateTimeField(_("signed at"), default=timezone.now)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    registered_at = models.DateTimeField(_("registered at"), null=True, blank=True)

    history = tracked()

    class Meta:
        verbose_name = _("EDO participation")
        verbose_name_plural = _("EDO participations")
        ordering = ["-signed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["employee"],
                condition=~Q(status="withdrawn"),
                name="one_live_participation_per_employee",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.employee} — {self.get_status_display()}"


class HrDocument(models.Model):
    """An application (App. 1 #1–7, 14) or an order (#8–13) of one employee."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted to HR")
        RETURNED = "returned", _("Returned with a comment")
        ACCEPTED = "accepted", _("Accepted by HR")
        AWAITING_UNIVERSITY = "awaiting_university", _("Awaiting the university's signature")
        SENT = "sent", _("Sent to the employee")
        ACQUAINTED = "acquainted", _("Signed by the employee")
        CANCELLED = "cancelled", _("Cancelled")

    type = models.ForeignKey(
        DocumentType, verbose_name=_("type"), on_delete=models.PROTECT, related_name="documents"
    )
    employee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("employee"),
        on_delete=models.PROTECT,
        related_name="hr_documents",
    )
    status = models.CharField(
        _("status"), max_length=30, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    number = models.CharField(_("number"), max_length=50, blank=True)
    document_date = models.DateField(_("date"), default=timezone.localdate)
    data = models.JSONField(_("contents"), default=dict, blank=True)
    pdf = models.ForeignKey(
        "signatures.Document",
        verbose_name=_("PDF"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    previous_version = models.ForeignKey(
        "self",
        verbose_name=_("replaces"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="newer_versions",
    )
    based_on = models.ForeignKey(
        "self",
        verbose_name=_("based on the application"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="orders",
    )
    on_paper = models.BooleanField(
        _("on paper"),
        default=False,
        help_text=_("Exchanged on paper (no EDO participation, or during an outage)."),
    )
    hr_comment = models.TextField(_("HR comment"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    due_at = models.DateTimeField(_("acquaint by"), null=True, blank=True, db_index=True)
    reminded_at = models.DateTimeField(_("reminded at"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)
    acquainted_at = models.DateTimeField(_("acquainted at"), null=True, blank=True)
    retention_until = models.DateField(_("keep until"), null=True, blank=True, db_index=True)
    legal_hold = models.BooleanField(_("legal hold"), default=False)
    disposal_decision = models.CharField(_("disposal decision"), max_length=255, blank=True)

    history = tracked()

    class Meta:
        verbose_name = _("HR document")
        verbose_name_plural = _("HR documents")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["employee", "status"], name="hrdoc_employee_status"),
            models.Index(fields=["status", "due_at"], name="hrdoc_status_due"),
        ]

    def __str__(self) -> str:
        label = f"№{self.number} " if self.number else ""
        return f"{label}{self.type.name} — {self.employee}"


class CopyRequest(models.Model):
    """An employee's request for copies of work-related documents (EDO 2.1.6, 5.2.3)."""

    class Form(models.TextChoices):
        ELECTRONIC = "electronic", _("Electronic document")
        PAPER = "paper", _("Certified paper copy")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        ISSUED = "issued", _("Issued")
        HANDED_OVER = "handed_over", _("Handed over on paper")
        REFUSED = "refused", _("Refused")

    employee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("employee"),
        on_delete=models.PROTECT,
        related_name="copy_requests",
    )
    documents = models.ManyToManyField(
        HrDocument, verbose_name=_("documents"), blank=True, related_name="copy_requests"
    )
    description = models.TextField(_("which documents"), blank=True)
    form = models.CharField(_("form"), max_length=20, choices=Form.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    due_at = models.DateTimeField(_("due"), db_index=True)
    reminded_at = models.DateTimeField(_("reminded at"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)
    issued_document = models.ForeignKey(
        "signatures.Document",
        verbose_name=_("issued copy"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handled by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    handled_at = models.DateTimeField(_("handled at"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    history = tracked()

    class Meta:
        verbose_name = _("copy request")
        verbose_name_plural = _("copy requests")
        ordering = ["due_at"]

    def __str__(self) -> str:
        return f"{self.employee} — {self.get_form_display()} ({self.requested_at:%Y-%m-%d})"


# =========================================================================== outage mode
# EDO §4 and 5.2.5: when EDO cannot be used HR announces it to every employee by e-mail with
# the expected restoration time; documents of that period go on paper and are registered later.


class Outage(models.Model):
    class Reason(models.TextChoices):
        UNSTABLE_INTERNET = "unstable_internet", _("Unstable internet connection")
        MAINTENANCE = "maintenance", _("Technical maintenance")
        FAILURE = "failure", _("Failure of the system")
        OTHER = "other", _("Other")

    reason = models.CharField(_("reason"), max_length=30, choices=Reason.choices)
    details = models.TextField(_("details"), blank=True)
    started_at = models.DateTimeField(_("suspended from"), default=timezone.now)
    expected_end_at = models.DateTimeField(_("expected restoration"))
    ended_at = models.DateTimeField(_("restored at"), null=True, blank=True)
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("declared by"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    history = tracked()

    class Meta:
        verbose_name = _("EDO outage")
        verbose_name_plural = _("EDO outages")
        ordering = ["-started_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expected_end_at__gt=models.F("started_at")),
                name="outage_expected_end_after_start",
                violation_error_message=_("The expected restoration must be after the start."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} — {timezone.localtime(self.started_at):%Y-%m-%d %H:%M}"

    @property
    def is_active(self) -> bool:
        return self.ended_at is None


class Announcement(models.Model):
    """One mass e-mail about an outage: declared, updated or ended."""

    class Kind(models.TextChoices):
        DECLARED = "declared", _("Suspension declared")
        UPDATED = "updated", _("Expected restoration changed")
        ENDED = "ended", _("EDO restored")

    outage = models.ForeignKey(Outage, on_delete=models.PROTECT, related_name="announcements")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    total = models.PositiveIntegerField(_("recipients"), default=0)

    history = tracked()

    class Meta:
        verbose_name = _("announcement")
        verbose_name_plural = _("announcements")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({timezone.localtime(self.created_at):%Y-%m-%d %H:%M})"


class Delivery(models.Model):
    """One recipient of one announcement; unique, so nobody is mailed twice."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    announcement = models.ForeignKey(
        Announcement, on_delete=models.CASCADE, related_name="deliveries"
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    email = models.EmailField()
    language = models.CharField(max_length=2, default="ky")
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=500, blank=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            models.UniqueConstraint(
                fields=["announcement", "recipient"], name="one_delivery_per_recipient"
            ),
        ]
        indexes = [models.Index(fields=["announcement", "status"], name="delivery_progress")]

    def __str__(self) -> str:
        return f"{self.announcement_id} → {self.email}: {self.status}"


class UnavailabilityReport(models.Model):
    """EDO 4.5: an employee cannot use EDO — department, position, full name, reasons, period."""

    class Channel(models.TextChoices):
        SITE = "site", _("Through the site")
        EMAIL = "email", _("By e-mail")
        IN_PERSON = "in_person", _("In person")
        POST = "post", _("By post")

    employee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("employee"),
        on_delete=models.PROTECT,
        related_name="edo_unavailability_reports",
    )
    department_name = models.CharField(_("department"), max_length=255)
    position_name = models.CharField(_("position"), max_length=255)
    full_name = models.CharField(_("full name"), max_length=255)
    reasons = models.TextField(_("reasons"))
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"))
    channel = models.CharField(_("received"), max_length=20, choices=Channel.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    history = tracked()

    class Meta:
        verbose_name = _("report of inability to use EDO")
        verbose_name_plural = _("reports of inability to use EDO")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="unavailability_period_order",
                violation_error_message=_("The period ends before it starts."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.full_name}: {self.period_start} – {self.period_end}"
