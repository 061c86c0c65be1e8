"""The deadline sweep: a reminder on the last day, an escalation once overdue — each once."""

import datetime as dt

import pytest

from accounts import roles
from accounts.models import AccessGrant
from accounts.services.access_tasks import access_task_create
from accounts.services.grants import (
    access_task_claim_escalation,
    access_task_claim_reminder,
    access_task_escalate,
    access_task_send_reminder,
)
from accounts.tasks import sweep_access_deadlines
from tests.accounts.test_grants_support import (
    at,
    bishkek,
    make_department,
    make_responsible,
    make_system,
)

pytestmark = pytest.mark.django_db

# Created on 30 April 2025: due at the end of 14 May (the May holidays in between).
CREATED = bishkek(2025, 4, 30)


@pytest.fixture
def avn():
    return make_system("avn-test", "AVN")


@pytest.fixture
def head(make_user):
    """Гүлмира heads the chair of the responsible person; reads mail in Russian."""
    return make_user("head_gulmira", first_name="Гүлмира", preferred_language="ru")


@pytest.fixture
def aigul(make_user, avn, head):
    aigul = make_responsible(make_user, "resp_aigul", systems=[avn], preferred_language="en")
    aigul.department = make_department("CH-01", head=head)
    aigul.save()
    return aigul


@pytest.fixture
def task(make_user, avn, aigul):
    nurlan = make_user("emp_nurlan", first_name="Nurlan", last_name="Osmonov")
    with at(CREATED):
        return access_task_create(user=nurlan, system=avn, kind="grant", start=CREATED)


def _sweep(capture):
    with capture(execute=True):
        return sweep_access_deadlines()


def test_no_reminder_before_the_last_day(task, mailoutbox, django_capture_on_commit_callbacks):
    with at(bishkek(2025, 5, 13, 18, 0)):
        assert _sweep(django_capture_on_commit_callbacks) == {"reminders": 0, "escalations": 0}
    assert mailoutbox == []


def test_the_reminder_goes_once_on_the_last_day_to_the_responsible_person(
    task, aigul, mailoutbox, django_capture_on_commit_callbacks
):
    with at(bishkek(2025, 5, 14, 0, 15)):
        _sweep(django_capture_on_commit_callbacks)
        _sweep(django_capture_on_commit_callbacks)  # the next beat run sends nothing again
    with at(bishkek(2025, 5, 14, 16, 0)):
        _sweep(django_capture_on_commit_callbacks)
    assert [m.to for m in mailoutbox] == [["resp_aigul@kstu.kg"]]
    assert "Reminder" in mailoutbox[0].subject and "2025-05-14" in mailoutbox[0].subject
    assert "/accounts/access/queue/" in mailoutbox[0].body
    task.refresh_from_db()
    assert task.reminded_at == bishkek(2025, 5, 14, 0, 15)
    assert task.escalated_at is None


def test_an_overdue_task_is_escalated_once_to_the_head_of_the_responsible_persons_unit(
    task, head, mailoutbox, django_capture_on_commit_callbacks
):
    with at(bishkek(2025, 5, 14, 9, 0)):
        _sweep(django_capture_on_commit_callbacks)  # the reminder
    with at(bishkek(2025, 5, 15, 0, 15)):
        _sweep(django_capture_on_commit_callbacks)
        _sweep(django_capture_on_commit_callbacks)
    with at(bishkek(2025, 5, 20, 9, 0)):
        _sweep(django_capture_on_commit_callbacks)
    assert [m.to for m in mailoutbox] == [["resp_aigul@kstu.kg"], ["head_gulmira@kstu.kg"]]
    escalation = mailoutbox[1]
    assert "AVN" in escalation.subject and "Osmonov" in escalation.subject
    assert "resp_aigul@kstu.kg" in escalation.body  # names the responsible person
    task.refresh_from_db()
    assert task.escalated_at == bishkek(2025, 5, 15, 0, 15)


def test_a_responsible_person_without_a_head_escalates_to_the_it_department(
    task, aigul, make_user, mailoutbox, django_capture_on_commit_callbacks
):
    aigul.department = None
    aigul.save()
    make_user("it_azamat", roles=[roles.IT_DEPARTMENT])
    with at(bishkek(2025, 5, 16, 9, 0)):
        assert access_task_escalate(task_id=task.pk) == 1
    assert AccessGrant.objects.get(pk=task.pk).escalated_at is not None


def test_a_task_decided_in_time_is_neither_reminded_nor_escalated(
    task, mailoutbox, django_capture_on_commit_callbacks
):
    task.status = AccessGrant.Status.DONE
    task.save()
    with at(bishkek(2025, 5, 20, 9, 0)):
        assert _sweep(django_capture_on_commit_callbacks) == {"reminders": 0, "escalations": 0}
    assert mailoutbox == []


def test_the_tasks_return_early_when_the_row_is_gone(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert access_task_send_reminder(task_id=987654) == 0
        assert access_task_escalate(task_id=987654) == 0


def test_the_tasks_return_early_when_the_status_moved_on(task, mailoutbox):
    task.status = AccessGrant.Status.CANCELLED
    task.save()
    later = bishkek(2025, 5, 20, 9, 0)
    assert access_task_send_reminder(task_id=task.pk, now=later) == 0
    assert access_task_escalate(task_id=task.pk, now=later) == 0
    task.refresh_from_db()
    assert task.reminded_at is None and task.escalated_at is None


def test_parallel_claims_have_exactly_one_winner(task):
    later = bishkek(2025, 5, 20, 9, 0)
    assert [access_task_claim_reminder(task_id=task.pk, now=later) for _ in range(2)] == [
        True,
        False,
    ]
    assert [access_task_claim_escalation(task_id=task.pk, now=later) for _ in range(2)] == [
        True,
        False,
    ]


def test_a_claim_is_refused_before_its_time(task):
    early = bishkek(2025, 5, 12, 9, 0)
    assert not access_task_claim_reminder(task_id=task.pk, now=early)
    assert not access_task_claim_escalation(task_id=task.pk, now=early)


def test_no_mail_leaves_when_the_transaction_rolls_back(
    task, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        access_task_escalate(task_id=task.pk, now=bishkek(2025, 5, 16, 9, 0))
    assert len(callbacks) == 1  # queued for commit, not sent inside the transaction
    assert mailoutbox == []


@pytest.mark.django_db(transaction=True)
def test_two_workers_sweeping_at_the_same_moment_remind_and_escalate_once(make_user, mailoutbox):
    """Two real database connections run the sweep concurrently; the claims decide."""
    import threading

    from django.db import connection

    # Transactional tests start from emptied tables, so this test brings its own rows.
    system = make_system("video-meetings", "Video")
    head = make_user("head_gulmira")
    person = make_responsible(make_user, "resp_aigul", systems=[system])
    person.department = make_department("CH-02", head=head)
    person.save()
    employee = make_user("emp_nurlan")
    with at(CREATED):
        task = access_task_create(user=employee, system=system, kind="grant", start=CREATED)
    mailoutbox.clear()  # the "new task" mail

    barrier = threading.Barrier(2)
    errors = []

    def worker():
        try:
            barrier.wait(timeout=10)
            sweep_access_deadlines()
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    with at(bishkek(2025, 5, 15, 9, 0)):  # overdue and never reminded: both are due
        threads = [threading.Thread(target=worker) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
    assert not errors
    assert sorted(m.to[0] for m in mailoutbox) == ["head_gulmira@kstu.kg", "resp_aigul@kstu.kg"]
    task.refresh_from_db()
    assert task.reminded_at is not None and task.escalated_at is not None
    assert dt.timedelta(0) <= task.escalated_at - task.reminded_at < dt.timedelta(seconds=1)
