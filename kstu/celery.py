"""Celery application: Redis broker, late acknowledgement, beat schedule from settings."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kstu.settings")

app = Celery("kstu")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
