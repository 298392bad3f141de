"""What anyone may fetch without signing in, meant for machines: the health check (uptime
monitors) and robots.txt (crawlers)."""

from __future__ import annotations

import logging

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from reviewwatch.health import check_broker, check_database
from reviewwatch.roles import is_owner

logger = logging.getLogger(__name__)


@login_not_required
@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """ok or failing per part for anyone; why it fails goes to the log and to logged-in owners."""
    errors = {"database": check_database(), "broker": check_broker()}
    for part, error in errors.items():
        if error is not None:
            logger.warning("healthz: %s failing: %s", part, error)
    # Reading the session needs the database, so reasons are shown only while it answers.
    show_reasons = errors["database"] is None and is_owner(request.user)
    body = {
        part: "ok" if error is None else (f"failing: {error}" if show_reasons else "failing")
        for part, error in errors.items()
    }
    healthy = all(error is None for error in errors.values())
    return JsonResponse(body, status=200 if healthy else 503)


ROBOTS_TXT = "User-agent: *\nAllow: /demo/\nDisallow: /\n"


@login_not_required
@require_GET
def robots_txt(request: HttpRequest) -> HttpResponse:
    """A private app: nothing to index, except the demo's sample pages the demo polls."""
    return HttpResponse(ROBOTS_TXT, content_type="text/plain")
