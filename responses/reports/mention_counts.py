"""Mentions counted per period, source, subject and label for a report's scope: from the daily
summary for the days counted in the reader's zone (monitors/day_counts.py), from the mentions
themselves for the rest (today, yesterday until it settles, a day whose mentions just changed).
Three queries, whatever the number of mentions; the same figures either way."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Q, Sum
from django.db.models.functions import Trunc

from monitors.day_counts import runs_of, start_of
from monitors.models import CountedDay, Mention, MentionDayCount
from responses.models import DigestPreference
from responses.reports.scope import ReportScope

# Past this many separate stretches of uncounted days, every day is read from the mentions
# (one range scan) rather than a long OR of ranges.
MOST_UNCOUNTED_STRETCHES = 30


@dataclass(frozen=True)
class MentionCount:
    period_start: date | None  # None when counted over the whole scope
    source_id: int
    subject: str
    label: str
    mentions: int
    rated: int  # mentions with a star rating
    rating_sum: Decimal


def readers_zones() -> set[str]:
    """Every zone a report is read in: the server's, and each active person's own."""
    chosen = DigestPreference.objects.filter(user__is_active=True).values_list("time_zone")
    return {settings.TIME_ZONE, *(zone for (zone,) in chosen)}


def count_mentions(scope: ReportScope, per_period: bool = True) -> list[MentionCount]:
    """The scope's mentions counted per period (scope.period) or over the whole scope, per
    source, subject and label; only combinations with mentions have a row."""
    zone_name = getattr(scope.zone, "key", str(scope.zone))
    counted = set(
        CountedDay.objects.filter(
            zone=zone_name, day__range=(scope.first_day, scope.last_day)
        ).values_list("day", flat=True)
    )
    every_day = (scope.first_day + timedelta(days=n) for n in range(scope.days))
    stretches = runs_of((day for day in every_day if day not in counted), scope.days)
    if len(stretches) > MOST_UNCOUNTED_STRETCHES:
        counted, stretches = set(), [[scope.first_day, scope.last_day]]
    totals: dict[tuple, list] = {}
    if counted:
        _add(totals, _from_summary(scope, zone_name, per_period))
    if stretches:
        _add(totals, _from_mentions(scope, stretches, per_period))
    return [
        MentionCount(*key, mentions=values[0], rated=values[1], rating_sum=values[2])
        for key, values in sorted(totals.items(), key=lambda item: _sort_key(item[0]))
    ]


def _sort_key(key: tuple) -> tuple:
    period, source_id, subject, label = key
    return (period or date.min, source_id, subject, label)


def _add(totals: dict[tuple, list], rows: Iterator[tuple]) -> None:
    for period, source_id, subject, label, mentions, rated, rating_sum in rows:
        values = totals.setdefault((period, source_id, subject, label), [0, 0, Decimal(0)])
        values[0] += mentions
        values[1] += rated
        values[2] += rating_sum or Decimal(0)


def _chosen(scope: ReportScope) -> Q:
    chosen = Q()
    if scope.source_ids:
        chosen &= Q(source_id__in=scope.source_ids)
    if scope.subject:
        chosen &= Q(subject=scope.subject)
    return chosen


def _from_summary(scope: ReportScope, zone_name: str, per_period: bool) -> Iterator[tuple]:
    """Counted days' summary rows, summed per period (a counted day has all its rows)."""
    rows = MentionDayCount.objects.filter(
        _chosen(scope), zone=zone_name, day__range=(scope.first_day, scope.last_day)
    )
    if per_period:
        rows = rows.annotate(period=Trunc("day", scope.period))
    fields = ["period"] if per_period else []
    summed = (
        rows.values(*fields, "source_id", "subject", "label")
        .order_by()
        .annotate(n=Sum("mentions"), r=Sum("rated"), s=Sum("rating_sum"))
    )
    for row in summed:
        yield (row["period"] if per_period else None, *_figures(row))


def _from_mentions(scope: ReportScope, stretches: list[list[date]], per_period: bool):
    """The mentions of the uncounted days, counted the same way."""
    within = Q()
    for stretch in stretches:
        within |= Q(
            first_seen_at__gte=start_of(stretch[0], scope.zone),
            first_seen_at__lt=start_of(stretch[-1] + timedelta(days=1), scope.zone),
        )
    rows = Mention.objects.filter(_chosen(scope), within)
    if per_period:
        rows = rows.annotate(period=scope.truncate("first_seen_at"))
    fields = ["period"] if per_period else []
    counted = (
        rows.values(*fields, "source_id", "subject", "label")
        .order_by()
        .annotate(n=Count("id"), r=Count("rating"), s=Sum("rating"))
    )
    for row in counted:
        period_start = row["period"].astimezone(scope.zone).date() if per_period else None
        yield (period_start, *_figures(row))


def _figures(row: dict) -> tuple:
    return row["source_id"], row["subject"], row["label"], row["n"], row["r"], row["s"]
