from django.conf import settings

from kstu.navigation import navigation_for


def site(request):
    user = getattr(request, "user", None)
    return {
        "SITE_URL": settings.SITE_URL,
        "nav_items": navigation_for(user) if user is not None else [],
    }
