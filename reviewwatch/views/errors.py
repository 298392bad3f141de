"""Error pages a person can read and leave: 404, 403, 405 and a refused form (CSRF), each in
the site's layout with a way back to the inbox (or to the login page when logged out).

A refused request is logged as one line (who, which method and path), never a traceback: a
staff member opening an owner's page is a normal event, not a fault to debug.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

logger = logging.getLogger("reviewwatch.refused")


def who(request: HttpRequest) -> str:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return "anonymous"
    return user.get_username()


def _logged_once(response: HttpResponse) -> HttpResponse:
    """Tell Django's request logger that this response was logged already (here, in one line);
    otherwise it logs it again with the exception's traceback."""
    response._has_been_logged = True
    return response


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    return render(request, "404.html", status=404)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    logger.warning("403 refused %s %s %s", who(request), request.method, request.path)
    context = {"explanation": str(exception)}
    return _logged_once(render(request, "403.html", context, status=403))


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form sent without a valid CSRF token: usually a page left open across a log-out, a
    log-in in another tab, or cookies blocked."""
    logger.warning(
        "403 CSRF refused %s %s %s: %s", who(request), request.method, request.path, reason
    )
    return _logged_once(render(request, "403_csrf.html", status=403))


def method_not_allowed(request: HttpRequest, allowed: str) -> HttpResponse:
    context = {"allowed": allowed}
    response = render(request, "405.html", context, status=405)
    response["Allow"] = allowed
    return response


class StyledMethodNotAllowedMiddleware:
    """Django's require_POST and friends answer 405 with an empty body, which a browser shows
    as a blank page; give it the styled page (the Allow header stays)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code != 405 or response.streaming or response.content:
            return response
        styled = method_not_allowed(request, response.get("Allow", ""))
        styled._has_been_logged = getattr(response, "_has_been_logged", False)
        return styled
