"""Users, the university's organisational structure and positions."""

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kstu.history import tracked
from kstu.i18n import localized


class Department(models.Model):
    """A unit of the university; the units form a tree (institute → faculty → chair)."""

    class Kind(models.TextChoices):
        INSTITUTE = "institute", _("Institute")
        FACULTY = "faculty", _("Faculty")
        CHAIR = "chair", _("Chair")
        ADMINISTRATIVE = "administrative", _("Administrative unit")

    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name_ky = models.CharField(_("name (Kyrgyz)"), max_length=255)
    name_ru = models.CharField(_("name (Russian)"), max_length=255)
    name_en = models.CharField(_("name (English)"), max_length=255)
    registration_code = models.CharField(
        _("registration code"),
        max_length=32,
        unique=True,
        help_text=_("The unit's registration code («каттоо шифри»)."),
    )
    head = models.ForeignKey(
        "accounts.User",
        verbose_name=_("head"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="headed_departments",
    )
    is_active = models.BooleanField(_("active"), default=True)

    history = tracked()

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["registration_code"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(parent=models.F("id")), name="department_not_own_parent"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return localized(self, "name")

    def ancestors(self) -> list["Department"]:
        """Units above this one, nearest first (guards against accidental cycles)."""
        chain, seen, node = [], {self.pk}, self.parent
        while node is not None and node.pk not in seen:
            chain.append(node)
            seen.add(node.pk)
            node = node.parent
        return chain

    def descendant_ids(self) -> list[int]:
        """Ids of this unit and every unit below it (one recursive query)."""
        table = self._meta.db_table
        sql = f"""
            WITH RECURSIVE tree(id) AS (
                SELECT id FROM {table} WHERE id = %s
                UNION SELECT d.id FROM {table} d JOIN tree t ON d.parent_id = t.id
            ) SELECT id FROM tree
        """  # noqa: S608 - table name comes from the model, the id is a parameter
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute(sql, [self.pk])
            return [row[0] for row in cursor.fetchall()]


class Position(models.Model):
    code = models.SlugField(_("code"), max_length=50, unique=True)
    name_ky = models.CharField(_("name (Kyrgyz)"), max_length=255)
    name_ru = models.CharField(_("name (Russian)"), max_length=255)
    name_en = models.CharField(_("name (English)"), max_length=255)
    is_teaching = models.BooleanField(_("teaching staff"), default=False)

    history = tracked()

    class Meta:
        verbose_name = _("position")
        verbose_name_plural = _("positions")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return localized(self, "name")


class User(AbstractUser):
    """A person who uses the platform; ``username`` is the login."""

    class Kind(models.TextChoices):
        EMPLOYEE = "employee", _("Employee")
        TEACHER = "teacher", _("Teacher")
        STUDENT = "student", _("Student")
        PARENT = "parent", _("Parent")
        EXTERNAL = "external", _("External learner")

    class Language(models.TextChoices):
        KYRGYZ = "ky", "Кыргызча"
        RUSSIAN = "ru", "Русский"
        ENGLISH = "en", "English"

    # AbstractUser's first_name / last_name are the given name and surname.
    patronymic = models.CharField(_("patronymic"), max_length=150, blank=True)
    email = models.EmailField(_("corporate e-mail"), blank=True)
    personal_email = models.EmailField(_("personal e-mail"), blank=True)
    work_phone = models.CharField(_("work phone"), max_length=32, blank=True)
    mobile_phone = models.CharField(_("mobile phone"), max_length=32, blank=True)
    home_address = models.CharField(_("home address"), max_length=500, blank=True)
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
    )
    position = models.ForeignKey(
        Position,
        verbose_name=_("position"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="holders",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.EMPLOYEE)
    preferred_language = models.CharField(
        _("preferred language"), max_length=2, choices=Language.choices, default=Language.KYRGYZ
    )
    # A9: the initial password must be replaced by this moment (end of the 3rd working day).
    password_change_deadline = models.DateTimeField(_("first password due"), null=True, blank=True)
    must_change_password = models.BooleanField(_("must change password"), default=False)

    objects = UserManager()
    history = tracked(excluded_fields=["password", "last_login"])

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["last_name", "first_name", "patronymic"]
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                condition=~Q(email=""),
                name="user_corporate_email_unique",
                violation_error_message=_("A user with this corporate e-mail already exists."),
            ),
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    def get_full_name(self) -> str:
        """Surname, given name, patronymic — the order used in Kyrgyz and Russian documents."""
        return " ".join(p for p in (self.last_name, self.first_name, self.patronymic) if p)

    def get_short_name(self) -> str:
        return self.first_name or self.username

    @property
    def role_codes(self) -> set[str]:
        if not hasattr(self, "_role_codes"):
            self._role_codes = set(self.groups.values_list("name", flat=True))
        return self._role_codes

    def has_role(self, *codes: str) -> bool:
        return bool(self.role_codes.intersection(codes))


# =========================================================================== account lifecycle
# Registration requests (IS §3.2–3.3), access grants and revocations with their deadlines
# (IS §3.5, §3.7), personnel orders, activation, the electronic-interaction agreement
# (IS §6.2–6.5) and restrictions set by IS-responsible persons (IS §6.7).


class AccessLevel(models.TextChoices):
    VIEW = "view", _("View")
    EDIT = "edit", _("Enter and edit data")
    ADMINISTER = "administer", _("Administer")


class RegistrationRequest(models.Model):
    """A new employee's application to the rector for an account (the regulation's 7 items)."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Awaiting the HR visa")
        RETURNED = "returned", _("Returned for correction")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.SUBMITTED, db_index=True
    )
    # 1) full name
    last_name = models.CharField(_("surname"), max_length=150)
    first_name = models.CharField(_("given name"), max_length=150)
    patronymic = models.CharField(_("patronymic"), max_length=150, blank=True)
    # 2) department / chair, 3) position
    department = models.ForeignKey(
        Department,
        verbose_name=_("department or chair"),
        on_delete=models.PROTECT,
        related_name="registration_requests",
    )
    position = models.ForeignKey(
        Position,
        verbose_name=_("position"),
        on_delete=models.PROTECT,
        related_name="registration_requests",
    )
    # 4) phones
    work_phone = models.CharField(_("work phone"), max_length=32)
    mobile_phone = models.CharField(_("mobile phone"), max_length=32)
    # 5) personal e-mail for the login details
    personal_email = models.EmailField(_("personal e-mail for the login details"))
    # 6) systems (RequestedSystem rows), 7) report sections
    report_sections = models.ManyToManyField(
        "registry.ReportSection",
        verbose_name=_("report sections"),
        blank=True,
        related_name="registration_requests",
    )
    tracking_token = models.CharField(max_length=64, unique=True, editable=False)
    filed_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("filed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="filed_registration_requests",
        help_text=_("The HR officer who filed it on the employee's behalf, if any."),
    )
    submitted_ip = models.GenericIPAddressField(_("network address"), null=True, blank=True)
    hr_comment = models.TextField(_("comment of the HR head"), blank=True)
    visa_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("visa by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="registration_visas",
    )
    visa_at = models.DateTimeField(_("visa time"), null=True, blank=True)
    account = models.OneToOneField(
        "accounts.User",
        verbose_name=_("account"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="registration_request",
    )
    created_at = models.DateTimeField(_("submitted at"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    # The token is the applicant's key to the request: it stays out of the audit trail.
    history = tracked(excluded_fields=["tracking_token"])

    class Meta:
        verbose_name = _("registration request")
        verbose_name_plural = _("registration requests")
        ordering = ["-created_at"]
        permissions = [("visa_registrationrequest", _("Can put the HR visa on requests"))]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.created_at:%Y-%m-%d})"

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.last_name, self.first_name, self.patronymic) if p)


class RequestedSystem(models.Model):
    """Item 6 of a request: one information system with the access level wanted."""

    request = models.ForeignKey(
        RegistrationRequest, on_delete=models.CASCADE, related_name="requested_systems"
    )
    system = models.ForeignKey(
        "registry.InformationSystem",
        verbose_name=_("information system"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    access_level = models.CharField(
        _("access level"), max_length=20, choices=AccessLevel.choices, default=AccessLevel.VIEW
    )

    history = tracked()

    class Meta:
        verbose_name = _("requested system")
        verbose_name_plural = _("requested systems")
        constraints = [
            models.UniqueConstraint(fields=["request", "system"], name="request_system_once"),
        ]

    def __str__(self) -> str:
        return f"{self.system} — {self.get_access_level_display()}"


class PersonnelOrder(models.Model):
    """An order of dismissal or transfer whose e-copy HR sends to the responsible persons."""

    class Kind(models.TextChoices):
        DISMISSAL = "dismissal", _("Dismissal")
        TRANSFER = "transfer", _("Transfer")

    user = models.ForeignKey(
        "accounts.User",
        verbose_name=_("employee"),
        on_delete=models.PROTECT,
        related_name="personnel_orders",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    number = models.CharField(_("order number"), max_length=50)
    approved_on = models.DateField(_("approval date"))
    effective_on = models.DateField(_("effective date"))
    new_department = models.ForeignKey(
        Department,
        verbose_name=_("new department"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    new_position = models.ForeignKey(
        Position,
        verbose_name=_("new position"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    applied_at = models.DateTimeField(
        _("applied at"),
        null=True,
        blank=True,
        help_text=_("When the effective date was reached and the order took effect."),
    )

    history = tracked()

    class Meta:
        verbose_name = _("personnel order")
        verbose_name_plural = _("personnel orders")
        ordering = ["-approved_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(effective_on__gte=models.F("approved_on")),
                name="order_effective_not_before_approval",
                violation_error_message=_("The order cannot take effect before it is approved."),
            ),
        ]

    def __str__(self) -> str:
        return f"№{self.number} {self.get_kind_display()} — {self.user}"


class AccessGrant(models.Model):
    """One (user, system) task for the system's responsible persons, with its own deadline:
    open access after a visa (IS §3.5) or close it after a dismissal/transfer (IS §3.7)."""

    class Kind(models.TextChoices):
        GRANT = "grant", _("Open access")
        REVOKE = "revoke", _("Close access")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        DONE = "done", _("Done")
        REFUSED = "refused", _("Refused")
        KEPT = "kept", _("Kept (needed in the new position)")
        CANCELLED = "cancelled", _("Cancelled")

    user = models.ForeignKey(
        "accounts.User",
        verbose_name=_("user"),
        on_delete=models.PROTECT,
        related_name="access_grants",
    )
    system = models.ForeignKey(
        "registry.InformationSystem",
        verbose_name=_("information system"),
        on_delete=models.PROTECT,
        related_name="access_grants",
    )
    kind = models.CharField(_("task"), max_length=10, choices=Kind.choices, default=Kind.GRANT)
    access_level = models.CharField(
        _("requested level"), max_length=20, choices=AccessLevel.choices, default=AccessLevel.VIEW
    )
    granted_level = models.CharField(
        _("level given"), max_length=20, choices=AccessLevel.choices, blank=True
    )
    report_sections = models.ManyToManyField(
        "registry.ReportSection", verbose_name=_("report sections"), blank=True, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    request = models.ForeignKey(
        RegistrationRequest,
        verbose_name=_("registration request"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="grants",
    )
    order = models.ForeignKey(
        PersonnelOrder,
        verbose_name=_("personnel order"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="revocations",
    )
    due_at = models.DateTimeField(_("due"), db_index=True)
    reminded_at = models.DateTimeField(_("reminded at"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reason = models.TextField(_("reason"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    history = tracked()

    class Meta:
        verbose_name = _("access task")
        verbose_name_plural = _("access tasks")
        ordering = ["due_at", "id"]
        indexes = [
            models.Index(fields=["status", "due_at"], name="grant_status_due"),
            models.Index(fields=["system", "status"], name="grant_system_status"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "system", "kind"],
                condition=Q(status="pending"),
                name="one_open_access_task_per_user_system_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.user} — {self.system}"

    @property
    def is_overdue(self) -> bool:
        return self.status == self.Status.PENDING and self.due_at < timezone.now()


class AccountActivation(models.Model):
    """A one-time link sent to the personal e-mail to set the first password (A9: it expires
    with the 3-working-day deadline for the first password)."""

    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="activations")
    token_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField(_("expires at"))
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    created_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    history = tracked(excluded_fields=["token_hash"])

    class Meta:
        verbose_name = _("account activation")
        verbose_name_plural = _("account activations")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.user} ({self.expires_at:%Y-%m-%d})"


class AgreementVersion(models.Model):
    """The text of the agreement on electronic interaction (IS §6.2–6.5), versioned."""

    version = models.PositiveIntegerField(_("version"), unique=True)
    text_ky = models.TextField(_("text (Kyrgyz)"))
    text_ru = models.TextField(_("text (Russian)"))
    text_en = models.TextField(_("text (English)"))
    published_at = models.DateTimeField(_("in force from"), default=timezone.now)

    history = tracked()

    class Meta:
        verbose_name = _("agreement version")
        verbose_name_plural = _("agreement versions")
        ordering = ["-version"]

    def __str__(self) -> str:
        return f"v{self.version}"

    @property
    def text(self) -> str:
        return localized(self, "text")


class AgreementAcceptance(models.Model):
    user = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, related_name="agreement_acceptances"
    )
    version = models.ForeignKey(AgreementVersion, on_delete=models.PROTECT, related_name="+")
    accepted_at = models.DateTimeField(_("accepted at"), default=timezone.now)
    ip_address = models.GenericIPAddressField(_("network address"), null=True, blank=True)
    user_agent = models.CharField(_("user agent"), max_length=512, blank=True)

    history = tracked()

    class Meta:
        verbose_name = _("agreement acceptance")
        verbose_name_plural = _("agreement acceptances")
        ordering = ["-accepted_at"]
        constraints = [
            models.UniqueConstraint(fields=["user", "version"], name="accept_version_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user} — v{self.version.version}"


class AccessRestriction(models.Model):
    """A block set by an IS-responsible person (IS §6.7), always with its reason (the act)."""

    class Kind(models.TextChoices):
        ACCOUNT = "account", _("Account blocked")
        SYSTEM = "system", _("Information system forbidden")
        FUNCTION = "function", _("Function forbidden")

    user = models.ForeignKey(
        "accounts.User",
        verbose_name=_("user"),
        on_delete=models.PROTECT,
        related_name="restrictions",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    system = models.ForeignKey(
        "registry.InformationSystem",
        verbose_name=_("information system"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    function = models.CharField(_("function"), max_length=100, blank=True)
    reason = models.TextField(_("reason (act)"))
    created_by = models.ForeignKey(
        "accounts.User", verbose_name=_("set by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("set at"), default=timezone.now)
    lifted_at = models.DateTimeField(_("lifted at"), null=True, blank=True)
    lifted_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("lifted by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    lift_reason = models.TextField(_("reason for lifting"), blank=True)

    history = tracked()

    class Meta:
        verbose_name = _("access restriction")
        verbose_name_plural = _("access restrictions")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(reason=""),
                name="restriction_has_reason",
                violation_error_message=_("A restriction needs its reason."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.user}"

    @property
    def is_active(self) -> bool:
        return self.lifted_at is None


# =========================================================================== login security
# Password history (A9), and reports of unauthorized access (IS §5.4, §6.5; A12).


class PasswordHistory(models.Model):
    """Hashes of a user's previous passwords, so none of the last ones is reused (A9).

    Not tracked by simple-history on purpose: the rows are password hashes and are only ever
    added (and the oldest pruned); copying them into history would spread secrets.
    """

    user = models.ForeignKey(
        "accounts.User", on_delete=models.CASCADE, related_name="password_history"
    )
    password = models.CharField(max_length=128)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("previous password")
        verbose_name_plural = _("previous passwords")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "-created_at"], name="pwhistory_user_time")]

    def __str__(self) -> str:
        return f"{self.user_id} @ {self.created_at:%Y-%m-%d}"


class AccessIncident(models.Model):
    """A user's report that someone used their account or may know their password (A12)."""

    class Kind(models.TextChoices):
        ACCOUNT_USED = "account_used", _("Someone used my account")
        PASSWORD_KNOWN = "password_known", _("My password may be known to someone")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    user = models.ForeignKey(
        "accounts.User",
        verbose_name=_("reported by"),
        on_delete=models.PROTECT,
        related_name="access_incidents",
    )
    kind = models.CharField(_("what happened"), max_length=20, choices=Kind.choices)
    description = models.TextField(_("description"), blank=True)
    reported_at = models.DateTimeField(_("reported at"), default=timezone.now, db_index=True)
    ip_address = models.GenericIPAddressField(_("network address"), null=True, blank=True)
    recent_logins = models.JSONField(
        _("recent sign-ins"),
        default=list,
        blank=True,
        help_text=_("The sign-in history at the moment of the report."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    handled_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("handled by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    resolution = models.TextField(_("resolution note"), blank=True)

    history = tracked()

    class Meta:
        verbose_name = _("unauthorized-access report")
        verbose_name_plural = _("unauthorized-access reports")
        ordering = ["-reported_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.user} ({self.reported_at:%Y-%m-%d})"
