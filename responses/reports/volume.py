"""Volume and sentiment (issue 15, point 2): mentions and negative mentions per day, or per week
over ranges longer than 90 days, per source, counted by the reader's days; the share negative;
and "negative this period vs the last" with the change. Counted by count_mentions (the daily
summary for counted days, the mentions for the rest): seven queries, whatever the row count."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from monitors.models import Label, Source
from responses.reports.mention_counts import count_mentions
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
    per_source: dict[tuple[date, int], list[int]] = {}
    for count in count_mentions(scope):
        totals = per_source.setdefault((count.period_start, count.source_id), [0, 0])
        totals[0] += count.mentions
        if count.label == Label.NEGATIVE:
            totals[1] += count.mentions
    names = dict(
        Source.objects.filter(id__in={source_id for _, source_id in per_source}).values_list(
            "id", "name"
        )
    )
    rows = [
        VolumeRow(
            period_start=period_start,
            source_id=source_id,
            source_name=names.get(source_id, ""),
            total=total,
            negative=negative,
        )
        for (period_start, source_id), (total, negative) in per_source.items()
    ]
    rows.sort(key=lambda row: (row.period_start, row.source_name, row.source_id))
    previous = sum(
        count.mentions
        for count in count_mentions(scope.previous(), per_period=False)
        if count.label == Label.NEGATIVE
    )
    return Volume(
        period=scope.period,
        periods=scope.period_starts(),
        rows=rows,
        total=sum(row.total for row in rows),
        negative=sum(row.negative for row in rows),
        previous_negative=previous,
    )
