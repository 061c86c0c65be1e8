"""The Kyrgyz working-day calendar behind every "N working days" deadline.

Dates are real: the ``holidays`` package's ``KG`` calendar (2025: May holidays 1–9 May,
Saturday 11 January 2025 moved into a working day for 2 January; 2026: New Year 1–7 January).
"""

import datetime as dt
from zoneinfo import ZoneInfo

import holidays
import pytest
from django.urls import reverse

from kstu.models import CalendarOverride
from kstu.workdays import (
    add_working_days,
    clear_overrides_cache,
    is_working_day,
    working_days_between,
    working_deadline,
)

pytestmark = pytest.mark.django_db

BISHKEK = ZoneInfo("Asia/Bishkek")
D = dt.date


def _override(day: dt.date, kind: str) -> CalendarOverride:
    row = CalendarOverride.objects.create(date=day, kind=kind, reason="Decree No. 1 (test)")
    clear_overrides_cache()
    return row


# --------------------------------------------------------------------------- the package's calendar


def test_three_working_days_from_30_april_2025_skip_the_may_holidays():
    assert add_working_days(D(2025, 4, 30), 3) == D(2025, 5, 14)


def test_every_day_of_the_may_holidays_2025_is_a_day_off():
    assert not any(is_working_day(D(2025, 5, day)) for day in range(1, 12))
    assert is_working_day(D(2025, 5, 12))


def test_one_working_day_after_new_years_eve_2025_is_8_january_2026():
    kg_2026 = holidays.country_holidays("KG", years=2026)
    # The package gives 1–7 January 2026 off (New Year holidays and Orthodox Christmas).
    assert all(D(2026, 1, day) in kg_2026 for day in range(1, 8))
    assert add_working_days(D(2025, 12, 31), 1) == D(2026, 1, 8)


def test_nooruz_on_a_friday_moves_the_deadline_over_the_weekend():
    # 21 March 2025 is a Friday and Nooruz: one working day after Thursday 20 March is Monday.
    assert not is_working_day(D(2025, 3, 21))
    assert add_working_days(D(2025, 3, 20), 1) == D(2025, 3, 24)


def test_nooruz_on_a_saturday_in_2026_follows_eid_al_fitr_on_friday():
    # 2026: Eid al-Fitr on Friday 20 March, Nooruz on Saturday 21 March.
    assert not is_working_day(D(2026, 3, 20))
    assert add_working_days(D(2026, 3, 19), 1) == D(2026, 3, 23)


def test_saturday_moved_into_a_working_day_counts():
    kg_2025 = holidays.country_holidays("KG", years=2025)
    moved = D(2025, 1, 11)
    assert moved.weekday() == 5  # a Saturday
    assert moved in kg_2025.weekend_workdays
    assert is_working_day(moved)
    # Friday 10 January + 1 working day is that Saturday, not Monday 13 January.
    assert add_working_days(D(2025, 1, 10), 1) == moved


def test_ordinary_weekend_is_not_a_working_day():
    assert not is_working_day(D(2025, 10, 18))  # Saturday
    assert not is_working_day(D(2025, 10, 19))  # Sunday
    assert add_working_days(D(2025, 10, 17), 1) == D(2025, 10, 20)


def test_zero_working_days_is_the_same_day_or_the_next_working_day():
    assert add_working_days(D(2025, 10, 15), 0) == D(2025, 10, 15)
    assert add_working_days(D(2025, 5, 1), 0) == D(2025, 5, 12)


def test_negative_number_of_days_is_refused():
    with pytest.raises(ValueError):
        add_working_days(D(2025, 10, 15), -1)


def test_working_days_between_counts_the_half_open_interval():
    assert working_days_between(D(2025, 4, 30), D(2025, 5, 14)) == 3
    assert working_days_between(D(2025, 10, 13), D(2025, 10, 20)) == 5  # Mon → next Mon
    assert working_days_between(D(2025, 10, 15), D(2025, 10, 15)) == 0


# --------------------------------------------------------------------------- decree overrides


def test_extra_day_off_from_a_decree_pushes_the_deadline():
    _override(D(2025, 5, 12), CalendarOverride.Kind.DAY_OFF)
    assert not is_working_day(D(2025, 5, 12))
    assert add_working_days(D(2025, 4, 30), 3) == D(2025, 5, 15)


def test_extra_working_saturday_from_a_decree_brings_the_deadline_forward():
    _override(D(2025, 5, 10), CalendarOverride.Kind.WORKING_DAY)
    assert is_working_day(D(2025, 5, 10))
    assert add_working_days(D(2025, 4, 30), 3) == D(2025, 5, 13)


def test_decree_can_turn_a_package_holiday_into_a_working_day():
    _override(D(2025, 5, 8), CalendarOverride.Kind.WORKING_DAY)
    assert add_working_days(D(2025, 4, 30), 1) == D(2025, 5, 8)


def test_override_added_in_the_admin_applies_at_once_although_the_calendar_was_cached(
    client, admin_user
):
    assert add_working_days(D(2025, 4, 30), 3) == D(2025, 5, 14)  # caches the (empty) table
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:kstu_calendaroverride_add"),
        {"date": "2025-05-12", "kind": "day_off", "reason": "Government decree No. 42"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert add_working_days(D(2025, 4, 30), 3) == D(2025, 5, 15)

    row = CalendarOverride.objects.get(date=D(2025, 5, 12))
    response = client.post(
        reverse("admin:kstu_calendaroverride_delete", args=[row.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert add_working_days(D(2025, 4, 30), 3) == D(2025, 5, 14)


def test_override_deleted_with_the_admin_bulk_action_applies_at_once(client, admin_user):
    row = _override(D(2025, 5, 12), CalendarOverride.Kind.DAY_OFF)
    assert add_working_days(D(2025, 4, 30), 3) == D(2025, 5, 15)
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:kstu_calendaroverride_changelist"),
        {"action": "delete_selected", "_selected_action": [row.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert not CalendarOverride.objects.exists()
    assert add_working_days(D(2025, 4, 30), 3) == D(2025, 5, 14)


def test_override_without_a_reason_is_refused_in_the_admin(client, admin_user):
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:kstu_calendaroverride_add"),
        {"date": "2025-05-12", "kind": "day_off", "reason": "   "},
    )
    assert response.status_code == 200
    assert not CalendarOverride.objects.exists()


# --------------------------------------------------------------------------- deadlines as moments


def test_deadline_is_the_end_of_the_working_day_in_bishkek():
    start = dt.datetime(2025, 4, 30, 10, 0, tzinfo=BISHKEK)
    deadline = working_deadline(start, 3)
    assert deadline.tzinfo is not None
    assert deadline.utcoffset() == dt.timedelta(hours=6)
    assert deadline == dt.datetime(2025, 5, 14, 23, 59, 59, 999999, tzinfo=BISHKEK)


def test_deadline_from_a_date_is_also_aware_end_of_day():
    deadline = working_deadline(D(2025, 12, 31), 1)
    assert deadline == dt.datetime(2026, 1, 8, 23, 59, 59, 999999, tzinfo=BISHKEK)


def test_naive_datetime_is_refused():
    naive = dt.datetime(2025, 4, 30, 10, 0)  # noqa: DTZ001 - the point of the test
    with pytest.raises(ValueError):
        working_deadline(naive, 3)
    with pytest.raises(ValueError):
        is_working_day(naive)


def test_late_evening_utc_counts_from_the_next_day_in_bishkek():
    # 19:00 UTC on Tuesday 13 May 2025 is already 01:00 on Wednesday 14 May in Bishkek.
    moment = dt.datetime(2025, 5, 13, 19, 0, tzinfo=dt.UTC)
    assert add_working_days(moment, 1) == D(2025, 5, 15)
    assert working_deadline(moment, 1) == dt.datetime(
        2025, 5, 15, 23, 59, 59, 999999, tzinfo=BISHKEK
    )


def test_utc_moment_on_a_bishkek_holiday_is_not_a_working_day():
    # 20:00 UTC on Wednesday 30 April 2025 is 02:00 on 1 May (Labour Day) in Bishkek.
    assert not is_working_day(dt.datetime(2025, 4, 30, 20, 0, tzinfo=dt.UTC))
    assert is_working_day(dt.datetime(2025, 4, 30, 17, 0, tzinfo=dt.UTC))
