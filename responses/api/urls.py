"""/api/v1/ (token-authenticated JSON, outside the sign-in redirect) and the pages around it."""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.renderers import OpenApiJsonRenderer
from drf_spectacular.views import SpectacularAPIView
from rest_framework.permissions import AllowAny

from responses.api import pages
from responses.api.views import cases, mentions, replies, reports, sources


class OpenApiDocument(SpectacularAPIView):
    """The OpenAPI 3 description, as JSON, for anyone: it holds no data."""

    renderer_classes = [OpenApiJsonRenderer]
    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = []


@csrf_exempt
@login_not_required
def not_found(request: HttpRequest, rest: str) -> JsonResponse:
    """Any other address under /api/v1/: a JSON 404, as the API's own 404s are."""
    return JsonResponse({"detail": "There is nothing at this address."}, status=404)


def api(route: str, view, name: str):
    """An API route: the API answers 401 itself, so the pages' sign-in redirect stays out."""
    return path(f"api/v1/{route}", login_not_required(view.as_view()), name=name)


urlpatterns = [
    api("openapi.json", OpenApiDocument, "api_schema"),
    api("mentions", mentions.MentionList, "api_mentions"),
    api("mentions/<int:mention_id>", mentions.MentionDetail, "api_mention"),
    api("cases", cases.CaseList, "api_cases"),
    api("cases/<int:case_id>", cases.CaseDetail, "api_case"),
    api("cases/<int:case_id>/notes", cases.CaseNotes, "api_case_notes"),
    api("cases/<int:case_id>/reply", replies.Reply, "api_reply"),
    api("cases/<int:case_id>/reply/submit", replies.ReplySubmit, "api_reply_submit"),
    api("cases/<int:case_id>/reply/approve", replies.ReplyApprove, "api_reply_approve"),
    api("sources", sources.SourceList, "api_sources"),
    api("sources/<int:source_id>", sources.SourceDetail, "api_source"),
    api("sources/<int:source_id>/pause", sources.SourcePause, "api_source_pause"),
    api("reports", reports.ReportList, "api_reports"),
    api("reports/<slug:report>", reports.ReportDetail, "api_report"),
    path("api/v1/", pages.api_reference, name="api_reference"),
    path("api/v1/<path:rest>", not_found, name="api_not_found"),
    path("settings/api-tokens/", pages.api_tokens, name="api_tokens"),
    path(
        "settings/api-tokens/<int:token_id>/revoke",
        pages.api_token_revoke,
        name="api_token_revoke",
    ),
]
