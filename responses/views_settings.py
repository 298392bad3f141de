"""The Settings page: the person's own account, and the state of the background processes."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from reviewwatch.models import Heartbeat
from reviewwatch.roles import role_of


def settings_page(request: HttpRequest) -> HttpResponse:
    context = {
        "nav": "settings",
        "role": role_of(request.user),
        "heartbeats": Heartbeat.objects.order_by("name"),
    }
    return render(request, "responses/settings.html", context)
