#!/usr/bin/env python
"""Login cost: the whole sign-in path against the password hasher alone.

Run from the repository root::

    DEBUG=1 KSTU_VAR_DIR=var/bench .venv/bin/python bench/login.py [--rounds 40]

Steps:

1. Set up Django (test environment: locmem mail, ``testserver`` allowed) and create a fresh
   database (``kstu_bench_login``) on the configured PostgreSQL server; migrate it. The
   development database is never touched.
2. Create one account with the production hasher (Argon2, ``PASSWORD_HASHERS[0]``).
3. Time ``check_password`` alone: the floor any login pays.
4. Time, through Django's test ``Client`` (every middleware, the lockout serialization, axes,
   the audit events, the session): successful logins, failed logins of the existing account
   and failed logins of a login that does not exist. Each attempt comes from its own address
   (the per-address limit is not what is measured) and the failure count is cleared between
   attempts outside the timing, so no attempt is refused by a lock.
5. Print mean, p95 and throughput of each, the ratio to the hasher alone (the overhead of the
   lockout and audit bookkeeping), and unknown-login vs known-login failure timing (the
   dummy hash Django runs for an unknown login keeps the two close: a large gap would tell a
   stranger which logins exist).
6. Drop the benchmark database (unless ``--keep``).

Timings are printed, never gated (they depend on the machine). Exit status 1 only when a
login that should succeed does not, or one that should fail does not.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kstu.settings")
if os.environ.get("KSTU_VAR_DIR"):
    os.environ["KSTU_VAR_DIR"] = str(Path(os.environ["KSTU_VAR_DIR"]).resolve())

from scratch_db import create_database, drop_database, switch_database  # noqa: E402

PASSWORD = "Bench#Login2026"  # noqa: S105 - a throwaway account of a scratch database
LOGIN = "bench_user"
UNKNOWN = "bench_nobody"


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=40, help="samples per measurement")
    parser.add_argument("--db-name", default="kstu_bench_login", help="benchmark database name")
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database")
    return parser.parse_args()


# --------------------------------------------------------------------------- database


# --------------------------------------------------------------------------- timing


def p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def describe(name: str, samples: list[float], floor: float | None = None) -> str:
    mean = statistics.fmean(samples)
    line = (
        f"{name:<34} mean {mean * 1000:7.1f} ms   p95 {p95(samples) * 1000:7.1f} ms"
        f"   {1 / mean:6.1f} /s"
    )
    if floor:
        line += f"   × hasher {mean / floor:5.2f}"
    return line


def main() -> int:
    args = parse_args()
    import django

    django.setup()
    from django.test.utils import setup_test_environment

    setup_test_environment()
    from axes.utils import reset as axes_reset
    from django.conf import settings
    from django.contrib.auth.hashers import check_password, get_hasher
    from django.core.cache import cache
    from django.core.management import call_command
    from django.test import Client
    from django.urls import reverse

    from accounts.models import User

    home = settings.DATABASES["default"]["NAME"]
    create_database(args.db_name)
    switch_database(args.db_name)
    ok = True
    try:
        began = time.perf_counter()
        call_command("migrate", verbosity=0)
        print(f"database: {args.db_name} (migrated in {time.perf_counter() - began:.1f} s)")
        hasher = get_hasher()
        print(f"hasher: {hasher.algorithm}; lockout limit {settings.AXES_FAILURE_LIMIT}")
        user = User.objects.create_user(username=LOGIN, password=PASSWORD, email="b@kstu.kg")
        encoded = user.password

        url = reverse("login")
        address = iter(f"10.{(n >> 16) & 255}.{(n >> 8) & 255}.{n & 255}" for n in range(1, 10**6))
        client = Client()
        client.get(url)  # the session and CSRF cookie exist, as in a browser

        def attempt(login: str, password: str, expected: int) -> float:
            nonlocal ok
            axes_reset(username=login)  # never refused by a lock (outside the timing)
            client.logout()
            t0 = time.perf_counter()
            response = client.post(
                url, {"username": login, "password": password}, REMOTE_ADDR=next(address)
            )
            elapsed = time.perf_counter() - t0
            if response.status_code != expected:
                print(f"FAIL: {login} got {response.status_code}, expected {expected}")
                ok = False
            return elapsed

        def hash_once() -> float:
            t0 = time.perf_counter()
            check_password(PASSWORD, encoded)
            return time.perf_counter() - t0

        kinds = {
            "hasher": hash_once,
            "success": lambda: attempt(LOGIN, PASSWORD, 302),
            "known": lambda: attempt(LOGIN, "Wrong#Guess2026", 200),
            "unknown": lambda: attempt(UNKNOWN, "Wrong#Guess2026", 200),
        }
        for run in kinds.values():  # warm-up
            run()
        samples: dict[str, list[float]] = {name: [] for name in kinds}
        # Interleaved rounds: a change in the machine's load weighs on every kind alike.
        for _ in range(args.rounds):
            for name, run in kinds.items():
                samples[name].append(run())
        cache.clear()
        hashing, success, known, unknown = (samples[k] for k in kinds)
        floor = statistics.fmean(hashing)

        print()
        print(describe("check_password alone", hashing))
        print(describe("login, success (302)", success, floor))
        print(describe("login, wrong password (200)", known, floor))
        print(describe("login, unknown login (200)", unknown, floor))
        print()
        overhead = statistics.fmean(success) - floor
        print(f"bookkeeping per successful login (mean − hasher): {overhead * 1000:.1f} ms")
        overhead = statistics.fmean(known) - floor
        print(f"bookkeeping per failed login (mean − hasher):     {overhead * 1000:.1f} ms")
        gap = statistics.fmean(unknown) / statistics.fmean(known)
        median_gap = statistics.median(unknown) - statistics.median(known)
        print(
            f"unknown vs known login failure: ratio of means {gap:.3f}, "
            f"median difference {median_gap * 1000:+.1f} ms"
        )
    finally:
        if args.keep:
            switch_database(home)
            print(f"kept database {args.db_name}")
        else:
            drop_database(args.db_name, home)
    print(f"RESULT: {'PASS' if ok else 'FAIL'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
