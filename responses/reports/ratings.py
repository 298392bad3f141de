"""Ratings over time (issue 15, point 3): the average of the mentions' own star ratings per
period and rated source, and the public average the review pages show (their AggregateRating,
kept as RatingSnapshot rows), so the owner sees the public average move.

A period is a day in the reader's zone, or a week (Monday to Sunday) for ranges longer than
WEEKS_AFTER_DAYS days (responses/reports/scope.py); the first and last weeks may reach outside
the range, and only the mentions inside it count.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.db.models import F, Q, Window
from django.db.models.functions import RowNumber

from monitors.models import RatingSnapshot, Source
from responses.reports.mention_counts import count_mentions
from responses.reports.scope import ReportScope


@dataclass(frozen=True)
class AverageRating:
    period_start: date
    source_id: int
    source_name: str
    average: Decimal  # of the mentions' ratings (0..5), to 2 places
    count: int  # rated mentions behind it


@dataclass(frozen=True)
class PublicRating:
    """The page's own average at the end of a period. `taken_at` is None when no snapshot was
    ever taken by then ("no snapshot": nothing is invented); `carried` when the value is the
    last one seen in an earlier period."""

    period_start: date
    source_id: int
    source_name: str
    rating: Decimal | None
    count: int | None  # the page's number of reviews, when it says
    taken_at: datetime | None
    carried: bool


def local_day(value: datetime, scope: ReportScope) -> date:
    return value.astimezone(scope.zone).date()


def average_ratings(scope: ReportScope) -> list[AverageRating]:
    """The mentions' average star rating per period and source; unrated mentions are left out,
    and a period without a rated mention has no row (not a zero). From count_mentions (the
    daily summary where it can), plus one query for the sources' names."""
    rated: dict[tuple[date, int], list] = {}
    for count in count_mentions(scope):
        if count.rated:
            totals = rated.setdefault((count.period_start, count.source_id), [0, Decimal(0)])
            totals[0] += count.rated
            totals[1] += count.rating_sum
    names = dict(
        Source.objects.filter(id__in={source_id for _, source_id in rated}).values_list(
            "id", "name"
        )
    )
    rows = [
        AverageRating(
            period_start=period_start,
            source_id=source_id,
            source_name=names.get(source_id, ""),
            average=(total / count).quantize(Decimal("0.01")),
            count=count,
        )
        for (period_start, source_id), (count, total) in rated.items()
    ]
    rows.sort(key=lambda row: (row.period_start, row.source_name, row.source_id))
    return rows


def _latest_first(*groups) -> Window:
    """1 for the latest snapshot of each group (a window, so SQLite runs it as PostgreSQL does)."""
    return Window(
        RowNumber(), partition_by=list(groups), order_by=[F("taken_at").desc(), F("id").desc()]
    )


def public_ratings(scope: ReportScope) -> list[PublicRating]:
    """For each source with a snapshot by the range's end, one row per period: the last
    snapshot taken by the period's end. Two queries: the last snapshot before the range per
    source, and the last one in each period of the range per source."""
    sources = _sources(scope)
    before = (
        RatingSnapshot.objects.filter(source__in=sources, taken_at__lt=scope.since)
        .annotate(rank=_latest_first(F("source_id")))
        .filter(rank=1)
        .values("source_id", "source__name", "rating", "count", "taken_at")
    )
    during = (
        RatingSnapshot.objects.filter(
            source__in=sources, taken_at__gte=scope.since, taken_at__lt=scope.until
        )
        .annotate(
            period=scope.truncate("taken_at"),
            rank=_latest_first(F("source_id"), scope.truncate("taken_at")),
        )
        .filter(rank=1)
        .values("source_id", "source__name", "period", "rating", "count", "taken_at")
    )
    last_seen: dict[int, dict] = {row["source_id"]: row for row in before}
    names = {source_id: row["source__name"] for source_id, row in last_seen.items()}
    seen_in: dict[tuple[int, date], dict] = {}
    for row in during:
        seen_in[(row["source_id"], local_day(row["period"], scope))] = row
        names[row["source_id"]] = row["source__name"]
    rows = []
    for source_id in sorted(names, key=lambda key: (names[key], key)):
        for start in scope.period_starts():
            fresh = seen_in.get((source_id, start))
            if fresh:
                last_seen[source_id] = fresh
            snapshot = last_seen.get(source_id)
            rows.append(
                PublicRating(
                    period_start=start,
                    source_id=source_id,
                    source_name=names[source_id],
                    rating=snapshot["rating"] if snapshot else None,
                    count=snapshot["count"] if snapshot else None,
                    taken_at=snapshot["taken_at"] if snapshot else None,
                    carried=bool(snapshot) and not fresh,
                )
            )
    return rows


def _sources(scope: ReportScope):
    """The scope's sources as a subquery (a snapshot belongs to a source, not a mention)."""
    chosen = Q()
    if scope.source_ids:
        chosen &= Q(id__in=scope.source_ids)
    if scope.subject:
        chosen &= Q(subject=scope.subject)
    return Source.objects.filter(chosen).values("id")
