"""The EDO outage banner on every page (REQUIREMENTS B7).

The active outage (or its absence) is cached for 30 s in the shared cache; the outage services
clear the key when they commit, so a declaration shows up on the next page.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from django.core.cache import cache
from django.utils import timezone

BISHKEK = ZoneInfo("Asia/Bishkek")

_NONE = "none"


def outage_banner(request) -> dict:
    from hr_edo.services.outage import BANNER_CACHE_KEY, BANNER_CACHE_SECONDS, active_outage

    state = cache.get(BANNER_CACHE_KEY)
    if state is None:
        outage = active_outage()
        state = (
            {
                "id": outage.pk,
                "reason": outage.reason,
                "started_at": outage.started_at,
                "expected_end_at": outage.expected_end_at,
            }
            if outage is not None
            else _NONE
        )
        cache.set(BANNER_CACHE_KEY, state, BANNER_CACHE_SECONDS)
    if state == _NONE:
        return {"edo_outage": None}
    from hr_edo.models import Outage

    return {
        "edo_outage": {
            **state,
            "reason_display": Outage.Reason(state["reason"]).label,
            # Always Asia/Bishkek, whatever time zone a request activated.
            "expected_end_local": timezone.localtime(state["expected_end_at"], BISHKEK).strftime(
                "%d.%m.%Y %H:%M"
            ),
        }
    }
