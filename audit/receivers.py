"""Hooks into Django's own auth signals: the events Django raises, written to the event log.

These are the only places the framework tells us about logins and m2m role changes; the
work itself is one call to ``audit.services.event_record``.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import m2m_changed
from django.dispatch import receiver

from audit.models import AuthEvent
from audit.services import event_record

_CREDENTIAL_KEYS = ("username", "login", "email")


@receiver(user_logged_in, dispatch_uid="audit.login")
def _on_login(sender, request, user, **kwargs):
    event_record(action=AuthEvent.Action.LOGIN, request=request, user=user)


@receiver(user_logged_out, dispatch_uid="audit.logout")
def _on_logout(sender, request, user, **kwargs):
    if user is not None:
        event_record(action=AuthEvent.Action.LOGOUT, request=request, user=user)


@receiver(user_login_failed, dispatch_uid="audit.login_failed")
def _on_login_failed(sender, credentials, request=None, **kwargs):
    # Django already replaces the password in ``credentials`` with stars; keep only the login.
    tried = next((str(credentials[k]) for k in _CREDENTIAL_KEYS if credentials.get(k)), "")
    event_record(action=AuthEvent.Action.LOGIN_FAILED, request=request, username=tried[:150])


def _actor_and_request():
    from simple_history.models import HistoricalRecords

    request = getattr(HistoricalRecords.context, "request", None)
    actor = getattr(request, "user", None) if request is not None else None
    return actor, request


def _names(model, pk_set):
    if not pk_set:
        return []
    if model is Group:
        return sorted(Group.objects.filter(pk__in=pk_set).values_list("name", flat=True))
    return sorted(
        f"{app}.{code}"
        for app, code in model.objects.filter(pk__in=pk_set).values_list(
            "content_type__app_label", "codename"
        )
    )


def _on_m2m(action_code, instance, action, model, pk_set, reverse):
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    actor, request = _actor_and_request()
    details = {"change": action.removeprefix("post_")}
    if action != "post_clear":
        details["items"] = _names(model, pk_set) if not reverse else sorted(map(str, pk_set))
    event_record(
        action=action_code,
        request=request,
        user=actor,
        target=instance,
        details=details,
    )


@receiver(m2m_changed, sender=get_user_model().groups.through, dispatch_uid="audit.groups")
def _on_groups(sender, instance, action, reverse, model, pk_set, **kwargs):
    _on_m2m(AuthEvent.Action.GROUP_CHANGE, instance, action, model, pk_set, reverse)


@receiver(
    m2m_changed,
    sender=get_user_model().user_permissions.through,
    dispatch_uid="audit.user_permissions",
)
def _on_user_permissions(sender, instance, action, reverse, model, pk_set, **kwargs):
    _on_m2m(AuthEvent.Action.PERMISSION_CHANGE, instance, action, model, pk_set, reverse)


@receiver(m2m_changed, sender=Group.permissions.through, dispatch_uid="audit.group_permissions")
def _on_group_permissions(sender, instance, action, reverse, model, pk_set, **kwargs):
    _on_m2m(AuthEvent.Action.PERMISSION_CHANGE, instance, action, model, pk_set, reverse)
