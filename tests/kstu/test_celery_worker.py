"""A real Celery worker process on the test database and the test Redis.

The worker is started once for this module (it takes a few seconds); every test talks to it
through the broker exactly as the web process does in production.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import email
import email.policy
import os
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.urls import reverse

from kstu.celery import app
from kstu.mail import send_mail_on_commit
from kstu.tasks import HEARTBEAT_KEY, heartbeat
from kstu.views import _check_worker

BASE_DIR = Path(settings.BASE_DIR)
WAIT_SECONDS = 30


def _database_url() -> str:
    """The *test* database as a DATABASE_URL (a Unix-socket host is percent-encoded)."""
    db = connection.settings_dict
    credentials = quote(db["USER"] or "", safe="")
    if db.get("PASSWORD"):
        credentials += ":" + quote(db["PASSWORD"], safe="")
    host = quote(db["HOST"] or "", safe="")
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgresql://{credentials}@{host}{port}/{quote(db['NAME'], safe='')}"


def _wait_for(predicate, what: str, worker=None, timeout: float = WAIT_SECONDS):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        if worker is not None and worker.proc.poll() is not None:
            pytest.fail(f"the worker exited while waiting for {what}:\n{worker.log_tail()}")
        time.sleep(0.2)
    log = worker.log_tail() if worker is not None else ""
    pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}\n{log}")


class _Worker:
    def __init__(self, proc: subprocess.Popen, hostname: str, log: Path, mail_dir: Path):
        self.proc, self.hostname, self.log, self.mail_dir = proc, hostname, log, mail_dir

    def log_tail(self, lines: int = 60) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except FileNotFoundError:
            return "(no worker log)"

    def answers_ping(self) -> bool:
        return bool(app.control.ping(destination=[self.hostname], timeout=0.5))

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()  # SIGTERM: Celery's warm shutdown
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


@contextlib.contextmanager
def _running_worker(workdir: Path):
    """1. Purge the queue. 2. Start a worker on the test DB and Redis. 3. Wait for its ping.
    4. On exit, stop it (warm shutdown, then kill)."""
    mail_dir = workdir / "mail"
    mail_dir.mkdir()
    log = workdir / "worker.log"
    hostname = f"kstu-test-{uuid.uuid4().hex[:8]}@{socket.gethostname()}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "kstu.settings",
        "DATABASE_URL": _database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "KSTU_VAR_DIR": str(settings.VAR_DIR),
        "DEBUG": "1",
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(mail_dir),
        "CELERY_TASK_ALWAYS_EAGER": "0",
    }
    app.control.purge()
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
            cwd=BASE_DIR,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
    worker = _Worker(proc, hostname, log, mail_dir)
    try:
        _wait_for(worker.answers_ping, "the worker to answer a ping", worker)
        yield worker
    finally:
        worker.stop()


@pytest.fixture(scope="module")
def celery_worker_process(django_db_setup, tmp_path_factory):
    with _running_worker(tmp_path_factory.mktemp("celery-worker")) as worker:
        yield worker


@pytest.fixture(autouse=True)
def _celery_eager():
    """Overrides the project-wide eager mode: these tests go through the broker."""
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = False
    yield
    app.conf.task_always_eager = previous


def _delivered_messages(mail_dir: Path) -> list[email.message.EmailMessage]:
    """Messages the file-based backend wrote (each followed by a line of 79 dashes)."""
    separator = b"-" * 79
    messages = []
    for path in sorted(mail_dir.glob("*.log")):
        for chunk in path.read_bytes().split(separator):
            if chunk.strip():
                messages.append(
                    email.message_from_bytes(chunk.lstrip(b"\n"), policy=email.policy.default)
                )
    return messages


def test_heartbeat_runs_in_the_worker_and_lands_in_the_shared_cache(celery_worker_process):
    assert cache.get(HEARTBEAT_KEY) is None
    before = dt.datetime.now(dt.UTC)

    heartbeat.delay()

    stamp = _wait_for(
        lambda: cache.get(HEARTBEAT_KEY), "the heartbeat in Redis", celery_worker_process
    )
    seen = dt.datetime.fromisoformat(stamp)
    assert seen.tzinfo is not None
    assert before - dt.timedelta(seconds=5) <= seen <= dt.datetime.now(dt.UTC)
    assert "kstu.tasks.heartbeat" in celery_worker_process.log_tail()


@pytest.mark.django_db
def test_health_check_is_green_while_a_worker_runs(client, celery_worker_process):
    assert _check_worker() is True
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "up", "redis": "up", "worker": "up"}


# Transactional: the message is queued by a real COMMIT, as in production.
@pytest.mark.django_db(transaction=True)
def test_committed_mail_is_delivered_by_the_worker_and_rolled_back_mail_never_is(
    celery_worker_process,
):
    token = uuid.uuid4().hex[:8]
    with pytest.raises(RuntimeError), transaction.atomic():
        send_mail_on_commit(subject=f"Rolled back {token}", body="no", to=["a@kstu.kg"])
        raise RuntimeError("the service failed")
    with transaction.atomic():
        send_mail_on_commit(
            subject=f"Кирүү укугу берилди {token}",
            body="Сиздин өтүнмөңүз аткарылды.",
            to=["aigul@kstu.kg"],
        )

    def delivered():
        # Python's parser keeps the blank of a folded first header line: strip it.
        return [
            (str(m["Subject"]).strip(), m)
            for m in _delivered_messages(celery_worker_process.mail_dir)
            if token in m["Subject"]
        ]

    messages = _wait_for(delivered, "the e-mail file", celery_worker_process)
    # The solo worker handles tasks in order: a queued rolled-back message would be here by now.
    assert [subject for subject, _m in messages] == [f"Кирүү укугу берилди {token}"]
    message = messages[0][1]
    assert message["To"] == "aigul@kstu.kg"
    assert message.get_content().strip() == "Сиздин өтүнмөңүз аткарылды."


def test_stopped_worker_no_longer_answers_the_health_check_ping(django_db_setup, tmp_path):
    """A worker of its own, so stopping it does not disturb the module's shared one."""
    with _running_worker(tmp_path) as worker:
        assert worker.answers_ping()
    assert worker.proc.returncode is not None
    assert not worker.answers_ping()
