"""Counting whole past days of mentions into the daily summary (monitors/models/day_counts.py),
so reports over a year read a few thousand summary rows instead of a million mentions.

Why a summary rebuilt by a task rather than counters kept by ingestion: counters would put one
hot row (today, this source, this label) under every poll of every worker, and every writer of
an old mention (revisions, corrections, reclassification, deletion, history import) would have
to remember to adjust it. Here one writer counts a day once it is over, in one transaction that
deletes and re-inserts the day (safe to run twice), and a database trigger forgets a counted day
the moment any writer changes one of its mentions (migration 0013_day_counts), so a forgotten
writer cannot make a report wrong; the day is read from the mentions until it is counted again.

A day is counted per time zone, because a report's days are its reader's days."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import connection, transaction
from django.db.models import Min

from monitors.models import CountedDay, Mention

# The trigger takes the shared side of this lock; keep in step with migration 0013_day_counts.
DAY_COUNTS_LOCK = 0x5244415953
# A day is counted once it has been over this long: a mention first seen before the day ended
# has long been committed by then, and the trigger covers one that arrives later still.
SETTLE = timedelta(hours=2)
DAYS_PER_TRANSACTION = 31

COUNT_DAYS = """
INSERT INTO monitors_mentiondaycount
    (zone, day, source_id, subject, label, mentions, rated, rating_sum)
SELECT %(zone)s, (first_seen_at AT TIME ZONE %(zone)s)::date, source_id, subject, label,
       count(*), count(rating), coalesce(sum(rating), 0)
FROM monitors_mention
WHERE first_seen_at >= %(since)s AND first_seen_at < %(until)s
GROUP BY 2, 3, 4, 5
"""
MARK_COUNTED = """
INSERT INTO monitors_countedday (zone, day, counted_at)
SELECT %(zone)s, day, now() FROM unnest(%(days)s::date[]) AS day
ON CONFLICT (zone, day) DO UPDATE SET counted_at = excluded.counted_at
"""


def start_of(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time.min, tzinfo=zone)


def last_settled_day(zone: ZoneInfo, now: datetime) -> date:
    """The latest day (in `zone`) that has been over for SETTLE."""
    return (now - SETTLE).astimezone(zone).date() - timedelta(days=1)


def uncounted_days(zone_name: str, now: datetime) -> list[date]:
    """Settled days from the first mention's on, in `zone_name`, without a CountedDay."""
    first_seen = Mention.objects.aggregate(first=Min("first_seen_at"))["first"]
    if first_seen is None:
        return []
    zone = ZoneInfo(zone_name)
    first, last = first_seen.astimezone(zone).date(), last_settled_day(zone, now)
    counted = set(
        CountedDay.objects.filter(zone=zone_name, day__range=(first, last)).values_list(
            "day", flat=True
        )
    )
    every_day = (first + timedelta(days=n) for n in range((last - first).days + 1))
    return [day for day in every_day if day not in counted]


def runs_of(days: Iterable[date], longest: int) -> list[list[date]]:
    """Consecutive days grouped, each group at most `longest` days."""
    runs: list[list[date]] = []
    for day in sorted(days):
        if runs and runs[-1][-1] == day - timedelta(days=1) and len(runs[-1]) < longest:
            runs[-1].append(day)
        else:
            runs.append([day])
    return runs


def count_days(zone_name: str, days: list[date]) -> None:
    """Count consecutive `days` of `zone_name` in one transaction, replacing any counts of them.
    Holds the exclusive side of DAY_COUNTS_LOCK, so no change to an old mention is in flight."""
    zone = ZoneInfo(zone_name)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [DAY_COUNTS_LOCK])
        cursor.execute(
            "DELETE FROM monitors_mentiondaycount WHERE zone = %s AND day BETWEEN %s AND %s",
            [zone_name, days[0], days[-1]],
        )
        cursor.execute(
            COUNT_DAYS,
            {
                "zone": zone_name,
                "since": start_of(days[0], zone),
                "until": start_of(days[-1] + timedelta(days=1), zone),
            },
        )
        cursor.execute(MARK_COUNTED, {"zone": zone_name, "days": days})


def count_uncounted_days(zone_names: Iterable[str], now: datetime) -> int:
    """Count every settled, uncounted day in each zone; the number of days counted. Nothing on
    SQLite, which has no trigger to forget a changed day: reports read mentions there."""
    if connection.vendor != "postgresql":
        return 0
    counted = 0
    for zone_name in sorted(set(zone_names)):
        for run in runs_of(uncounted_days(zone_name, now), DAYS_PER_TRANSACTION):
            count_days(zone_name, run)
            counted += len(run)
    return counted
