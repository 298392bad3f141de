"""The Reports page's charts, built from the report modules' rows: shared by the page and the
monthly report email, so both draw the same thing."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import date

from responses.exports import rating_text
from responses.reports.charts import (
    COLOURS,
    Chart,
    Series,
    line_chart,
    stacked_bar_chart,
)
from responses.reports.complaints import TagCount
from responses.reports.ratings import PublicRating, average_ratings
from responses.reports.scope import ReportScope
from responses.reports.volume import Volume


def period_label(start: date, period: str) -> str:
    return f"w/c {start:%d %b}" if period == "week" else f"{start:%d %b}"


def volume_chart(found: Volume):
    labels = [period_label(start, found.period) for start in found.periods]
    negative, other = dict.fromkeys(found.periods, 0), dict.fromkeys(found.periods, 0)
    for row in found.rows:
        negative[row.period_start] += row.negative
        other[row.period_start] += row.total - row.negative
    return stacked_bar_chart(
        "chart-volume",
        "Mentions, negative and the rest",
        labels,
        [Series("Negative", list(negative.values())), Series("Other", list(other.values()))],
        unit="mentions",
        x_label=found.period.capitalize(),
    )


def ratings_chart(scope: ReportScope):
    rows = average_ratings(scope)
    starts = scope.period_starts()
    per_source: dict[str, dict[date, float]] = {}
    for row in rows:
        per_source.setdefault(row.source_name, {})[row.period_start] = float(row.average)
    series = [
        Series(name, [values.get(start) for start in starts])
        for name, values in sorted(per_source.items())
    ][:8]
    return line_chart(
        "chart-ratings",
        "Average star rating of the mentions",
        [period_label(start, scope.period) for start in starts],
        series,
        unit="stars",
        x_label=scope.period.capitalize(),
        y_max=5,
    )


def public_ratings_chart(scope: ReportScope, rows: list[PublicRating]) -> Chart:
    """The average each review page shows, one line per source; its table marks a value carried
    from an earlier period and says "no snapshot" before the first one (nothing is invented)."""
    starts = scope.period_starts()
    per_source: dict[tuple[str, int], dict[date, PublicRating]] = {}
    for row in rows:  # by name and id: two sources may share a name
        per_source.setdefault((row.source_name, row.source_id), {})[row.period_start] = row
    names = sorted(per_source)[: len(COLOURS)]
    series = [
        Series(name[0], [_rating_value(per_source[name].get(start)) for start in starts])
        for name in names
    ]
    labels = [period_label(start, scope.period) for start in starts]
    chart = line_chart(
        "chart-public-ratings",
        "Public average on the review pages",
        labels,
        series,
        unit="stars",
        x_label=scope.period.capitalize(),
        y_max=5,
    )
    table_rows = tuple(
        (label, tuple(_public_cell(per_source[name].get(start)) for name in names))
        for label, start in zip(labels, starts, strict=True)
    )
    return replace(chart, table=replace(chart.table, rows=table_rows if names else ()))


def _rating_value(row: PublicRating | None) -> float | None:
    return None if row is None or row.rating is None else float(row.rating)


def _public_cell(row: PublicRating | None) -> str:
    if row is None or row.rating is None:
        return "no snapshot"
    return f"{rating_text(row.rating)} (carried)" if row.carried else rating_text(row.rating)


def tags_chart(scope: ReportScope, rows: list[TagCount]) -> Chart:
    """Cases opened per root-cause tag, stacked per period; past the eight series a chart can
    tell apart, the least frequent tags are added up as "Other tags"."""
    starts = scope.period_starts()
    totals: Counter[str] = Counter()
    for row in rows:
        totals[row.tag_name or "No tag"] += row.cases
    ranked = [name for name, _ in sorted(totals.items(), key=lambda item: (-item[1], item[0]))]
    shown = ranked if len(ranked) <= len(COLOURS) else ranked[: len(COLOURS) - 1]
    counts = {name: dict.fromkeys(starts, 0) for name in shown}
    if len(shown) < len(ranked):
        counts["Other tags"] = dict.fromkeys(starts, 0)
    for row in rows:
        name = row.tag_name or "No tag"
        counts[name if name in shown else "Other tags"][row.period_start] += row.cases
    series = [Series(name, list(values.values())) for name, values in counts.items()]
    return stacked_bar_chart(
        "chart-tags",
        "Cases opened per root cause",
        [period_label(start, scope.period) for start in starts],
        series or [Series("Cases", [0] * len(starts))],
        unit="cases",
        x_label=scope.period.capitalize(),
    )
