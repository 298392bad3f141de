"""/demo/play/: the demo's Google Play Developer API (see monitors/demo_play.py).

Like Google's, it takes no cookies and no CSRF token: callers sign their token request with the
demo service account's key and send the token they got back as a bearer token.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from monitors import demo_play
from monitors.demo_play import DemoApiError

MAX_PAGE = 100


def _answer(call: Callable[[], dict]) -> JsonResponse:
    try:
        return JsonResponse(call())
    except DemoApiError as error:
        if error.reason in ("invalid_grant", "unsupported_grant_type"):  # OAuth's error shape
            body = {"error": error.reason, "error_description": error.message}
            return JsonResponse(body, status=error.status)
        return JsonResponse(error.body(), status=error.status)


@csrf_exempt
@login_not_required
@require_POST
def token(request: HttpRequest) -> JsonResponse:
    grant, assertion = request.POST.get("grant_type", ""), request.POST.get("assertion", "")
    return _answer(lambda: demo_play.issue_token(grant, assertion))


def _signed(request: HttpRequest, package: str) -> None:
    demo_play.check_token(request.headers.get("Authorization", ""), package)


@login_not_required
@require_GET
def reviews(request: HttpRequest, package: str) -> JsonResponse:
    def listed() -> dict:
        _signed(request, package)
        size = request.GET.get("maxResults", "10")
        size = min(int(size), MAX_PAGE) if size.isdigit() and int(size) > 0 else 10
        return demo_play.page(timezone.now(), size, request.GET.get("token", ""))

    return _answer(listed)


@login_not_required
@require_GET
def review(request: HttpRequest, package: str, review_id: str) -> JsonResponse:
    def found() -> dict:
        _signed(request, package)
        return demo_play.one_review(review_id, timezone.now())

    return _answer(found)


@csrf_exempt
@login_not_required
@require_POST
def reply(request: HttpRequest, package: str, review_id: str) -> JsonResponse:
    def replied() -> dict:
        _signed(request, package)
        return demo_play.reply(review_id, request.body, timezone.now())

    return _answer(replied)
