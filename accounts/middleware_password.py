"""The duty to change a password (IS §5.1, REQUIREMENTS A9, A12).

* ``must_change_password`` (an initial password, or a compromise report): a signed-in user is
  sent to the password-change page before anything else; the API answers 403 with JSON.
* The initial password was not replaced by ``password_change_deadline`` (end of the 3rd
  working day): the account cannot be used with it. The user is signed out — also right after
  the login form signs them in — and told to ask the IS-responsible for a new activation.

It also notes each session's browser and address on its first request, for the "my sessions"
page (``accounts.services.sessions``).
"""

from __future__ import annotations

import contextlib
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.services.passwords import first_password_expired
from accounts.services.sessions import SESSION_CLIENT_KEY
from kstu.net import client_ip

API_PREFIX = "/api/"
# Reachable while a change is due: leaving, the language switch, machine endpoints.
EXEMPT_PREFIXES = ("/i18n/", "/healthz")


class PasswordPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self._exempt_paths: frozenset[str] | None = None

    def __call__(self, request):
        user = getattr(request, "user", None)
        signed_in_before = bool(user is not None and user.is_authenticated)
        if signed_in_before:
            self._note_client(request)
            if first_password_expired(user):
                return self._refuse_expired(request)
            if user.must_change_password and not self._exempt(request.path):
                return self._send_to_change(request)
        response = self.get_response(request)
        # The login view signs the user in during this very request.
        user = getattr(request, "user", None)
        if not signed_in_before and user is not None and user.is_authenticated:
            if first_password_expired(user):
                return self._refuse_expired(request)
        return response

    # ----------------------------------------------------------------- helpers

    def _exempt(self, path: str) -> bool:
        always = tuple(settings.KSTU_ALWAYS_REACHABLE_PREFIXES)
        if path.startswith((*always, *EXEMPT_PREFIXES, settings.STATIC_URL)):
            return True
        if self._exempt_paths is None:
            names = ["logout", "accounts:password_change"]
            paths = {reverse(name) for name in names}
            # The agreement page comes first when both are due (its middleware would otherwise
            # send the user back and forth between the two pages).
            with contextlib.suppress(NoReverseMatch):
                paths.add(reverse("accounts:agreement"))
            self._exempt_paths = frozenset(paths)
        return path in self._exempt_paths

    @staticmethod
    def _note_client(request) -> None:
        session = getattr(request, "session", None)
        if session is None or SESSION_CLIENT_KEY in session:
            return
        session[SESSION_CLIENT_KEY] = {
            "ip": client_ip(request) or "",
            "agent": request.META.get("HTTP_USER_AGENT", "")[:300],
            "since": timezone.now().isoformat(),
        }

    @staticmethod
    def _send_to_change(request):
        if request.path.startswith(API_PREFIX):
            return JsonResponse(
                {"detail": _("Change your password in the web interface first.")}, status=403
            )
        url = reverse("accounts:password_change")
        if request.method == "GET":
            url += "?" + urlencode({"next": request.get_full_path()})
        return HttpResponseRedirect(url)

    @staticmethod
    def _refuse_expired(request):
        logout(request)
        message = _(
            "Your initial password has expired: it had to be changed within 3 working days. "
            "Ask the IS-responsible person to issue a new activation."
        )
        if request.path.startswith(API_PREFIX):
            return JsonResponse({"detail": message}, status=403)
        return render(
            request,
            "accounts/passwords/first_password_expired.html",
            {"message": message},
            status=403,
        )
