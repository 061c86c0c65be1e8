"""Crash test: a REAL Celery worker sends an announcement through a real local SMTP server, is
killed (SIGKILL) with a message in flight, a new worker resumes — nobody is mailed twice and every
delivery ends SENT."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import signal
import socket
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from hr_edo.models import Announcement, Delivery, Outage
from kstu.celery import app
from tests.hr_edo.test_outage_support import SinkHandler, SmtpSink, bulk_employees, wait_until
from tests.kstu.test_celery_worker import _database_url, _wait_for, _Worker

N = 300


@pytest.fixture(autouse=True)
def _celery_eager():
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = False
    yield
    app.conf.task_always_eager = previous


@contextlib.contextmanager
def _worker(workdir: Path, smtp_port: int):
    log = workdir / f"worker-{uuid.uuid4().hex[:6]}.log"
    hostname = f"kstu-outage-{uuid.uuid4().hex[:8]}@{socket.gethostname()}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "kstu.settings",
        "DATABASE_URL": _database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "KSTU_VAR_DIR": str(settings.VAR_DIR),
        "DEBUG": "1",
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_port),
        "EMAIL_USE_TLS": "0",
        "EMAIL_USE_SSL": "0",
        "EMAIL_HOST_USER": "",
        "EMAIL_HOST_PASSWORD": "",
        "CELERY_TASK_ALWAYS_EAGER": "0",
    }
    with log.open("wb") as log_file:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "kstu",
                "worker",
                "--pool",
                "solo",
                "--concurrency",
                "1",
                "-l",
                "INFO",
                "--without-gossip",
                "--without-mingle",
                "--hostname",
                hostname,
            ],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
    worker = _Worker(proc, hostname, log, workdir)
    try:
        _wait_for(worker.answers_ping, "the worker to answer a ping", worker)
        yield worker
    finally:
        worker.stop()


@pytest.mark.django_db(transaction=True)
def test_killed_worker_resumes_without_duplicates(make_user, tmp_path):
    from accounts import roles
    from hr_edo.services.outage import outage_declare
    from hr_edo.tasks import resume_announcements

    hr = make_user("hr_crash", roles=[roles.HR_OFFICER])
    bulk_employees(N - 1, prefix="crash")
    handler = SinkHandler(delay=0.01)
    handler.gate_after = 120  # the 121st message blocks in DATA: it is in flight when we kill
    with SmtpSink(handler) as sink:
        app.control.purge()
        with _worker(tmp_path, sink.port) as first:
            with transaction.atomic():
                outage = outage_declare(
                    actor=hr,
                    reason=Outage.Reason.FAILURE,
                    details="",
                    expected_end_at=timezone.now() + dt.timedelta(hours=2),
                )
            # the declaration enqueued send_announcement on commit; the worker picks it up
            wait_until(handler.blocked.is_set, 60, "the worker to reach the 121st message")
            os.kill(first.proc.pid, signal.SIGKILL)
            first.proc.wait(timeout=10)
        handler.gate.set()  # the in-flight message's client is gone: the sink drops it
        announcement = Announcement.objects.get(outage=outage)
        statuses = dict(
            Delivery.objects.filter(announcement=announcement)
            .values_list("status")
            .annotate(n=Count("id"))
            .values_list("status", "n")
        )
        assert statuses.get(Delivery.Status.SENT) == 120
        assert statuses.get(Delivery.Status.SENDING, 0) > 0  # the dead worker's claim
        # The claim timeout passes (simulated: the claims are aged past CLAIM_TIMEOUT).
        Delivery.objects.filter(status=Delivery.Status.SENDING).update(
            claimed_at=timezone.now() - dt.timedelta(hours=1)
        )
        handler.gate_after = None
        with _worker(tmp_path, sink.port) as second:
            resume_announcements.delay()  # what the beat does every minute
            _wait_for(
                lambda: (
                    not Delivery.objects.filter(announcement=announcement)
                    .exclude(status=Delivery.Status.SENT)
                    .exists()
                ),
                "every delivery to be SENT",
                second,
                timeout=120,
            )
        counts = handler.counts()
    assert len(counts) == N
    assert max(counts.values()) == 1, [a for a, c in counts.items() if c > 1]
    assert Delivery.objects.filter(announcement=announcement, status="sent").count() == N
