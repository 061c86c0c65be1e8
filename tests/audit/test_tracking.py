"""Every model of every app keeps before/after history — or is exempt for a stated reason."""

from django.apps import apps
from simple_history.models import HistoricalChanges
from simple_history.models import registered_models as simple_history_registered

# label → why its rows need no before/after history of their own.
EXEMPT = {
    "admin.logentry": "Django admin's own action log; the audit trail covers the same changes",
    "auth.permission": "static rows created by migrations; grants are logged as events",
    "contenttypes.contenttype": "static rows created by migrations",
    "sessions.session": "short-lived session state; logins and logouts are logged as events",
    "authtoken.token": "holds a secret API key that must not be copied into history",
    "authtoken.tokenproxy": "proxy of authtoken.token",
    "audit.authevent": "is itself the append-only audit event log",
    "audit.auditseal": "is itself the append-only audit seal chain",
    "accounts.passwordhistory": "holds password hashes that must not be copied into history",
    "hr_edo.delivery": "per-recipient mail bookkeeping (thousands of rows per announcement); "
    "the announcement itself is tracked",
    "axes.accessattempt": "django-axes failure counter; locks and unlocks are logged as events",
    "axes.accessattemptexpiration": "django-axes counter expiry (unused: no cool-off time)",
    "axes.accessfailurelog": "django-axes append-only list of failed logins (also events)",
    "axes.accesslog": "django-axes login log (disabled; logins are logged as events)",
}


def _is_tracked(model) -> bool:
    return (
        any(
            getattr(h, "instance_type", None) is model
            for h in apps.get_models()
            if issubclass(h, HistoricalChanges)
        )
        or model in simple_history_registered.values()
        or hasattr(model, "history")
    )


def test_every_installed_model_is_tracked_or_exempt_with_a_reason():
    untracked = []
    for model in apps.get_models(include_auto_created=False):
        if issubclass(model, HistoricalChanges):
            continue
        label = model._meta.label_lower
        if label in EXEMPT:
            assert EXEMPT[label].strip(), f"{label} is exempt without a reason"
            continue
        if not _is_tracked(model):
            untracked.append(label)
    assert not untracked, (
        "These models have no history (add `history = tracked()` or an exempt reason): "
        + ", ".join(sorted(untracked))
    )


def test_exempt_list_names_only_models_that_exist():
    labels = {m._meta.label_lower for m in apps.get_models()}
    assert set(EXEMPT) <= labels


def test_role_changes_through_many_to_many_are_logged_as_events_not_history():
    from django.contrib.auth import get_user_model

    through = get_user_model().groups.through
    assert through._meta.auto_created  # covered by audit.receivers (GROUP_CHANGE events)
