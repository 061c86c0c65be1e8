"""The Kyrgyz working-day calendar: every "N working days" of the regulations goes through here.

A day is a working day when it is a Monday–Friday that is not a public holiday of the Kyrgyz
Republic, or a Saturday/Sunday that the government moved into a working day — both as the
``holidays`` package knows them for ``KG`` — and then the admin-editable ``CalendarOverride``
table has the last word (decrees the package does not know yet).

A deadline of N working days is the end (23:59:59.999999, Asia/Bishkek) of the N-th working day
after the day of the starting moment; the starting day itself does not count.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

_OVERRIDES_CACHE_KEY = "kstu:workdays:overrides:v1"
_OVERRIDES_TTL = 300


def _tz() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


@lru_cache(maxsize=64)
def _kg_calendar(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("KG", years=year)


def _overrides() -> dict[dt.date, bool]:
    """{date: is_working} from the decree table, cached briefly (cleared on every change)."""
    cached = cache.get(_OVERRIDES_CACHE_KEY)
    if cached is not None:
        return cached
    from kstu.models import CalendarOverride

    data = {
        row.date: row.kind == CalendarOverride.Kind.WORKING_DAY
        for row in CalendarOverride.objects.only("date", "kind")
    }
    cache.set(_OVERRIDES_CACHE_KEY, data, _OVERRIDES_TTL)
    return data


def clear_overrides_cache() -> None:
    cache.delete(_OVERRIDES_CACHE_KEY)


def is_working_day(day: dt.date | dt.datetime) -> bool:
    if isinstance(day, dt.datetime):
        day = _local(day).date()
    override = _overrides().get(day)
    if override is not None:
        return override
    return _kg_calendar(day.year).is_working_day(day)


def _local(moment: dt.datetime) -> dt.datetime:
    if timezone.is_naive(moment):
        raise ValueError("kstu.workdays needs aware datetimes (USE_TZ is on)")
    return moment.astimezone(_tz())


def add_working_days(moment: dt.date | dt.datetime, n: int) -> dt.date:
    """The date of the n-th working day after ``moment``'s day (n ≥ 0; 0 is the day itself
    if it is a working day, else the next working day)."""
    if n < 0:
        raise ValueError("n must not be negative")
    day = _local(moment).date() if isinstance(moment, dt.datetime) else moment
    if n == 0:
        while not is_working_day(day):
            day += dt.timedelta(days=1)
        return day
    counted = 0
    while counted < n:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            counted += 1
    return day


def working_deadline(moment: dt.date | dt.datetime, n: int) -> dt.datetime:
    """End of the n-th working day after ``moment`` (aware, Asia/Bishkek)."""
    day = add_working_days(moment, n)
    return dt.datetime.combine(day, dt.time.max, tzinfo=_tz())


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days in the half-open interval (start, end]."""
    count, day = 0, start
    while day < end:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            count += 1
    return count
