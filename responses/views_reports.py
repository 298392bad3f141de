"""Reports: what customers say and how we answer, over a period the reader picks (kept in the
URL, so a report can be bookmarked and shared): volume and sentiment, ratings, responsiveness,
recoveries, complaints, competitors and incidents, each a chart or table with its numbers."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from responses.exports import csv_response
from responses.reports.charts import ranked_bar_chart
from responses.reports.competitors import side_by_side
from responses.reports.complaints import complaint_phrases, remedies, tags_over_time
from responses.reports.incidents import incident_rows
from responses.reports.ratings import public_ratings
from responses.reports.recoveries import recoveries
from responses.reports.report_charts import (
    public_ratings_chart,
    ratings_chart,
    tags_chart,
    volume_chart,
)
from responses.reports.report_csv import REPORT_TABLES
from responses.reports.responsiveness import responsiveness
from responses.reports.scope_form import ReportScopeForm
from responses.reports.volume import volume
from reviewwatch.roles import is_owner


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
        "incidents": incident_rows(scope),
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
