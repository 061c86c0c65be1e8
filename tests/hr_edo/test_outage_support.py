"""Helpers of the outage tests: a real local SMTP server (aiosmtpd) and bulk employees."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections import Counter

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class SinkHandler:
    """Collects accepted envelopes. ``refuse`` maps an address to a list of RCPT replies used in
    turn (e.g. ["451 …"] = temporary once). ``delay`` slows each DATA. When ``gate_after`` is set,
    the message after that many accepted ones blocks in DATA until ``gate`` is released; a client
    that vanishes meanwhile gets nothing recorded (the handler is cancelled)."""

    def __init__(self, *, delay: float = 0.0, refuse: dict | None = None):
        self.delay = delay
        self.refuse = {k: list(v) for k, v in (refuse or {}).items()}
        self.received: list[tuple[str, bytes]] = []
        self.lock = threading.Lock()
        self.gate_after: int | None = None
        self.gate = threading.Event()
        self.blocked = threading.Event()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        replies = self.refuse.get(address)
        if replies:
            return replies.pop(0)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.gate_after is not None and len(self.received) >= self.gate_after:
            self.blocked.set()
            while not self.gate.is_set():
                await asyncio.sleep(0.01)
            if server.transport is None or server.transport.is_closing():
                return "451 client gone"
        with self.lock:
            for rcpt in envelope.rcpt_tos:
                self.received.append((rcpt, envelope.content))
        return "250 Message accepted for delivery"

    def counts(self) -> Counter:
        with self.lock:
            return Counter(rcpt for rcpt, _ in self.received)


class SmtpSink:
    def __init__(self, handler: SinkHandler):
        self.handler = handler
        self.port = free_port()
        self.controller = Controller(handler, hostname="127.0.0.1", port=self.port)

    def __enter__(self):
        self.controller.start()
        return self

    def __exit__(self, *exc):
        self.controller.stop()


def wait_until(predicate, timeout: float = 60, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def bulk_employees(n: int, *, prefix: str = "staff") -> list:
    from accounts.models import User

    languages = ["ky", "ru", "en"]
    users = [
        User(
            username=f"{prefix}{i:05d}",
            email=f"{prefix}{i:05d}@kstu.kg",
            first_name="Сотрудник",
            last_name=f"№{i}",
            kind="teacher" if i % 4 == 0 else "employee",
            preferred_language=languages[i % 3],
            password="!",
        )
        for i in range(n)
    ]
    return User.objects.bulk_create(users, batch_size=1000)
