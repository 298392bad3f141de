"""Reports: what customers say and how we answer, over a period the reader picks (kept in the
URL, so a report can be bookmarked and shared): volume and sentiment, ratings, responsiveness,
recoveries, complaints and competitors, each a chart with its numbers beneath."""

from __future__ import annotations

from datetime import date

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from responses.reports.charts import Series, line_chart, ranked_bar_chart, stacked_bar_chart
from responses.reports.competitors import side_by_side
from responses.reports.complaints import complaint_phrases, remedies
from responses.reports.ratings import average_ratings
from responses.reports.recoveries import recoveries
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
