"""The user's own profile: details, restrictions in force, self-service changes (A4)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import Resolver404, resolve
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from accounts.forms_profile import ProfileForm
from accounts.roles import role_label
from accounts.selectors import user_profile_get
from accounts.selectors_profile import restrictions_active_for_user
from accounts.services.profile import profile_update


@never_cache
@login_required
def profile(request):
    user = user_profile_get(user_id=request.user.pk)
    return render(
        request,
        "accounts/profile.html",
        {
            "profile": user,
            "role_names": [role_label(code) for code in sorted(user.role_codes)],
            "restrictions": restrictions_active_for_user(user=user),
        },
    )


def _set_language_cookie(response, language: str) -> None:
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )


@never_cache
@login_required
def profile_edit(request):
    user = user_profile_get(user_id=request.user.pk)
    if request.method == "POST":
        form = ProfileForm(request.POST, instance=user)
        if form.is_valid():
            try:
                changed = profile_update(actor=request.user, user=user, data=form.cleaned_data)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                language = form.cleaned_data["preferred_language"]
                if "preferred_language" in changed:
                    translation.activate(language)  # the message below in the new language
                if changed:
                    messages.success(request, _("Your profile is saved."))
                else:
                    messages.info(request, _("Nothing was changed."))
                response = redirect("accounts:profile")
                if "preferred_language" in changed:
                    _set_language_cookie(response, language)
                return response
    else:
        form = ProfileForm(instance=user)
    return render(
        request,
        "accounts/profile_edit.html",
        {"form": form, "profile": user, "register_url": _registration_url()},
    )


REGISTRATION_PATH = "/accounts/register/"


def _registration_url() -> str:
    """The new-request page, when the registration module provides it."""
    try:
        resolve(REGISTRATION_PATH)
    except Resolver404:
        return ""
    return REGISTRATION_PATH
