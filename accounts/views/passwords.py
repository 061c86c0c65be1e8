"""Password change, "forgot password" and the user's sessions (A8, A9, A10)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from accounts.forms_passwords import ChangePasswordForm, NewPasswordForm, PasswordResetRequestForm
from accounts.services.passwords import (
    ResetRateLimited,
    password_change,
    password_reset_complete,
    password_reset_request,
)
from accounts.services.sessions import sessions_end_all, sessions_for_user

RESET_LOCKED_SESSION_KEY = "_password_reset_still_locked"


def _safe_next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        if not target.startswith(reverse("accounts:password_change")):
            return target
    return reverse("dashboard")


# --------------------------------------------------------------------------- change (A9)


@sensitive_post_parameters()
@never_cache
@login_required
def password_change_view(request):
    user = request.user
    next_url = _safe_next(request)
    if request.method == "POST":
        form = ChangePasswordForm(user, request.POST)
        if form.is_valid():
            user = password_change(
                user=user,
                form=form,
                keep_session_key=request.session.session_key,
                request=request,
            )
            update_session_auth_hash(request, user)
            messages.success(
                request,
                _("Your password is changed. Your other sessions were ended."),
            )
            return redirect(next_url)
    else:
        form = ChangePasswordForm(user)
    return render(
        request,
        "accounts/passwords/change.html",
        {"form": form, "next": next_url, "forced": user.must_change_password},
    )


# --------------------------------------------------------------------------- reset (A8)


@sensitive_post_parameters()
@never_cache
def password_reset_view(request):
    if request.method == "POST":
        form = PasswordResetRequestForm(request.POST)
        if form.is_valid():
            try:
                password_reset_request(identifier=form.cleaned_data["login"], request=request)
            except ResetRateLimited:
                form.add_error(
                    None,
                    _("Too many requests from your network address. Try again in an hour."),
                )
                return render(
                    request, "accounts/passwords/reset_request.html", {"form": form}, status=429
                )
            return redirect("accounts:password_reset_done")
    else:
        form = PasswordResetRequestForm()
    return render(request, "accounts/passwords/reset_request.html", {"form": form})


def password_reset_done_view(request):
    valid_hours = max(1, settings.PASSWORD_RESET_TIMEOUT // 3600)
    return render(request, "accounts/passwords/reset_done.html", {"valid_hours": valid_hours})


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Django's confirm view (the token leaves the address bar before the form is shown);
    saving goes through ``password_reset_complete``, which ends every session and does not
    lift a lock after failed logins."""

    form_class = NewPasswordForm
    template_name = "accounts/passwords/reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")
    post_reset_login = False

    def form_valid(self, form):
        _user, locked = password_reset_complete(form=form, request=self.request)
        self.request.session.pop(auth_views.INTERNAL_RESET_SESSION_TOKEN, None)
        self.request.session[RESET_LOCKED_SESSION_KEY] = locked
        return redirect(self.success_url)


def password_reset_complete_view(request):
    locked = request.session.pop(RESET_LOCKED_SESSION_KEY, False)
    return render(request, "accounts/passwords/reset_complete.html", {"locked": locked})


# --------------------------------------------------------------------------- sessions (A10)


@never_cache
@login_required
def sessions_view(request):
    sessions = sessions_for_user(user=request.user, current_session_key=request.session.session_key)
    return render(
        request,
        "accounts/passwords/sessions.html",
        {"sessions": sessions, "idle_minutes": max(1, settings.SESSION_COOKIE_AGE // 60)},
    )


@never_cache
@require_POST
@login_required
def sessions_end_all_view(request):
    """ "Log out everywhere": every session of the user ends, this one included."""
    sessions_end_all(user=request.user)
    logout(request)
    messages.success(request, _("You are signed out on every device."))
    return redirect("login")
