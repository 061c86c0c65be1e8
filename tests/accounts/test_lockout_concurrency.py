"""A parallel burst of guesses must not get past the lockout count (DESIGN §4, A11).

Axes alone reads the count before checking the password and writes it after, so simultaneous
attempts all reach the password check. Persona: Бакыт, whose login is guessed in parallel.
"""

import threading

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.hashers import MD5PasswordHasher
from django.db import connection
from django.db.models import Sum
from django.test import Client
from django.urls import reverse

from audit.models import AuthEvent

PASSWORD = "Str0ng#Pass"
THREADS = 8


class CountingHasher(MD5PasswordHasher):
    """The fast test hasher, counting how many passwords were checked."""

    checked = 0
    _guard = threading.Lock()

    def verify(self, password, encoded):
        with CountingHasher._guard:
            CountingHasher.checked += 1
        return super().verify(password, encoded)


def _post_in_parallel(attempts: list[tuple[str, str]]) -> list[int]:
    barrier = threading.Barrier(len(attempts))
    statuses: list[int] = [0] * len(attempts)

    def attempt(index: int, username: str, password: str) -> None:
        try:
            client = Client()
            barrier.wait(timeout=30)
            response = client.post(
                reverse("login"),
                {"username": username, "password": password},
                REMOTE_ADDR=f"10.7.0.{index}",
            )
            statuses[index] = response.status_code
        finally:
            connection.close()

    threads = [
        threading.Thread(target=attempt, args=(i, username, password))
        for i, (username, password) in enumerate(attempts)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return statuses


@pytest.fixture
def counting_hasher(settings):
    settings.PASSWORD_HASHERS = [f"{__name__}.CountingHasher"]
    CountingHasher.checked = 0
    return CountingHasher


@pytest.mark.django_db(transaction=True)
def test_parallel_burst_checks_three_passwords_then_locks_and_the_right_one_is_refused(
    counting_hasher, make_user, mailoutbox
):
    make_user("bakyt", password=PASSWORD)
    counting_hasher.checked = 0

    statuses = _post_in_parallel([("bakyt", f"Wrong#{n}pass") for n in range(THREADS)])

    assert sorted(statuses) == [200, 200] + [403] * (THREADS - 2)
    assert counting_hasher.checked == 3  # only 3 guesses ever reached the password
    recorded = AccessAttempt.objects.filter(username="bakyt").aggregate(
        n=Sum("failures_since_start")
    )
    assert recorded["n"] == THREADS
    assert AuthEvent.objects.filter(action=AuthEvent.Action.LOGIN_FAILED).count() == THREADS
    assert AuthEvent.objects.filter(action=AuthEvent.Action.LOCKOUT).count() == 1
    assert len(mailoutbox) == 1

    response = Client().post(reverse("login"), {"username": "bakyt", "password": PASSWORD})
    assert response.status_code == 403
    assert counting_hasher.checked == 3


@pytest.mark.django_db(transaction=True)
def test_right_password_inside_a_parallel_burst_gets_in_only_before_the_lock(
    counting_hasher, make_user
):
    make_user("bakyt", password=PASSWORD)
    counting_hasher.checked = 0

    attempts = [("bakyt", f"Wrong#{n}pass") for n in range(THREADS - 1)] + [("bakyt", PASSWORD)]
    statuses = _post_in_parallel(attempts)

    got_in = statuses[-1] == 302
    # Whatever the order, no more than 3 wrong guesses are ever checked in a row: either the
    # right password came before the third failure (and reset the count), or it was refused.
    assert counting_hasher.checked <= 3 + 1 + 3
    assert statuses.count(200) + statuses.count(302) <= 3 + 1 + 2
    if not got_in:
        assert statuses[-1] == 403
        assert counting_hasher.checked == 3
