"""The embedded servers behind `make run` / `make test`, and the launcher's process handling."""

import signal
from pathlib import Path
from types import SimpleNamespace
from unittest import mock

import dj_database_url
import pytest
import redis

from kstu import launcher
from kstu.embedded import EmbeddedRedis, _redis_alive, postgres_url
from kstu.settings import _celery_broker_url


@pytest.fixture
def redis_dir(tmp_path_factory):
    # A short path: Unix socket paths are limited to ~107 bytes.
    return tmp_path_factory.mktemp("r")


def _pid(server: EmbeddedRedis) -> int:
    return int(server.pidfile.read_text().strip())


def test_embedded_redis_starts_on_a_unix_socket_answers_ping_and_stops(redis_dir):
    server = EmbeddedRedis(redis_dir)
    try:
        server.start()
        assert server.owner is True
        assert server.url == f"unix://{server.socket}"
        client = redis.Redis.from_url(server.url)
        assert client.ping() is True
        client.set("k", "v")
        assert client.get("k") == b"v"
        client.close()
    finally:
        server.stop()
    assert not _redis_alive(server.socket)
    assert server.owner is False


def test_second_embedded_redis_on_the_same_dir_reuses_the_server_and_does_not_stop_it(redis_dir):
    first = EmbeddedRedis(redis_dir).start()
    try:
        pid = _pid(first)
        second = EmbeddedRedis(redis_dir).start()
        assert second.owner is False
        assert second.socket == first.socket
        assert _pid(second) == pid  # no second server was spawned

        second.stop()
        assert _redis_alive(first.socket)
    finally:
        first.stop()
    assert not _redis_alive(first.socket)


def test_long_var_dir_falls_back_to_a_short_socket_path(tmp_path):
    deep = tmp_path / ("x" * 120)
    server = EmbeddedRedis(deep)
    assert len(str(server.socket)) < 100
    assert server.data_dir == deep / "redis"  # data stays under var/, only the socket moves
    # The same directory always maps to the same socket, so a second process finds the server.
    assert EmbeddedRedis(deep).socket == server.socket


def test_postgres_url_round_trips_a_socket_directory_for_child_processes():
    socket_dir = "/work/main/var/run/pg sockets"
    server = SimpleNamespace(
        get_postmaster_info=lambda: SimpleNamespace(socket_dir=Path(socket_dir))
    )
    parsed = dj_database_url.parse(postgres_url(server))
    assert parsed["HOST"] == socket_dir
    assert parsed["NAME"] == "kstu"
    assert parsed["USER"] == "postgres"


def test_broker_url_for_a_unix_socket_uses_kombus_spelling():
    assert (
        _celery_broker_url("unix:///tmp/kstu/redis.sock") == "redis+socket:///tmp/kstu/redis.sock"
    )
    assert _celery_broker_url("redis://redis:6379/0") == "redis://redis:6379/0"


# --------------------------------------------------------------------------- launcher (`make run`)


class _FakeProcess:
    """Stands in for web / worker / beat; the worker dies after a moment."""

    def __init__(self, cmd, cwd=None):
        self.cmd = cmd
        self.name = next(n for n in ("runserver", "worker", "beat") if n in cmd)
        self.returncode = None
        self.signals = []
        self._polls = 0

    def poll(self):
        self._polls += 1
        if self.name == "worker" and self._polls >= 2 and self.returncode is None:
            self.returncode = 3
        return self.returncode

    def send_signal(self, sig):
        self.signals.append(sig)
        self.returncode = -sig

    def wait(self, timeout=None):
        return self.returncode

    def kill(self):
        self.returncode = -9


def test_launcher_migrates_seeds_and_stops_everything_when_a_child_dies(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql://postgres@db/kstu")
    monkeypatch.setenv("REDIS_URL", "redis://redis:6379/0")
    manage_calls, processes = [], []

    def fake_popen(cmd, cwd=None):
        processes.append(_FakeProcess(cmd, cwd))
        return processes[-1]

    with (
        mock.patch.object(launcher, "_manage", side_effect=lambda *a: manage_calls.append(a)),
        mock.patch.object(launcher.subprocess, "Popen", side_effect=fake_popen),
        mock.patch.object(launcher.signal, "signal"),
        mock.patch.object(launcher.time, "sleep"),
        mock.patch("kstu.embedded.start_redis") as start_redis_mock,
    ):
        exit_code = launcher.main()

    assert manage_calls == [("migrate", "--noinput"), ("seed_demo",)]
    assert sorted(p.name for p in processes) == ["beat", "runserver", "worker"]
    assert exit_code == 3  # the dead worker's exit code, so `make run` fails visibly
    survivors = [p for p in processes if p.name != "worker"]
    assert all(p.signals == [signal.SIGTERM] for p in survivors)
    start_redis_mock.assert_not_called()  # REDIS_URL set: no embedded Redis
