"""/api/v1/reports: each report's figures for a range of days, the same rows as the Reports
page's CSV downloads (responses/reports/report_csv.py), in the person's time zone."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from monitors.models import Subject
from responses.api.base import ApiView
from responses.api.common import checked_query, errors
from responses.reports.report_csv import REPORT_TABLES
from responses.reports.scope_form import RANGE_CHOICES, ReportScopeForm
from reviewwatch.roles import is_owner


class ReportQuery(serializers.Serializer):
    range = serializers.ChoiceField(
        choices=[value for value, _ in RANGE_CHOICES],
        required=False,
        help_text="7, 30 (the default) or 90 days up to today, this year, or custom: since "
        "and until.",
    )
    since = serializers.DateField(required=False, help_text="The first day (range=custom).")
    until = serializers.DateField(required=False, help_text="The last day (range=custom).")
    source = serializers.ListField(
        child=serializers.IntegerField(), required=False, help_text="Source ids; all when none."
    )
    subject = serializers.ChoiceField(choices=Subject.choices, required=False)


class ReportName(serializers.Serializer):
    name = serializers.CharField()
    title = serializers.CharField()
    owners_only = serializers.BooleanField()


class ReportFigures(serializers.Serializer):
    report = serializers.CharField()
    title = serializers.CharField()
    first_day = serializers.DateField()
    last_day = serializers.DateField()
    time_zone = serializers.CharField()
    columns = serializers.ListField(child=serializers.CharField())
    rows = serializers.ListField(
        child=serializers.ListField(child=serializers.CharField(allow_blank=True)),
        help_text="One list per row, a text per column (numbers as written in the CSV).",
    )


class ReportList(ApiView):
    @extend_schema(
        operation_id="reports_list",
        summary="The reports there are",
        responses={200: ReportName(many=True), **errors(401, 429)},
    )
    def get(self, request: Request) -> Response:
        owner = is_owner(request.user)
        names = [
            {"name": name, "title": table.title, "owners_only": table.owner_only}
            for name, table in REPORT_TABLES.items()
            if owner or not table.owner_only
        ]
        return Response(names)


class ReportDetail(ApiView):
    @extend_schema(
        operation_id="reports_retrieve",
        summary="One report's figures for a range of days",
        parameters=[
            ReportQuery,
            OpenApiParameter(
                "report", OpenApiTypes.STR, OpenApiParameter.PATH, enum=list(REPORT_TABLES)
            ),
        ],
        responses={200: ReportFigures, **errors(400, 401, 403, 404, 429)},
    )
    def get(self, request: Request, report: str) -> Response:
        table = REPORT_TABLES.get(report)
        if table is None:
            raise Http404("No such report.")
        if table.owner_only and not is_owner(request.user):
            raise PermissionDenied
        ReportQuery(data=request.query_params).is_valid(raise_exception=True)
        query = request.query_params.copy()
        if "range" not in query and ("since" in query or "until" in query):
            query["range"] = "custom"
        zone = timezone.get_current_timezone()
        scope = checked_query(ReportScopeForm, query).scope(zone, timezone.localdate())
        return Response(
            {
                "report": report,
                "title": table.title,
                "first_day": scope.first_day,
                "last_day": scope.last_day,
                "time_zone": scope.zone.key,
                "columns": table.header(scope),
                "rows": [list(row) for row in table.rows(scope, zone)],
            }
        )
