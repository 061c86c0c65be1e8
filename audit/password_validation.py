"""A password "validator" whose only job is to log password changes.

Django calls ``password_changed`` on every configured validator after a user's new password
is saved (``AbstractBaseUser.save``), whatever view or command changed it.
"""

from audit.models import AuthEvent


class PasswordChangeAuditor:
    def validate(self, password, user=None):
        return None

    def password_changed(self, password, user=None):
        if user is None or user.pk is None:
            return
        from simple_history.models import HistoricalRecords

        from audit.services import event_record

        request = getattr(HistoricalRecords.context, "request", None)
        actor = getattr(request, "user", None) if request is not None else None
        by_self = actor is not None and getattr(actor, "pk", None) == user.pk
        event_record(
            action=AuthEvent.Action.PASSWORD_CHANGE,
            request=request,
            user=user,
            details={
                "by": "self"
                if by_self
                else (actor.get_username() if actor and actor.is_authenticated else "system")
            },
        )

    def get_help_text(self):
        return ""
