"""The agreement on electronic interaction comes before anything else (IS §6.2–6.5, A13)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.services.agreement import agreement_current_version_number, agreement_has_accepted

SESSION_KEY = "agreement_accepted"  # "<user pk>:<version number>" accepted in this session

# Paths a signed-in user reaches before accepting: leaving, changing the language, the
# first-password (activation) pages and machine endpoints.
EXEMPT_PREFIXES = ("/accounts/activate/",)
API_PREFIX = "/api/"


class AgreementRequiredMiddleware:
    """Send a signed-in user who has not accepted the version in force to the agreement page.

    Cost per request: the current version number comes from the cache (one query a minute),
    and the acceptance is remembered in the session, so a user who accepted it costs no
    query; the database is asked again only when a new version comes into force.
    The API answers 403 with a JSON body instead of a redirect.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._must_accept(request):
            if request.path.startswith(API_PREFIX):
                return JsonResponse(
                    {
                        "detail": _(
                            "Accept the agreement on electronic interaction in the web "
                            "interface first."
                        )
                    },
                    status=403,
                )
            url = reverse("accounts:agreement")
            if request.method == "GET":
                url += "?" + urlencode({"next": request.get_full_path()})
            return HttpResponseRedirect(url)
        return self.get_response(request)

    def _must_accept(self, request) -> bool:
        if not getattr(settings, "KSTU_REQUIRE_AGREEMENT", True):
            return False
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or self._exempt(request.path):
            return False
        current = agreement_current_version_number()
        if current is None:
            return False
        marker = f"{user.pk}:{current}"
        if request.session.get(SESSION_KEY) == marker:
            return False
        if agreement_has_accepted(user=user, version_number=current):
            request.session[SESSION_KEY] = marker
            return False
        return True

    @staticmethod
    def _exempt(path: str) -> bool:
        # KSTU_AGREEMENT_EXEMPT_PREFIXES: pages another gate sends the user to first (e.g. the
        # forced first-password change), so that two gates never redirect to each other.
        extra = tuple(getattr(settings, "KSTU_AGREEMENT_EXEMPT_PREFIXES", ()))
        always = tuple(settings.KSTU_ALWAYS_REACHABLE_PREFIXES)
        if path.startswith((*always, *EXEMPT_PREFIXES, *extra, settings.STATIC_URL)):
            return True
        return path in (reverse("accounts:agreement"), reverse("logout"))


def agreement_remember_accepted(request, *, version_number: int) -> None:
    """Called by the agreement page after acceptance, so the next request costs no query."""
    request.session[SESSION_KEY] = f"{request.user.pk}:{version_number}"
