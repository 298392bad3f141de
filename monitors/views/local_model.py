"""The owner's controls for the local adjustment, shown on Settings: switch it off or on, and
fit it again now."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from monitors.models import ClassificationRules
from monitors.tasks import train_local_model
from reviewwatch.queue import BROKER_DOWN, enqueue
from reviewwatch.roles import owner_required

SWITCH = {"1": True, "0": False}


def _back() -> HttpResponse:
    return redirect(reverse("settings") + "#negative-detection")


@owner_required
@require_POST
def local_adjustment_switch(request: HttpRequest) -> HttpResponse:
    use = SWITCH.get(request.POST.get("use", ""))
    if use is None:
        return HttpResponseBadRequest("Say use=1 (use the local adjustment) or use=0 (do not).")
    rules = ClassificationRules.current()
    rules.use_local_adjustment = use
    rules.save(update_fields=["use_local_adjustment", "updated_at"])
    messages.success(
        request,
        "New mentions are read with the local adjustment."
        if use
        else "New mentions are read with the shipped model alone.",
    )
    return _back()


@owner_required
@require_POST
def local_adjustment_run(request: HttpRequest) -> HttpResponse:
    if enqueue(train_local_model):
        messages.success(request, "Fitting the local adjustment now; reload in a minute.")
    else:
        messages.error(request, BROKER_DOWN)
    return _back()
