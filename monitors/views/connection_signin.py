"""Signing in at a platform (OAuth 2.0 authorization code) for a connection: Google Business
Profile and Trustpilot let ReviewWatch act for the owner's own account.

The owner is sent to the platform with a one-time `state` kept in their session; the platform
sends the browser back to one fixed address (registered with the platform) with a code. The web
process never sees the client secret: the worker trades the code for tokens
(monitors.tasks.finish_sign_in) and the connection page polls for the verdict, as after
"Test connection".
"""

from __future__ import annotations

import secrets

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from monitors.models import Connection
from monitors.platforms import spec_for
from monitors.tasks import finish_sign_in
from reviewwatch.queue import BROKER_DOWN, enqueue
from reviewwatch.roles import owner_required

SESSION_KEY = "platform_sign_in"
MAX_CODE_LENGTH = 2000


def callback_url(request: HttpRequest) -> str:
    """The one address to register with the platform as the OAuth redirect URI."""
    return request.build_absolute_uri(reverse("connection_signed_in"))


@owner_required
@require_POST
def connection_sign_in(request: HttpRequest, pk: int) -> HttpResponse:
    connection = get_object_or_404(Connection, pk=pk)
    oauth = spec_for(connection.platform).oauth
    if oauth is None:
        messages.error(request, "This platform needs no sign-in: its key is enough.")
        return redirect("connection_detail", pk)
    state = secrets.token_urlsafe(32)
    request.session[SESSION_KEY] = {"state": state, "connection": connection.pk}
    return redirect(oauth.authorize_url(connection.config, callback_url(request), state))


@owner_required
@require_GET
def connection_signed_in(request: HttpRequest) -> HttpResponse:
    """Where the platform sends the owner back, with a code or the reason it did not."""
    expected = request.session.pop(SESSION_KEY, None) or {}
    state = request.GET.get("state", "")
    if not expected or not secrets.compare_digest(state, expected.get("state", "")):
        messages.error(
            request,
            "This sign-in link is not the one ReviewWatch started (or it was used already): "
            "start again from the connection's page.",
        )
        return redirect("connection_list")
    connection = get_object_or_404(Connection, pk=expected["connection"])
    name = spec_for(connection.platform).name
    if request.GET.get("error"):
        refusal = request.GET.get("error_description") or request.GET["error"]
        messages.error(request, f"{name} did not sign you in: {refusal[:200]}")
        return redirect("connection_detail", connection.pk)
    code = request.GET.get("code", "")
    if not code or len(code) > MAX_CODE_LENGTH:
        messages.error(request, f"{name} sent you back without a usable sign-in code.")
        return redirect("connection_detail", connection.pk)
    Connection.objects.filter(pk=connection.pk).update(
        checks=[], checks_target=connection.checks_target or "-", checked_at=None
    )
    if not enqueue(finish_sign_in, connection.pk, code, callback_url(request)):
        Connection.objects.filter(pk=connection.pk).update(checks_target="")
        messages.error(request, BROKER_DOWN)
    else:
        messages.success(request, f"Signed in at {name}: finishing the connection…")
    return redirect("connection_detail", connection.pk)
