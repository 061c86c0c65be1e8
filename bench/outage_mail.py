#!/usr/bin/env python
"""Outage mass e-mail: the batch sender against a plain smtplib loop, through one local sink.

Run from the repository root::

    DEBUG=1 KSTU_VAR_DIR=var/bench .venv/bin/python bench/outage_mail.py [--employees 5000]

Steps:

1. Set up Django and create a fresh database (``kstu_bench_outage``) on the configured
   PostgreSQL server; migrate it (the role groups come with it). The development database is
   never touched.
2. Create ``--employees`` active employees/teachers with corporate addresses (``bulk_create``;
   languages ky/ru/en in turn) and one HR officer without an address (not a recipient).
3. Start an aiosmtpd sink on 127.0.0.1 (a free port) whose handler only counts messages, and
   point ``EMAIL_BACKEND`` (Django's SMTP backend) at it.
4. Declare an outage with ``hr_edo.services.outage.outage_declare`` with Celery's eager mode
   OFF. The task it enqueues on commit is captured instead of going to the broker; then the
   captured ``send_announcement`` tasks are run in this process, one after another, as ONE
   worker would run them (a run that uses up its time budget re-enqueues itself into the same
   queue), until the queue is empty. Timed from the first task to the last.
5. Send the same messages — the same subject and body, rendered once per language by
   ``mass_mail.render_message`` — with a plain ``smtplib`` loop over one connection to the same
   sink. Timed.
6. Print messages per second of each and the ratio; drop the database (unless ``--keep``).

Timings are printed, never gated. Exit status 1 when the sink did not receive exactly one
message per employee in the first pass (or the deliveries are not all SENT), or the plain loop
did not deliver them all.
"""

from __future__ import annotations

import argparse
import logging
import os
import smtplib
import socket
import sys
import threading
import time
from collections import Counter, deque
from email.message import EmailMessage as MimeMessage
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kstu.settings")
# The embedded Redis daemonizes into its data directory: make KSTU_VAR_DIR absolute.
if os.environ.get("KSTU_VAR_DIR"):
    os.environ["KSTU_VAR_DIR"] = str(Path(os.environ["KSTU_VAR_DIR"]).resolve())

from scratch_db import create_database, drop_database, switch_database  # noqa: E402

SENDER = "noreply@kstu.kg"


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--employees", type=int, default=5000, help="recipients")
    parser.add_argument("--db-name", default="kstu_bench_outage", help="benchmark database name")
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database")
    return parser.parse_args()


# --------------------------------------------------------------------------- database


# --------------------------------------------------------------------------- SMTP sink


class CountingHandler:
    """Accepts everything and counts messages per recipient (no bodies kept)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.counts: Counter = Counter()
        self.messages = 0

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        with self.lock:
            self.messages += 1
            self.counts.update(envelope.rcpt_tos)
        return "250 Message accepted for delivery"

    def reset(self) -> None:
        with self.lock:
            self.counts.clear()
            self.messages = 0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --------------------------------------------------------------------------- passes


def make_people(n: int):
    from django.contrib.auth.models import Group

    from accounts import roles
    from accounts.models import User

    languages = ["ky", "ru", "en"]
    User.objects.bulk_create(
        [
            User(
                username=f"staff{i:05d}",
                email=f"staff{i:05d}@kstu.kg",
                first_name="Сотрудник",
                last_name=f"№{i}",
                kind="teacher" if i % 4 == 0 else "employee",
                preferred_language=languages[i % 3],
                password="!",  # noqa: S106 - an unusable password
            )
            for i in range(n)
        ],
        batch_size=1000,
    )
    roles.sync_roles()
    hr = User.objects.create_user(username="bench_hr", email="", password=None)
    hr.groups.add(Group.objects.get(name=roles.HR_OFFICER))
    return User.objects.get(pk=hr.pk)  # fresh permission cache


def batch_sender_pass(hr) -> tuple[int, float, dict]:
    """Declare (eager off, the enqueue captured) and run the queued tasks as one worker."""
    import datetime as dt

    from django.utils import timezone

    from hr_edo import tasks
    from hr_edo.models import Announcement, Outage
    from hr_edo.services.outage import outage_declare
    from kstu.celery import app as celery_app

    celery_app.conf.task_always_eager = False
    queue: deque[int] = deque()
    original_delay = tasks.send_announcement.delay
    tasks.send_announcement.delay = lambda pk: queue.append(pk)
    try:
        outage = outage_declare(
            actor=hr,
            reason=Outage.Reason.MAINTENANCE,
            details="bench",
            expected_end_at=timezone.now() + dt.timedelta(hours=3),
        )
        announcement = Announcement.objects.get(outage=outage)
        if list(queue) != [announcement.pk]:
            raise RuntimeError(f"declaring enqueued {list(queue)}, not [{announcement.pk}]")
        totals = Counter()
        runs = 0
        t0 = time.perf_counter()
        while queue:
            summary = tasks.send_announcement(queue.popleft())  # the task body, in-process
            runs += 1
            totals.update({k: v for k, v in summary.items() if k != "state"})
        elapsed = time.perf_counter() - t0
    finally:
        tasks.send_announcement.delay = original_delay
    return announcement.pk, elapsed, {"task runs": runs, **totals}


def plain_smtplib_pass(announcement_id: int, port: int) -> tuple[int, float]:
    """The same messages through one smtplib connection, no database in the loop."""
    from hr_edo.models import Announcement, Delivery
    from hr_edo.services.mass_mail import render_message

    announcement = Announcement.objects.select_related("outage").get(pk=announcement_id)
    rows = list(
        Delivery.objects.filter(announcement=announcement)
        .order_by("pk")
        .values_list("email", "language")
    )
    t0 = time.perf_counter()
    rendered: dict[str, tuple[str, str]] = {}
    with smtplib.SMTP("127.0.0.1", port, timeout=10) as smtp:
        for address, language in rows:
            if language not in rendered:
                rendered[language] = render_message(announcement, language)
            subject, body = rendered[language]
            message = MimeMessage()
            message["Subject"] = subject
            message["From"] = SENDER
            message["To"] = address
            message.set_content(body)
            smtp.send_message(message, from_addr=SENDER, to_addrs=[address])
    return len(rows), time.perf_counter() - t0


def main() -> int:
    args = parse_args()
    import django

    django.setup()
    from aiosmtpd.controller import Controller
    from django.conf import settings
    from django.core.management import call_command

    from hr_edo.models import Delivery

    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every command
    home = settings.DATABASES["default"]["NAME"]
    create_database(args.db_name)
    switch_database(args.db_name)
    handler = CountingHandler()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    ok = True
    try:
        began = time.perf_counter()
        call_command("migrate", verbosity=0)
        print(f"database: {args.db_name} (migrated in {time.perf_counter() - began:.1f} s)")
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
        settings.EMAIL_TIMEOUT = 10
        settings.DEFAULT_FROM_EMAIL = SENDER
        began = time.perf_counter()
        hr = make_people(args.employees)
        print(
            f"employees: {args.employees} (created in {time.perf_counter() - began:.1f} s); "
            f"SMTP sink 127.0.0.1:{port}"
        )

        announcement_id, batch_time, summary = batch_sender_pass(hr)
        statuses = Counter(
            Delivery.objects.filter(announcement_id=announcement_id).values_list(
                "status", flat=True
            )
        )
        first_messages, first_counts = handler.messages, Counter(handler.counts)
        handler.reset()
        plain_count, plain_time = plain_smtplib_pass(announcement_id, port)
        plain_messages = handler.messages

        batch_rate = first_messages / batch_time if batch_time else 0.0
        plain_rate = plain_messages / plain_time if plain_time else 0.0
        print()
        print(f"batch sender (send_announcement, one worker): {summary}")
        print(f"  deliveries by status: {dict(statuses)}")
        print(
            f"  sink received {first_messages} messages in {batch_time:.2f} s"
            f"   {batch_rate:8.1f} msg/s"
        )
        print(
            f"plain smtplib loop, one connection:  sink received {plain_messages} messages"
            f" in {plain_time:.2f} s   {plain_rate:8.1f} msg/s"
        )
        if plain_rate:
            print(f"ratio batch sender / plain smtplib: {batch_rate / plain_rate:.3f}")

        expected = args.employees
        duplicates = sum(1 for n in first_counts.values() if n > 1)
        if first_messages != expected or len(first_counts) != expected or duplicates:
            print(
                f"FAIL: first pass: {first_messages} messages to {len(first_counts)} addresses"
                f" ({duplicates} duplicated), expected exactly {expected}"
            )
            ok = False
        if statuses != Counter({Delivery.Status.SENT: expected}):
            print(f"FAIL: deliveries not all sent: {dict(statuses)}")
            ok = False
        if plain_messages != plain_count or plain_count != expected:
            print(f"FAIL: plain loop: {plain_messages} of {plain_count} (expected {expected})")
            ok = False
    finally:
        controller.stop()
        if args.keep:
            switch_database(home)
            print(f"kept database {args.db_name}")
        else:
            drop_database(args.db_name, home)
    print(f"RESULT: {'PASS' if ok else 'FAIL'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
