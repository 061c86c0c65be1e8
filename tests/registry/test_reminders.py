import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from accounts import roles
from registry.services import (
    system_assign_responsible,
    system_claim_renewal_reminder,
    system_send_renewal_reminder,
)
from registry.tasks import send_renewal_reminders

pytestmark = pytest.mark.django_db

BISHKEK = ZoneInfo("Asia/Bishkek")
RENEWAL = dt.date(2026, 9, 30)


def _at(day: dt.date):
    """08:00 in Bishkek on ``day`` — when the beat runs the sweep."""
    return time_machine.travel(dt.datetime.combine(day, dt.time(8, 0), tzinfo=BISHKEK), tick=False)


@pytest.fixture
def zoom(system, it_officer, responsible_ky, responsible_en):
    zoom = system("zoom")
    zoom.renewal_date = RENEWAL
    zoom.save()
    for person in (responsible_ky, responsible_en):
        system_assign_responsible(actor=it_officer, system=zoom, user=person)
    return zoom


def _run_sweep(capture):
    with capture(execute=True):
        return send_renewal_reminders()


def test_thirty_days_ahead_mails_each_responsible_person_once_in_their_language(
    zoom, mailoutbox, django_capture_on_commit_callbacks
):
    with _at(RENEWAL - dt.timedelta(days=30)):
        assert _run_sweep(django_capture_on_commit_callbacks) == 2
        assert _run_sweep(django_capture_on_commit_callbacks) == 0  # a second run sends nothing
    assert sorted(m.to[0] for m in mailoutbox) == ["resp_aigul@kstu.kg", "resp_bakyt@kstu.kg"]
    by_address = {m.to[0]: m for m in mailoutbox}
    english = by_address["resp_bakyt@kstu.kg"]
    assert "Zoom video-conferencing platform" in english.subject
    assert "in 30 days" in english.body
    assert "/systems/zoom/" in english.body
    assert "Видео конференц байланыш үчүн Zoom платформасы" in (
        by_address["resp_aigul@kstu.kg"].subject
    )


def test_seven_days_ahead_mails_once_more_and_then_stays_quiet(
    zoom, mailoutbox, django_capture_on_commit_callbacks
):
    with _at(RENEWAL - dt.timedelta(days=30)):
        _run_sweep(django_capture_on_commit_callbacks)
    for days_left in range(29, 7, -1):  # the days in between send nothing
        with _at(RENEWAL - dt.timedelta(days=days_left)):
            assert _run_sweep(django_capture_on_commit_callbacks) == 0
    with _at(RENEWAL - dt.timedelta(days=7)):
        assert _run_sweep(django_capture_on_commit_callbacks) == 2
        assert _run_sweep(django_capture_on_commit_callbacks) == 0
    with _at(RENEWAL - dt.timedelta(days=3)):
        assert _run_sweep(django_capture_on_commit_callbacks) == 0
    assert len(mailoutbox) == 4
    assert "in 7 days" in [m for m in mailoutbox if m.to == ["resp_bakyt@kstu.kg"]][-1].body


def test_a_missed_day_is_made_up_and_a_late_date_gives_only_the_urgent_reminder(
    zoom, mailoutbox, django_capture_on_commit_callbacks
):
    with _at(RENEWAL - dt.timedelta(days=26)):  # the beat was down on day 30
        assert _run_sweep(django_capture_on_commit_callbacks) == 2
    with _at(RENEWAL - dt.timedelta(days=5)):  # and again on day 7
        assert _run_sweep(django_capture_on_commit_callbacks) == 2
    assert len(mailoutbox) == 4


def test_moving_the_renewal_date_a_year_on_starts_the_reminders_again(
    zoom, mailoutbox, django_capture_on_commit_callbacks
):
    with _at(RENEWAL - dt.timedelta(days=7)):
        _run_sweep(django_capture_on_commit_callbacks)
    zoom.refresh_from_db()
    zoom.renewal_date = dt.date(2027, 9, 30)
    zoom.save()
    with _at(dt.date(2027, 8, 31)):
        assert _run_sweep(django_capture_on_commit_callbacks) == 2
    assert len(mailoutbox) == 4


def test_parallel_claims_have_exactly_one_winner(zoom):
    claims = [
        system_claim_renewal_reminder(system_id=zoom.pk, renewal_date=RENEWAL, threshold=30)
        for _worker in range(2)
    ]
    assert claims == [True, False]
    # The 7-day reminder is a separate claim for the same renewal date.
    assert system_claim_renewal_reminder(system_id=zoom.pk, renewal_date=RENEWAL, threshold=7)


def test_claim_for_a_stale_renewal_date_is_refused(zoom):
    other_date = RENEWAL + dt.timedelta(days=365)
    assert not system_claim_renewal_reminder(
        system_id=zoom.pk, renewal_date=other_date, threshold=30
    )


def test_no_mail_when_the_transaction_rolls_back(
    zoom, mailoutbox, django_capture_on_commit_callbacks
):
    with _at(RENEWAL - dt.timedelta(days=30)), django_capture_on_commit_callbacks() as callbacks:
        system_send_renewal_reminder(system_id=zoom.pk, today=RENEWAL - dt.timedelta(days=30))
    assert len(callbacks) == 2  # queued for commit, not sent inside the transaction
    assert mailoutbox == []


def test_system_without_responsible_persons_reminds_the_it_department(
    system, make_user, mailoutbox, django_capture_on_commit_callbacks
):
    make_user("it_gulnara", roles=[roles.IT_DEPARTMENT], preferred_language="ru")
    canva = system("canva")
    canva.renewal_date = RENEWAL
    canva.save()
    with _at(RENEWAL - dt.timedelta(days=30)):
        assert _run_sweep(django_capture_on_commit_callbacks) == 1
    assert mailoutbox[0].to == ["it_gulnara@kstu.kg"]
    assert "Canva" in mailoutbox[0].subject
    assert "Продление подписки" in mailoutbox[0].subject or "Canva" in mailoutbox[0].subject


def test_gone_or_retired_systems_and_past_dates_send_nothing(
    zoom, mailoutbox, django_capture_on_commit_callbacks
):
    today = RENEWAL - dt.timedelta(days=30)
    with django_capture_on_commit_callbacks(execute=True):
        assert system_send_renewal_reminder(system_id=987654, today=today) == 0
        assert system_send_renewal_reminder(system_id=zoom.pk, today=RENEWAL + dt.timedelta(1)) == 0
    zoom.is_active = False
    zoom.save()
    with _at(today):
        assert _run_sweep(django_capture_on_commit_callbacks) == 0
    assert mailoutbox == []


@pytest.mark.django_db(transaction=True)
def test_two_workers_sweeping_at_the_same_moment_send_each_reminder_once(
    it_officer, responsible_ky, responsible_en, mailoutbox
):
    """Two real database connections run the sweep concurrently; the claim decides."""
    import threading

    from django.db import connection

    from registry.models import InformationSystem

    # Transactional tests start from emptied tables, so this test brings its own system.
    subscription = InformationSystem.objects.create(
        code="video-meetings",
        name_ky="Видео",
        name_ru="Видео",
        name_en="Video",
        renewal_date=RENEWAL,
    )
    for person in (responsible_ky, responsible_en):
        system_assign_responsible(actor=it_officer, system=subscription, user=person)

    barrier = threading.Barrier(2)
    errors = []

    def worker():
        try:
            barrier.wait(timeout=10)
            send_renewal_reminders()
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    with _at(RENEWAL - dt.timedelta(days=30)):
        threads = [threading.Thread(target=worker) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
    assert not errors
    assert len(mailoutbox) == 2  # two responsible persons, one message each
