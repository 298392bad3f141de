"""A report's range is whole days in the reader's zone, DST included, and "the last period" is
the same number of days just before."""

from __future__ import annotations

from datetime import UTC, date, timedelta
from zoneinfo import ZoneInfo

from responses.reports.scope import last_days

PARIS = ZoneInfo("Europe/Paris")


def test_the_last_30_days_include_today_and_start_at_local_midnight():
    scope = last_days(30, date(2026, 12, 2), PARIS)
    assert (scope.first_day, scope.last_day, scope.days) == (
        date(2026, 11, 3),
        date(2026, 12, 2),
        30,
    )
    assert scope.since.isoformat() == "2026-11-03T00:00:00+01:00"
    assert scope.until.isoformat() == "2026-12-03T00:00:00+01:00"


def test_a_range_across_the_autumn_clock_change_has_a_25_hour_day():
    scope = last_days(2, date(2026, 10, 25), PARIS)  # clocks go back on 25 October 2026
    assert scope.until.astimezone(UTC) - scope.since.astimezone(UTC) == timedelta(hours=49)


def test_the_previous_period_is_as_long_and_ends_the_day_before():
    scope = last_days(7, date(2026, 12, 2), PARIS)
    before = scope.previous()
    assert (before.first_day, before.last_day) == (date(2026, 11, 19), date(2026, 11, 25))
    assert before.until == scope.since
