"""The append-only event log and the seals that chain audit rows together.

Row-level before/after history of every model lives in the ``Historical*`` tables made by
django-simple-history (see ``kstu.history``). This app adds:

* ``AuthEvent`` — logins, failed logins, logouts, lockouts, unlocks, password changes and
  resets, group/permission changes, signatures, views of another person's personal data;
* ``AuditSeal`` — a periodic hash over each new batch of audit rows, chained to the previous
  seal, so ``manage.py audit_verify`` can prove nothing was altered.

PostgreSQL triggers (``audit.triggers``) refuse UPDATE and DELETE on all of these tables.
"""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class AuthEvent(models.Model):
    class Action(models.TextChoices):
        LOGIN = "login", pgettext_lazy("audit event", "Login")
        LOGIN_FAILED = "login_failed", _("Failed login")
        LOGOUT = "logout", _("Logout")
        LOCKOUT = "lockout", _("Account locked")
        UNLOCK = "unlock", _("Account unlocked")
        PASSWORD_CHANGE = "password_change", _("Password changed")
        PASSWORD_RESET = "password_reset", _("Password reset")
        PASSWORD_RESET_REQUEST = "password_reset_request", _("Password reset requested")
        GROUP_CHANGE = "group_change", _("Roles changed")
        PERMISSION_CHANGE = "permission_change", _("Permissions changed")
        SIGNATURE = "signature", _("Document signed")
        PERSONAL_DATA_VIEW = "personal_data_view", _("Personal data viewed")
        ACCOUNT_BLOCK = "account_block", _("Account blocked by an act")
        ACCOUNT_UNBLOCK = "account_unblock", _("Account unblocked")
        INCIDENT_REPORT = "incident_report", _("Unauthorized access reported")
        CERTIFICATE_ISSUE = "certificate_issue", _("Certificate issued")
        CERTIFICATE_REVOKE = "certificate_revoke", _("Certificate revoked")
        KEY_COMPROMISE = "key_compromise", _("Key loss or compromise reported")
        COPY_ISSUE = "copy_issue", _("Copies of documents issued")
        DOCUMENTS_EXPORT = "documents_export", _("Documents exported")
        RETENTION_DECISION = "retention_decision", _("Retention decision")

    occurred_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    action = models.CharField(_("action"), max_length=32, choices=Action.choices, db_index=True)
    # The acting user as a plain id: the log must survive the account (no cascading UPDATE).
    user_id = models.BigIntegerField(_("user id"), null=True, blank=True, db_index=True)
    username = models.CharField(
        _("login"), max_length=150, blank=True, help_text=_("The login used or tried.")
    )
    ip_address = models.GenericIPAddressField(_("network address"), null=True, blank=True)
    user_agent = models.CharField(_("user agent"), max_length=512, blank=True)
    target_type = models.CharField(_("object type"), max_length=100, blank=True)
    target_id = models.CharField(_("object id"), max_length=64, blank=True)
    target_repr = models.CharField(_("object"), max_length=255, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["user_id", "-occurred_at"], name="audit_event_user_time"),
            models.Index(fields=["target_type", "target_id"], name="audit_event_target"),
        ]
        default_permissions = ("view",)
        permissions = [("browse_audit", _("Can browse the audit log of every record"))]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M:%S} {self.get_action_display()} {self.username}"

    @property
    def details_text(self) -> str:
        def show(value):
            return ", ".join(map(str, value)) if isinstance(value, list) else str(value)

        return "; ".join(f"{key}: {show(value)}" for key, value in sorted(self.details.items()))


class AuditSeal(models.Model):
    """A hash over the audit rows added since the previous seal, chained to it.

    ``ranges`` maps each sealed table to ``[first_id, last_id]`` of the rows this seal covers;
    ``digests`` maps it to ``"id:digest"`` of each covered row, in id order, so a check can
    name the first row that changed, vanished or appeared; ``columns`` records which columns
    were hashed (so adding a column to a history table later does not break old digests).
    ``hash`` covers the previous seal's hash, the ranges, the columns and all digests.
    """

    created_at = models.DateTimeField(_("sealed at"), default=timezone.now)
    previous_hash = models.CharField(_("previous seal hash"), max_length=64, blank=True)
    hash = models.CharField(_("seal hash"), max_length=64, unique=True)
    ranges = models.JSONField(_("ranges"), default=dict)
    digests = models.JSONField(_("row digests"), default=dict)
    columns = models.JSONField(_("sealed columns"), default=dict)
    row_count = models.PositiveIntegerField(_("rows"), default=0)

    class Meta:
        verbose_name = _("audit seal")
        verbose_name_plural = _("audit seals")
        ordering = ["id"]
        default_permissions = ("view",)

    def __str__(self) -> str:
        return f"#{self.pk} {self.created_at:%Y-%m-%d %H:%M} ({self.row_count})"


# Models of Django and of libraries that carry rights: their before/after history is kept in
# this app (django-simple-history's ``register`` places the Historical* tables here).
def _register_library_models() -> None:
    from django.contrib.auth.models import Group
    from guardian.models import GroupObjectPermission, UserObjectPermission
    from simple_history import register

    from kstu.history import ProjectHistoricalRecords, history_options

    for model in (Group, UserObjectPermission, GroupObjectPermission):
        register(model, app="audit", records_class=ProjectHistoricalRecords, **history_options())


_register_library_models()
