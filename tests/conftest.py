"""Shared fixtures: fast hashing, Celery eager by default, personas."""

import pytest

from kstu.celery import app as celery_app


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _celery_eager():
    """Tasks run in-process unless a test asks for the real worker (``celery_worker_process``)."""
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


@pytest.fixture(autouse=True)
def _agreement_accepted_by_default(settings):
    """Signed-in test users are not sent to the agreement page (A13) unless a test asks for
    it with the ``agreement_required`` fixture (tests/accounts/test_agreement.py)."""
    settings.KSTU_REQUIRE_AGREEMENT = False


@pytest.fixture(autouse=True)
def _isolated_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def make_user(db):
    from accounts.models import User

    counter = {"n": 0}

    def _make(username=None, *, roles=(), password="Str0ng#Pass", **fields):
        from django.contrib.auth.models import Group

        counter["n"] += 1
        username = username or f"user{counter['n']}"
        fields.setdefault("email", f"{username}@kstu.kg")
        fields.setdefault("last_name", "Тестов")
        fields.setdefault("first_name", username.capitalize())
        user = User.objects.create_user(username=username, password=password, **fields)
        for code in roles:
            user.groups.add(Group.objects.get(name=code))
        return user

    return _make


@pytest.fixture
def english_ui(client):
    """For tests that read English texts: the interface itself defaults to Kyrgyz."""
    from django.utils import translation

    client.cookies["kstu_language"] = "en"
    with translation.override("en"):
        yield client


CA_TEST_PASSPHRASE = "test CA passphrase"


@pytest.fixture
def university_ca(db, settings, tmp_path):
    """The university CA made by ``ca_initialize`` in ``tmp_path`` with an encrypted key.
    Returns a namespace: ``key``, ``cert`` (cryptography objects), ``anchor`` (TrustAnchor),
    ``cert_path``, ``key_path``."""
    from types import SimpleNamespace

    from signatures import ca
    from signatures.services.ca import ca_initialize

    settings.KSTU_CA_CERT_PATH = str(tmp_path / "ca" / "ca.crt")
    settings.KSTU_CA_KEY_PATH = str(tmp_path / "ca" / "ca.key")
    settings.KSTU_CA_KEY_PASSPHRASE = CA_TEST_PASSPHRASE
    anchor = ca_initialize()
    key, cert = ca.load_ca()
    return SimpleNamespace(
        key=key,
        cert=cert,
        anchor=anchor,
        cert_path=tmp_path / "ca" / "ca.crt",
        key_path=tmp_path / "ca" / "ca.key",
    )
