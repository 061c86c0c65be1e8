"""``make run``: the whole system in one terminal.

1. Start the embedded PostgreSQL and Redis (unless DATABASE_URL / REDIS_URL point elsewhere).
2. Apply migrations and load the demo data (idempotent).
3. Start the web server, a Celery worker and Celery beat as child processes.
4. On Ctrl-C (or when any child dies) stop the children, then the embedded servers.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent


def _say(message: str) -> None:
    print(f"[kstu] {message}", flush=True)


def _manage(*args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=BASE_DIR, check=True)  # noqa: S603


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kstu.settings")
    var_dir = Path(os.environ.get("KSTU_VAR_DIR", BASE_DIR / "var")).resolve()
    var_dir.mkdir(parents=True, exist_ok=True)
    host = os.environ.get("KSTU_HOST", "127.0.0.1")
    port = os.environ.get("KSTU_PORT", "8000")

    redis = None
    if not os.environ.get("DATABASE_URL"):
        from kstu.embedded import postgres_url, start_postgres

        _say("starting the embedded PostgreSQL under var/pgdata …")
        pg = start_postgres(var_dir)  # noqa: F841 - the handle keeps the server up
        os.environ["DATABASE_URL"] = postgres_url(pg)
    if not os.environ.get("REDIS_URL"):
        from kstu.embedded import start_redis

        _say("starting the embedded Redis under var/redis …")
        redis = start_redis(var_dir)
        os.environ["REDIS_URL"] = redis.url

    _say("applying migrations …")
    _manage("migrate", "--noinput")
    _say("loading demo data …")
    _manage("seed_demo")

    commands = {
        "web": [sys.executable, "manage.py", "runserver", f"{host}:{port}", "--noreload"],
        "worker": [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "kstu",
            "worker",
            "--loglevel",
            "INFO",
            "--concurrency",
            os.environ.get("WORKER_CONCURRENCY", "2"),
            "--hostname",
            "worker@%h",
        ],
        "beat": [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "kstu",
            "beat",
            "--loglevel",
            "INFO",
            "--schedule",
            str(var_dir / "celerybeat-schedule"),
        ],
    }
    children: dict[str, subprocess.Popen] = {}
    stopping = False

    def stop(*_args) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    for name, cmd in commands.items():
        children[name] = subprocess.Popen(cmd, cwd=BASE_DIR)  # noqa: S603
    _say(f"KSTU IS is running on http://{host}:{port}/ — press Ctrl-C to stop.")

    exit_code = 0
    try:
        while not stopping:
            for name, proc in children.items():
                if proc.poll() is not None:
                    _say(f"{name} exited with code {proc.returncode}; stopping everything.")
                    exit_code = proc.returncode or 1
                    stopping = True
                    break
            time.sleep(0.5)
    finally:
        _say("stopping …")
        for proc in children.values():
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 20
        for proc in children.values():
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        if redis is not None:
            redis.stop()
        _say("stopped.")
    return exit_code


if __name__ == "__main__":
    sys.exit(main())
