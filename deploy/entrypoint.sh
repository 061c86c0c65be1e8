#!/bin/sh
# Entrypoint of the KSTU IS image: the first argument names the process to run.
#
#   web      gunicorn on 0.0.0.0:8000 (WEB_CONCURRENCY workers, GUNICORN_TIMEOUT seconds)
#   worker   Celery worker (WORKER_CONCURRENCY processes)
#   beat     Celery beat (schedule file under KSTU_VAR_DIR, which should be a volume)
#   migrate  apply database migrations and exit
#   anything else is run as given, e.g. `python manage.py createsuperuser`
#
# Extra gunicorn options can be passed in GUNICORN_CMD_ARGS (read by gunicorn itself).
set -eu

cd "$(dirname "$0")/.."   # the application directory (/app in the image)

process="${1:-web}"
[ "$#" -gt 0 ] && shift

case "$process" in
  web)
    exec gunicorn kstu.wsgi:application \
      --bind 0.0.0.0:8000 \
      --workers "${WEB_CONCURRENCY:-3}" \
      --timeout "${GUNICORN_TIMEOUT:-60}" \
      --graceful-timeout 30 \
      --max-requests 1000 \
      --max-requests-jitter 100 \
      --worker-tmp-dir /dev/shm \
      --access-logfile - \
      --error-logfile - \
      "$@"
    ;;
  worker)
    exec celery -A kstu worker \
      --loglevel "${LOG_LEVEL:-INFO}" \
      --concurrency "${WORKER_CONCURRENCY:-2}" \
      --hostname "worker@%h" \
      "$@"
    ;;
  beat)
    exec celery -A kstu beat \
      --loglevel "${LOG_LEVEL:-INFO}" \
      --schedule "${KSTU_VAR_DIR:-/var/lib/kstu}/celerybeat-schedule" \
      "$@"
    ;;
  migrate)
    exec python manage.py migrate --noinput "$@"
    ;;
  *)
    exec "$process" "$@"
    ;;
esac
