"""The demo's sample documents, served without log-in and with HTTP validators.

ETag and Last-Modified let the poller ask "has it changed?"; an unchanged document answers
304, so the demo's poll log shows the polite poller at work.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, HttpResponseNotFound
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.utils.http import http_date
from django.views.decorators.http import require_safe

from monitors.demo import demo_started_at, rendered

NOT_LOADED = "The demo is not loaded: run `manage.py load_demo` first.\n"


@login_not_required
@require_safe
def demo_document(request: HttpRequest, key: str) -> HttpResponse:
    started_at = demo_started_at()
    if started_at is None:
        return HttpResponseNotFound(NOT_LOADED, content_type="text/plain; charset=utf-8")
    reviews_url = request.build_absolute_uri(reverse("demo_reviews"))
    document = rendered(key, started_at, timezone.now(), reviews_url)
    response = HttpResponse(document.body, content_type=document.content_type)
    response["ETag"] = document.etag
    response["Last-Modified"] = http_date(document.last_modified.timestamp())
    response["Cache-Control"] = "no-cache"
    # The response itself, or a 304 (412 for If-Match) carrying its validators.
    return get_conditional_response(
        request,
        etag=document.etag,
        last_modified=int(document.last_modified.timestamp()),
        response=response,
    )
