# KSTU IS production image. One image runs every process of the system; the first argument
# picks which (deploy/entrypoint.sh): web (gunicorn, the default), worker, beat, migrate, or any
# other command. PostgreSQL and Redis are separate services (docker-compose.yml): the image
# installs neither the embedded servers (`[embedded]` extra) nor the test tools (`[dev]`).

FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_ROOT_USER_ACTION=ignore \
    DJANGO_SETTINGS_MODULE=kstu.settings \
    KSTU_VAR_DIR=/var/lib/kstu \
    PRIVATE_MEDIA_ROOT=/var/lib/kstu/media \
    STATIC_ROOT=/app/staticfiles

# Run-time libraries WeasyPrint loads for PDF output (Pango, HarfBuzz, fontconfig) and a font
# with Cyrillic (Kyrgyz ң ө ү) and Latin; tzdata for TIME_ZONE = Asia/Bishkek.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 \
        libpangoft2-1.0-0 \
        libharfbuzz0b \
        libharfbuzz-subset0 \
        libfontconfig1 \
        fonts-dejavu-core \
        tzdata \
    && rm -rf /var/lib/apt/lists/*

# An unprivileged user owns only the data directory; the code stays root-owned and read-only.
RUN groupadd --system --gid 10001 kstu \
    && useradd --system --uid 10001 --gid kstu --home-dir /var/lib/kstu --no-create-home \
        --shell /usr/sbin/nologin kstu \
    && install -d -o kstu -g kstu -m 0750 /var/lib/kstu /var/lib/kstu/media

WORKDIR /app

# Dependencies first (cached until pyproject.toml / constraints.txt change). The project
# declares no importable packages of its own (`packages = []`): this installs the pinned
# dependencies; the source is copied next.
COPY pyproject.toml constraints.txt README.md ./
RUN pip install -c constraints.txt . \
    && rm -rf build ./*.egg-info

COPY . .

# Compiled catalogues (polib, no GNU gettext) and the static files WhiteNoise serves.
# Settings need a SECRET_KEY with DEBUG off, and start embedded servers only when
# DATABASE_URL / REDIS_URL are unset; nothing connects at import, so dummy values are enough.
# They exist only in this RUN step, never in the image's environment.
RUN chmod 0755 deploy/entrypoint.sh \
    && python -m kstu.compilemessages \
    && DEBUG=0 \
       SECRET_KEY=build-only-dummy-key-not-used-at-run-time-0123456789abcdef \
       DATABASE_URL=postgres://build@localhost/build \
       REDIS_URL=redis://localhost:6379/0 \
       python manage.py collectstatic --noinput \
    && python -m compileall -q /app

# Uploaded files (PRIVATE_MEDIA_ROOT) belong on a volume: docker-compose.yml mounts one.
# HOME is the writable data directory (gunicorn keeps its control socket under $HOME).
ENV HOME=/var/lib/kstu
USER 10001:10001

EXPOSE 8000

# The web container is healthy when gunicorn answers and the web tier's own dependencies
# (PostgreSQL, Redis) are up. /healthz also reports the Celery worker and returns 503 while it
# is down; a worker outage must not mark the web container unhealthy (an orchestrator would
# restart a working web tier), so deploy/healthcheck.py reads the JSON body instead of the
# status code. /healthz is exempt from the HTTPS redirect, which /login/ is not.
# docker-compose.yml gives the worker its own check and disables this one for beat/migrate.
HEALTHCHECK --interval=30s --timeout=10s --start-period=30s --retries=3 \
    CMD ["python", "/app/deploy/healthcheck.py"]

ENTRYPOINT ["/app/deploy/entrypoint.sh"]
CMD ["web"]
