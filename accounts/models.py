"""Users, the university's organisational structure and positions."""

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
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
