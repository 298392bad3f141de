"""The owners' webhook pages: endpoints, their secret (shown once), events, on/off, and the
delivery log with "Resend"."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from responses.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from responses.notify import webhooks
from responses.notify.forms import EndpointEventsForm, EndpointForm
from responses.notify.tasks import resend_webhook
from reviewwatch.queue import BROKER_DOWN, enqueue
from reviewwatch.roles import owner_required

LOG_ROWS = 50
SECRET_KEY = "rw_new_webhook_secret"


@owner_required
def webhook_list(request: HttpRequest) -> HttpResponse:
    form = EndpointForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        endpoint, secret = webhooks.create_endpoint(
            data["url"], data["event_types"], data["description"], request.user
        )
        request.session[SECRET_KEY] = [endpoint.pk, secret]
        return redirect("webhook", endpoint_id=endpoint.pk)
    endpoints = WebhookEndpoint.objects.all()
    context = {"nav": "settings", "form": form, "endpoints": endpoints}
    return render(request, "responses/webhooks.html", context)


def _shown_once(request: HttpRequest, endpoint: WebhookEndpoint) -> str:
    stored = request.session.get(SECRET_KEY)
    if stored and stored[0] == endpoint.pk:
        del request.session[SECRET_KEY]
        return stored[1]
    return ""


@owner_required
def webhook_detail(request: HttpRequest, endpoint_id: int) -> HttpResponse:
    endpoint = get_object_or_404(WebhookEndpoint, pk=endpoint_id)
    form = EndpointEventsForm(
        request.POST or None,
        initial={"event_types": endpoint.event_types, "description": endpoint.description},
    )
    if request.method == "POST" and form.is_valid():
        endpoint.event_types = form.cleaned_data["event_types"]
        endpoint.description = form.cleaned_data["description"]
        endpoint.save(update_fields=["event_types", "description"])
        messages.success(request, "Events saved.")
        return redirect("webhook", endpoint_id=endpoint.pk)
    deliveries = (
        endpoint.deliveries.select_related("event")
        .prefetch_related(Prefetch("tries", queryset=WebhookAttempt.objects.order_by("-at")))
        .order_by("-created_at", "-id")[:LOG_ROWS]
    )
    context = {
        "nav": "settings",
        "endpoint": endpoint,
        "form": form,
        "secret": _shown_once(request, endpoint),
        "deliveries": deliveries,
        "max_attempts": webhooks.MAX_ATTEMPTS,
    }
    return render(request, "responses/webhook.html", context)


@owner_required
@require_POST
def webhook_resend(request: HttpRequest, endpoint_id: int, delivery_id: int) -> HttpResponse:
    delivery = get_object_or_404(WebhookDelivery, pk=delivery_id, endpoint_id=endpoint_id)
    if not delivery.endpoint.active:
        messages.error(request, "Switch the endpoint on first.")
    elif enqueue(resend_webhook, delivery.pk):
        messages.success(request, f"Resending {delivery.event.msg_id}: see the log in a moment.")
    else:
        messages.error(request, BROKER_DOWN)
    return redirect("webhook", endpoint_id=endpoint_id)


@owner_required
@require_POST
def webhook_switch(request: HttpRequest, endpoint_id: int) -> HttpResponse:
    endpoint = get_object_or_404(WebhookEndpoint, pk=endpoint_id)
    if request.POST.get("active") == "1":
        webhooks.switch_on(endpoint)
        messages.success(request, "Switched on: pending deliveries are sent within a minute.")
    else:
        WebhookEndpoint.objects.filter(pk=endpoint.pk).update(
            active=False, disabled_reason="Switched off by an owner."
        )
        messages.success(request, "Switched off: events are kept, nothing is sent.")
    return redirect("webhook", endpoint_id=endpoint.pk)


@owner_required
@require_POST
def webhook_secret(request: HttpRequest, endpoint_id: int) -> HttpResponse:
    endpoint = get_object_or_404(WebhookEndpoint, pk=endpoint_id)
    request.session[SECRET_KEY] = [endpoint.pk, webhooks.rotate_secret(endpoint)]
    messages.success(request, "New secret: the old one no longer verifies.")
    return redirect("webhook", endpoint_id=endpoint.pk)


@owner_required
@require_POST
def webhook_delete(request: HttpRequest, endpoint_id: int) -> HttpResponse:
    endpoint = get_object_or_404(WebhookEndpoint, pk=endpoint_id)
    endpoint.delete()
    messages.success(request, f"Deleted the endpoint {endpoint.url}.")
    return redirect("webhooks")
