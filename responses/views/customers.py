"""The Customers pages: the list by health, one customer's history, linking and unlinking their
records, escalation; and the owner's health thresholds with their audit trail."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from responses import customers
from responses.customer_card import send_after_commit_all
from responses.customer_forms import (
    CustomerEmailForm,
    CustomerFilterForm,
    EscalateForm,
    HealthSettingsForm,
)
from responses.customer_health import history_of, refresh
from responses.models import (
    Customer,
    CustomerRecord,
    Health,
    HealthSettings,
    HealthSettingsChange,
)
from responses.receivers.alerts import send_after_commit
from reviewwatch.request_values import whole_number
from reviewwatch.roles import owner_required

CUSTOMERS_PER_PAGE = 50
HISTORY_SHOWN = 50
SETTINGS_CHANGES_SHOWN = 20


def customer_list(request: HttpRequest) -> HttpResponse:
    form = CustomerFilterForm(request.GET)
    found = Customer.objects.prefetch_related(
        Prefetch("records", CustomerRecord.objects.select_related("source"))
    )
    if form.is_valid():
        if form.cleaned_data["health"]:
            found = found.filter(health=form.cleaned_data["health"])
        if form.cleaned_data["q"]:
            found = found.filter(records__author__icontains=form.cleaned_data["q"]).distinct()
    page = Paginator(found.order_by("name", "pk"), CUSTOMERS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    counts = dict(Customer.objects.values_list("health").annotate(n=Count("pk")).order_by())
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "nav": "customers",
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "counts": [(value, label, counts.get(value, 0)) for value, label in Health.choices],
        "matches": customers.likely_matches(),
    }
    return render(request, "responses/customers/list.html", context)


def customer_detail(request: HttpRequest, customer_id: int) -> HttpResponse:
    customer = get_object_or_404(Customer.objects.select_related("escalated_to"), pk=customer_id)
    history = (
        customers.mentions_of([customer.pk])
        .select_related("source", "case")
        .defer("html")
        .order_by("-when", "-pk")[:HISTORY_SHOWN]
    )
    context = {
        "nav": "customers",
        "customer": customer,
        "records": customer.records.select_related("source"),
        "history": history,
        "facts": history_of(customer, timezone.now()),
        "suggestions": customers.suggestions_for(customer),
        "events": customer.events.select_related("actor")[:HISTORY_SHOWN],
        "thanks": customer.thanks.select_related("mention__source", "thanked_by"),
        "asks": customer.asks.select_related("asked_by"),
        "email_form": CustomerEmailForm(instance=customer),
        "escalate_form": EscalateForm(initial={"person": customer.escalated_to}),
    }
    return render(request, "responses/customers/detail.html", context)


def _back(customer_id: int) -> HttpResponse:
    return redirect("customer", customer_id=customer_id)


@require_POST
def customer_link(request: HttpRequest, customer_id: int) -> HttpResponse:
    customer = get_object_or_404(Customer, pk=customer_id)
    other = Customer.objects.filter(pk=whole_number(request.POST.get("other", "")) or 0).first()
    if other is None:
        messages.error(request, "That customer no longer exists.")
        return _back(customer.pk)
    try:
        customers.link(customer, other, request.user)
    except customers.LinkError as error:
        messages.error(request, str(error))
        return _back(customer.pk)
    send_after_commit_all(refresh([customer.pk], timezone.now()))
    messages.success(request, f"Linked {other.name} to {customer.name}.")
    return _back(customer.pk)


@require_POST
def customer_unlink(request: HttpRequest, customer_id: int) -> HttpResponse:
    customer = get_object_or_404(Customer, pk=customer_id)
    record = CustomerRecord.objects.filter(
        customer=customer, pk=whole_number(request.POST.get("record", "")) or 0
    ).first()
    if record is None:
        messages.error(request, "That record is no longer linked to this customer.")
        return _back(customer.pk)
    try:
        alone = customers.unlink(record, request.user)
    except customers.LinkError as error:
        messages.error(request, str(error))
        return _back(customer.pk)
    send_after_commit_all(refresh([customer.pk, alone.pk], timezone.now()))
    messages.success(
        request, f"{record.author} on {record.source.name} is a customer of their own."
    )
    return _back(customer.pk)


@require_POST
def customer_email(request: HttpRequest, customer_id: int) -> HttpResponse:
    customer = get_object_or_404(Customer, pk=customer_id)
    form = CustomerEmailForm(request.POST, instance=customer)
    if form.is_valid():
        form.save()
        messages.success(request, "Email saved.")
    else:
        messages.error(request, "; ".join(form.errors["email"]))
    return _back(customer.pk)


@require_POST
def customer_escalate(request: HttpRequest, customer_id: int) -> HttpResponse:
    customer = get_object_or_404(Customer, pk=customer_id)
    form = EscalateForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose who to escalate to.")
        return _back(customer.pk)
    person = form.cleaned_data["person"]
    with transaction.atomic():
        send_after_commit(customers.escalate(customer, person, request.user))
    messages.success(request, f"Escalated to {person.email}; they have been emailed.")
    return _back(customer.pk)


@owner_required
def health_settings(request: HttpRequest) -> HttpResponse:
    form = HealthSettingsForm(request.POST or None, instance=HealthSettings.current())
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            changes = form.save_audited(request.user)
            if changes:  # everyone is judged again under the new rules, over the next passes
                Customer.objects.update(health_checked_at=None)
        messages.success(
            request,
            f"Health settings saved ({len(changes)} changed); colours follow over the next "
            "few minutes.",
        )
        return redirect("health_settings")
    context = {
        "nav": "settings",
        "form": form,
        "changes": HealthSettingsChange.objects.select_related("changed_by")[
            :SETTINGS_CHANGES_SHOWN
        ],
    }
    return render(request, "responses/customers/health_settings.html", context)
