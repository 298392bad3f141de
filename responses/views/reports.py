"""Reports: what customers say and how we answer, over a period the reader picks (kept in the
URL, so a report can be bookmarked and shared): volume and sentiment, ratings, responsiveness,
recoveries, complaints, competitors and incidents, each a chart or table with its numbers, one
report (section) per page so a page reads only that report's queries."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, QueryDict, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from responses.exports import csv_response
from responses.reports.report_csv import REPORT_TABLES
from responses.reports.scope_form import ReportScopeForm
from responses.reports.sections import SECTIONS, Reader, Section, chosen_section
from reviewwatch.roles import is_owner


@dataclass(frozen=True)
class SectionLink:
    title: str
    href: str  # this page's query string with the section changed
    current: bool


def section_links(query: QueryDict, current: Section) -> list[SectionLink]:
    """A link to each section that keeps every other parameter of the page's URL."""
    links = []
    for section in SECTIONS.values():
        linked = query.copy()
        linked["section"] = section.slug
        links.append(SectionLink(section.title, f"?{linked.urlencode()}", section == current))
    return links


def reports(request: HttpRequest) -> HttpResponse:
    form = ReportScopeForm(request.GET)
    scope = form.scope(timezone.get_current_timezone(), timezone.localdate())
    section, section_problem = chosen_section(request.GET.get("section", ""))
    filters = request.GET.copy()
    filters.pop("section", None)  # a CSV link carries the filters; each table is its own file
    reader = Reader(is_owner=is_owner(request.user), now=timezone.now())
    context = {
        "nav": "reports",
        "form": form,
        "problems": [*form.problems(), *([section_problem] if section_problem else [])],
        "scope": scope,
        "section": section,
        "section_links": section_links(request.GET, section),
        "csv_query": filters.urlencode(),
        **section.build(scope, reader),
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
