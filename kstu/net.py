"""The one place that decides a request's client address.

Only a configured trusted proxy's header is believed (TRUSTED_PROXY_HEADER, e.g.
HTTP_X_FORWARDED_FOR set by our own nginx); otherwise REMOTE_ADDR. Lockout, network
restrictions and audit all use this helper.
"""

import ipaddress

from django.conf import settings


def client_ip(request) -> str | None:
    header = getattr(settings, "TRUSTED_PROXY_HEADER", "")
    candidate = None
    if header and request.META.get(header):
        hops = [h.strip() for h in request.META[header].split(",") if h.strip()]
        count = max(1, getattr(settings, "TRUSTED_PROXY_COUNT", 1))
        # The right-most entries were appended by our proxies; the one before them is the client.
        if hops:
            candidate = hops[-count] if len(hops) >= count else hops[0]
    if candidate is None:
        candidate = request.META.get("REMOTE_ADDR")
    try:
        return str(ipaddress.ip_address(candidate)) if candidate else None
    except ValueError:
        return None
