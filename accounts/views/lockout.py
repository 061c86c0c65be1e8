"""The IS-responsible person's page of locked accounts and its unlock action (IS §5.7)."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts.services.lockout import account_unlock, can_unlock, locked_account_list


class UnlockForm(forms.Form):
    username = forms.CharField(max_length=255)
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=1000)


def _render(request, *, form=None, status=200):
    errors = []
    if form is not None:
        errors = [str(e) for field_errors in form.errors.values() for e in field_errors]
    return render(
        request,
        "accounts/lockout/list.html",
        {
            "locked": locked_account_list(actor=request.user),
            "failure_limit": settings.AXES_FAILURE_LIMIT,
            "form_username": form.data.get("username") if form is not None else None,
            "form_errors": errors,
        },
        status=status,
    )


@never_cache
@login_required
def locked_list_view(request):
    if not can_unlock(request.user):
        raise PermissionDenied
    return _render(request)


@never_cache
@login_required
@require_POST
def unlock_view(request):
    if not can_unlock(request.user):
        raise PermissionDenied
    form = UnlockForm(request.POST)
    if form.is_valid():
        username = form.cleaned_data["username"]
        try:
            account_unlock(
                actor=request.user,
                username=username,
                reason=form.cleaned_data["reason"],
                request=request,
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, errors in error.error_dict.items():
                    for item in errors:
                        form.add_error(field if field in form.fields else None, item)
            else:
                form.add_error(None, error)
        else:
            messages.success(
                request, _("The account %(login)s has been unlocked.") % {"login": username}
            )
            return redirect("accounts:lockout-list")
    return _render(request, form=form, status=400)
