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

from django.db.models import Avg, Count, F, Q, Window
from django.db.models.functions import RowNumber

from monitors.models import Mention, RatingSnapshot, Source
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
    and a period without a rated mention has no row (not a zero). One query."""
    rows = (
        _rated_mentions(scope)
        .annotate(period=scope.truncate("first_seen_at"))
        .values("period", "source_id", "source__name")
        .annotate(average=Avg("rating"), count=Count("id"))
        .order_by("period", "source__name", "source_id")
    )
    return [
        AverageRating(
            period_start=local_day(row["period"], scope),
            source_id=row["source_id"],
            source_name=row["source__name"],
            average=Decimal(row["average"]).quantize(Decimal("0.01")),
            count=row["count"],
        )
        for row in rows
    ]


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


def _rated_mentions(scope: ReportScope):
    return Mention.objects.filter(scope.mentions(), rating__isnull=False)


def _sources(scope: ReportScope):
    """The scope's sources as a subquery (a snapshot belongs to a source, not a mention)."""
    chosen = Q()
    if scope.source_ids:
        chosen &= Q(id__in=scope.source_ids)
    if scope.subject:
        chosen &= Q(subject=scope.subject)
    return Source.objects.filter(chosen).values("id")
