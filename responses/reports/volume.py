"""Volume and sentiment (issue 15, point 2): mentions and negative mentions per day, or per week
over ranges longer than 90 days, per source, counted by the reader's days; the share negative;
and "negative this period vs the last" with the change. Two queries, whatever the row count."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Q

from monitors.models import Label, Mention
from responses.reports.scope import ReportScope


@dataclass(frozen=True)
class VolumeRow:
    period_start: date  # a day, or the Monday of a week, in the reader's zone
    source_id: int
    source_name: str
    total: int
    negative: int


@dataclass(frozen=True)
class Volume:
    period: str  # "day" or "week"
    periods: list[date]  # every period start in the range, for charts to show empty days
    rows: list[VolumeRow]  # only periods and sources with mentions, by period then source
    total: int
    negative: int
    previous_negative: int  # negative mentions in the previous period of the same length

    @property
    def share_negative(self) -> float | None:
        """Negative mentions as a fraction of all mentions; None when there are none."""
        return self.negative / self.total if self.total else None

    @property
    def negative_change(self) -> int:
        return self.negative - self.previous_negative

    @property
    def negative_change_percent(self) -> float | None:
        """The change as a percentage of the last period; None when the last period had none."""
        if not self.previous_negative:
            return None
        return 100 * self.negative_change / self.previous_negative


def volume(scope: ReportScope) -> Volume:
    negative = Q(label=Label.NEGATIVE)
    counted = (
        Mention.objects.filter(scope.mentions())
        .annotate(period_start=scope.truncate("first_seen_at"))
        .values("period_start", "source_id", "source__name")
        .annotate(total=Count("id"), negative=Count("id", filter=negative))
        .order_by("period_start", "source__name", "source_id")
    )
    rows = [
        VolumeRow(
            period_start=row["period_start"].date(),
            source_id=row["source_id"],
            source_name=row["source__name"],
            total=row["total"],
            negative=row["negative"],
        )
        for row in counted
    ]
    previous = Mention.objects.filter(scope.previous().mentions(), negative).count()
    return Volume(
        period=scope.period,
        periods=scope.period_starts(),
        rows=rows,
        total=sum(row.total for row in rows),
        negative=sum(row.negative for row in rows),
        previous_negative=previous,
    )
