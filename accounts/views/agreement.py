"""The agreement on electronic interaction page (IS §6.2–6.5, A13)."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from accounts.forms_profile import AgreementAcceptForm
from accounts.middleware import agreement_remember_accepted
from accounts.services.agreement import (
    agreement_accept,
    agreement_acceptance_get,
    agreement_current_version,
)


def _safe_next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if (
        target
        and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
        and not target.startswith(reverse("accounts:agreement"))
    ):
        return target
    return reverse("dashboard")


@never_cache
@login_required
def agreement_view(request):
    version = agreement_current_version()
    next_url = _safe_next(request)
    if version is None:
        return redirect(next_url)
    acceptance = agreement_acceptance_get(user=request.user, version=version)
    if request.method == "POST":
        form = AgreementAcceptForm(request.POST)
        if form.is_valid():
            if form.cleaned_data["version"] != version.version:
                messages.error(
                    request,
                    _("A new version of the agreement came into force: read it and accept it."),
                )
                return redirect(f"{reverse('accounts:agreement')}?{urlencode({'next': next_url})}")
            try:
                agreement_accept(user=request.user, version=version, request=request)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                agreement_remember_accepted(request, version_number=version.version)
                messages.success(request, _("Thank you: the agreement is accepted."))
                return redirect(next_url)
    else:
        form = AgreementAcceptForm(initial={"version": version.version})
    return render(
        request,
        "accounts/agreement/agreement.html",
        {"version": version, "acceptance": acceptance, "form": form, "next": next_url},
    )
