"""Docker HEALTHCHECK of the web container: is gunicorn serving, with its database and Redis?

GET /healthz on the local gunicorn. That view also pings the Celery worker and answers 503
while no worker responds; the worker is a separate container with its own health check, so a
worker outage must not make the web container "unhealthy". Healthy here means: gunicorn
answered 200 or 503 with the health JSON, and it reports the database and Redis as up.

/healthz is exempt from the HTTPS redirect (SECURE_REDIRECT_EXEMPT), so the check works over
plain HTTP inside the container. The Host header is the first ALLOWED_HOSTS entry, because
Django rejects any other host with 400.

Exit code 0 = healthy, 1 = unhealthy (Docker's convention). Standard library only.
"""

from __future__ import annotations

import http.client
import json
import os
import sys

PORT = 8000


def _host() -> str:
    hosts = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "").split(",") if h.strip()]
    if not hosts or hosts[0] == "*":
        return "localhost"
    return hosts[0].lstrip(".")  # ".kstu.kg" allows kstu.kg and its subdomains


def main() -> int:
    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=8)
    try:
        conn.request("GET", "/healthz", headers={"Host": _host(), "Accept": "application/json"})
        response = conn.getresponse()
        body = response.read()
    except OSError as exc:
        print(f"unhealthy: no answer from gunicorn ({exc})")
        return 1
    finally:
        conn.close()
    if response.status not in (200, 503):
        print(f"unhealthy: /healthz answered HTTP {response.status}")
        return 1
    try:
        checks = json.loads(body)
    except ValueError:
        print("unhealthy: /healthz did not answer JSON")
        return 1
    down = [name for name in ("database", "redis") if checks.get(name) != "up"]
    if down:
        print(f"unhealthy: {', '.join(down)} down")
        return 1
    print(f"healthy (worker {checks.get('worker', 'unknown')})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
