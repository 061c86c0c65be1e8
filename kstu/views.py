"""Project-level views: the dashboard and the health check."""

import logging

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from accounts.roles import role_label
from kstu.dashboard import dashboard_sections

logger = logging.getLogger(__name__)


@login_required
def dashboard(request):
    user = request.user
    return render(
        request,
        "dashboard.html",
        {
            "sections": dashboard_sections(user),
            "role_names": [role_label(code) for code in sorted(user.role_codes)],
        },
    )


def _check_database() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:  # noqa: BLE001 - any failure means "down"
        logger.warning("healthz: database check failed", exc_info=True)
        return False


def _check_redis() -> bool:
    from django.core.cache import cache

    try:
        client = cache._cache.get_client()  # the redis-py client behind Django's RedisCache
        return bool(client.ping())
    except Exception:  # noqa: BLE001
        logger.warning("healthz: redis check failed", exc_info=True)
        return False


def _check_worker() -> bool:
    from kstu.celery import app

    try:
        return bool(app.control.ping(timeout=1.0))
    except Exception:  # noqa: BLE001
        logger.warning("healthz: celery check failed", exc_info=True)
        return False


@never_cache
@require_GET
def healthz(request):
    checks = {"database": _check_database(), "redis": _check_redis()}
    checks["worker"] = _check_worker() if checks["redis"] else False
    healthy = all(checks.values())
    body = {
        "status": "ok" if healthy else "degraded",
        **{name: ("up" if ok else "down") for name, ok in checks.items()},
    }
    return JsonResponse(body, status=200 if healthy else 503)
