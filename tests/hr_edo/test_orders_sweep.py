"""The acquaintance sweep: the employee is reminded once within a day of the deadline, HR is told
once when an order is overdue — however many sweeps or workers run (EDO §1.2, DESIGN §3)."""

import datetime as dt

import pytest

from hr_edo.models import HrDocument
from hr_edo.services.orders import (
    order_claim_escalation,
    order_claim_reminder,
    order_escalate,
    order_send_reminder,
)
from hr_edo.tasks import sweep_acquaintance_deadlines
from kstu.workdays import working_deadline
from tests.hr_edo.test_orders_support import at, bishkek, group, make_hr_officer, sent_row


@pytest.fixture(autouse=True)
def _english_texts(english_ui):
    """These tests read the English texts of pages and messages."""


pytestmark = pytest.mark.django_db

SENT = bishkek(2025, 4, 30)  # due at the end of 14 May (the May holidays in between)


@pytest.fixture
def hr(make_user):
    return make_hr_officer(make_user, preferred_language="ru")


@pytest.fixture
def hr_head(make_user):
    head = make_user("hr_head_gulmira", preferred_language="en")
    head.groups.add(group("hr_head"))
    return head


@pytest.fixture
def nurlan(make_user):
    return make_user(
        "emp_nurlan", first_name="Nurlan", last_name="Osmonov", preferred_language="en"
    )


@pytest.fixture
def order(hr, nurlan):
    return sent_row(nurlan, hr, number="17-к", sent_at=SENT, due_at=working_deadline(SENT, 3))


def _sweep(capture):
    with capture(execute=True):
        return sweep_acquaintance_deadlines()


def test_the_deadline_of_an_order_sent_on_30_april_is_the_end_of_14_may(order):
    assert order.due_at == dt.datetime.combine(
        dt.date(2025, 5, 14), dt.time.max, tzinfo=SENT.tzinfo
    )


def test_no_reminder_more_than_a_day_before_the_deadline(
    order, mailoutbox, django_capture_on_commit_callbacks
):
    with at(bishkek(2025, 5, 13, 18, 0)):
        assert _sweep(django_capture_on_commit_callbacks) == {"reminders": 0, "escalations": 0}
    assert mailoutbox == []


def test_the_employee_is_reminded_once_within_a_day_of_the_deadline(
    order, mailoutbox, django_capture_on_commit_callbacks
):
    with at(bishkek(2025, 5, 14, 0, 15)):
        _sweep(django_capture_on_commit_callbacks)
        _sweep(django_capture_on_commit_callbacks)
    with at(bishkek(2025, 5, 14, 16, 0)):
        _sweep(django_capture_on_commit_callbacks)
    assert [m.to for m in mailoutbox] == [["emp_nurlan@kstu.kg"]]
    assert "Reminder" in mailoutbox[0].subject and "2025-05-14" in mailoutbox[0].subject
    assert f"/hr/my/{order.pk}/" in mailoutbox[0].body
    order.refresh_from_db()
    assert order.reminded_at == bishkek(2025, 5, 14, 0, 15) and order.escalated_at is None


def test_an_overdue_order_is_escalated_once_to_every_hr_officer_and_head_with_mail(
    order, hr, hr_head, make_user, mailoutbox, django_capture_on_commit_callbacks
):
    no_mail = make_user("hr_no_mail", email="")
    no_mail.groups.add(group("hr_officer"))
    with at(bishkek(2025, 5, 14, 9, 0)):
        _sweep(django_capture_on_commit_callbacks)  # the reminder
    with at(bishkek(2025, 5, 15, 0, 15)):
        _sweep(django_capture_on_commit_callbacks)
        _sweep(django_capture_on_commit_callbacks)
    with at(bishkek(2025, 5, 20, 9, 0)):
        _sweep(django_capture_on_commit_callbacks)
    assert [m.to for m in mailoutbox] == [
        ["emp_nurlan@kstu.kg"],
        ["hr_aida@kstu.kg"],
        ["hr_head_gulmira@kstu.kg"],
    ]
    assert "Osmonov" in mailoutbox[2].subject and "Overdue" in mailoutbox[2].subject
    assert f"/hr/orders/{order.pk}/" in mailoutbox[2].body
    order.refresh_from_db()
    assert order.escalated_at == bishkek(2025, 5, 15, 0, 15)


def test_an_order_signed_in_time_is_neither_reminded_nor_escalated(
    order, mailoutbox, django_capture_on_commit_callbacks
):
    order.status = HrDocument.Status.ACQUAINTED
    order.save()
    with at(bishkek(2025, 5, 20, 9, 0)):
        assert _sweep(django_capture_on_commit_callbacks) == {"reminders": 0, "escalations": 0}
    assert mailoutbox == []


def test_the_tasks_return_early_when_the_row_is_gone(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert order_send_reminder(hr_document_id=987654) == 0
        assert order_escalate(hr_document_id=987654) == 0


def test_the_tasks_return_early_when_the_status_moved_on(order, mailoutbox):
    order.status = HrDocument.Status.CANCELLED
    order.save()
    later = bishkek(2025, 5, 20, 9, 0)
    assert order_send_reminder(hr_document_id=order.pk, now=later) == 0
    assert order_escalate(hr_document_id=order.pk, now=later) == 0
    order.refresh_from_db()
    assert order.reminded_at is None and order.escalated_at is None


def test_a_claim_has_exactly_one_winner_and_is_refused_before_its_time(order):
    early = bishkek(2025, 5, 12, 9, 0)
    assert not order_claim_reminder(hr_document_id=order.pk, now=early)
    assert not order_claim_escalation(hr_document_id=order.pk, now=early)
    later = bishkek(2025, 5, 20, 9, 0)
    assert [order_claim_reminder(hr_document_id=order.pk, now=later) for _ in range(2)] == [
        True,
        False,
    ]
    assert [order_claim_escalation(hr_document_id=order.pk, now=later) for _ in range(2)] == [
        True,
        False,
    ]


def test_no_mail_leaves_when_the_transaction_rolls_back(
    order, hr, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        order_escalate(hr_document_id=order.pk, now=bishkek(2025, 5, 16, 9, 0))
    assert len(callbacks) == 1
    assert mailoutbox == []


@pytest.mark.django_db(transaction=True)
def test_two_workers_sweeping_at_the_same_moment_remind_and_escalate_once(make_user, mailoutbox):
    """Two real database connections run the sweep concurrently; the claims decide."""
    import threading

    from django.db import connection

    # Transactional tests start from emptied tables, so this test brings its own rows.
    hr = make_hr_officer(make_user)
    employee = make_user("emp_nurlan")
    order = sent_row(employee, hr, sent_at=SENT, due_at=working_deadline(SENT, 3))

    barrier = threading.Barrier(2)
    errors = []

    def worker():
        try:
            barrier.wait(timeout=10)
            sweep_acquaintance_deadlines()
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
    assert sorted(m.to[0] for m in mailoutbox) == ["emp_nurlan@kstu.kg", "hr_aida@kstu.kg"]
    order.refresh_from_db()
    assert order.reminded_at is not None and order.escalated_at is not None
