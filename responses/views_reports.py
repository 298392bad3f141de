"""Reports: what customers say and how we answer, over a period the reader picks (kept in the
URL, so a report can be bookmarked and shared): volume and sentiment, ratings, responsiveness,
recoveries, complaints and competitors, each a chart with its numbers beneath."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import date

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from responses.exports import csv_response, rating_text
from responses.reports.charts import (
    COLOURS,
    Chart,
    Series,
    line_chart,
    ranked_bar_chart,
    stacked_bar_chart,
)
from responses.reports.competitors import side_by_side
from responses.reports.complaints import TagCount, complaint_phrases, remedies, tags_over_time
from responses.reports.ratings import PublicRating, average_ratings, public_ratings
from responses.reports.recoveries import recoveries
from responses.reports.report_csv import REPORT_TABLES
from responses.reports.responsiveness import responsiveness
from responses.reports.scope import ReportScope
from responses.reports.scope_form import ReportScopeForm
from responses.reports.volume import Volume, volume
from reviewwatch.roles import is_owner


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


def reports(request: HttpRequest) -> HttpResponse:
    form = ReportScopeForm(request.GET)
    scope = form.scope(timezone.get_current_timezone(), timezone.localdate())
    found = volume(scope)
    answering = responsiveness(scope, timezone.now())
    phrases = complaint_phrases(scope)
    context = {
        "nav": "reports",
        "form": form,
        "problems": form.problems(),
        "scope": scope,
        "volume": found,
        "volume_chart": volume_chart(found),
        "ratings_chart": ratings_chart(scope),
        "public_chart": public_ratings_chart(scope, public_ratings(scope)),
        "tags_chart": tags_chart(scope, tags_over_time(scope)),
        "csv_query": request.GET.urlencode(),
        "answering": answering,
        "answering_chart": ranked_bar_chart(
            "chart-answering",
            "Time to the first public reply",
            [(bucket.label, bucket.cases) for bucket in answering.distribution],
            unit="cases",
            item_label="Time to first reply",
        ),
        "by_person": answering.by_person if is_owner(request.user) else [],
        "recoveries": recoveries(scope),
        "phrases": phrases,
        "phrases_chart": ranked_bar_chart(
            "chart-phrases",
            "What customers complain about",
            [(row.phrase, row.count) for row in phrases.rows],
            unit="negative mentions",
            item_label="Phrase",
        ),
        "remedies": remedies(scope),
        "competitors": side_by_side(scope),
    }
    return render(request, "responses/reports.html", context)


@require_GET
def report_csv(request: HttpRequest, report: str) -> StreamingHttpResponse:
    """One report's table as CSV under the page's filters (the same query string)."""
    table = REPORT_TABLES.get(report)
    if table is None:
        raise Http404("No such report.")
    if table.owner_only and not is_owner(request.user):
        raise PermissionDenied
    zone = timezone.get_current_timezone()
    scope = ReportScopeForm(request.GET).scope(zone, timezone.localdate())
    rows = list(table.rows(scope, zone))  # a report's rows are few: read them while zone is set
    return csv_response(f"report-{report}", table.header(scope), rows)
