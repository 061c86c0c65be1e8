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
