"""Sources → Connections (owner only): connect a platform account, test it, and add the
sources that read an app, a location or a business unit through it.

The web process stores credentials (encrypted) but never calls a platform with them: "Test
connection" runs on the worker (monitors.tasks.test_connection) and the page polls for its
verdict.
"""

from __future__ import annotations

from django.contrib import messages
from django.db.models import ProtectedError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from monitors import credentials
from monitors.forms_connections import PlatformSourceForm, TestConnectionForm
from monitors.models import Connection, Source
from monitors.platforms import all_specs, base_url, spec_for
from monitors.platforms.base import PlatformSpec
from monitors.tasks import test_connection
from monitors.views.connection_signin import callback_url
from reviewwatch.queue import BROKER_DOWN, enqueue
from reviewwatch.roles import owner_required


def _spec_or_404(platform: str) -> PlatformSpec:
    try:
        return spec_for(platform)
    except KeyError:
        raise Http404("No such platform.") from None


@owner_required
@require_GET
def connection_list(request: HttpRequest) -> HttpResponse:
    context = {
        "connections": Connection.objects.prefetch_related("sources"),
        "platforms": all_specs().values(),
        "nav": "sources",
    }
    return render(request, "monitors/connection_list.html", context)


def _save_connection(request: HttpRequest, spec: PlatformSpec, connection: Connection | None):
    form = spec.form(request.POST or None, request.FILES or None, connection=connection)
    if request.method == "POST" and form.is_valid():
        stored = credentials.decrypt(connection.secrets) if connection else {}
        config, secrets, hint = form.credentials(stored)
        if connection and secrets.get("refresh_token") and "signed_in_at" in connection.config:
            config["signed_in_at"] = connection.config["signed_in_at"]  # still signed in
        connection = connection or Connection(platform=spec.key)
        connection.name = form.cleaned_data["name"]
        connection.base_url = form.cleaned_data.get("base_url", "") or ""
        connection.config, connection.secrets_hint = config, hint[:300]
        connection.secrets = credentials.encrypt(secrets)
        connection.status, connection.status_message = Connection.Status.UNTESTED, ""
        connection.checks, connection.checked_at = [], None
        connection.save()
        messages.success(request, f"Saved {connection.name}. Test it, then add what it reads.")
        return redirect("connection_detail", connection.pk)
    context = {"form": form, "spec": spec, "connection": connection, "nav": "sources"}
    return render(request, "monitors/connection_form.html", context)


@owner_required
def connection_add(request: HttpRequest, platform: str) -> HttpResponse:
    return _save_connection(request, _spec_or_404(platform), None)


@owner_required
def connection_edit(request: HttpRequest, pk: int) -> HttpResponse:
    connection = get_object_or_404(Connection, pk=pk)
    return _save_connection(request, _spec_or_404(connection.platform), connection)


def _detail_context(
    request: HttpRequest, connection: Connection, source_form: PlatformSourceForm | None = None
):
    spec = spec_for(connection.platform)
    sources = list(connection.sources.all())
    targets = connection.config.get("targets", [])
    return {
        "connection": connection,
        "spec": spec,
        "sources": sources,
        "testing": connection.checked_at is None and bool(connection.checks_target),
        "source_form": source_form
        or PlatformSourceForm(target_label=spec.target_label, targets=targets),
        "targets": targets,
        "signed_in_at": connection.config.get("signed_in_at"),
        "callback_url": callback_url(request) if spec.oauth else "",
        "test_target": connection.checks_target or (sources[0].platform_target if sources else ""),
        "nav": "sources",
    }


@owner_required
@require_GET
def connection_detail(request: HttpRequest, pk: int) -> HttpResponse:
    connection = get_object_or_404(Connection, pk=pk)
    return render(request, "monitors/connection_detail.html", _detail_context(request, connection))


@owner_required
@require_GET
def connection_checks(request: HttpRequest, pk: int) -> HttpResponse:
    """The htmx half of "Test connection": the verdict, or "testing" until the worker is done."""
    connection = get_object_or_404(Connection, pk=pk)
    return render(request, "monitors/_connection_checks.html", _detail_context(request, connection))


@owner_required
@require_POST
def connection_test(request: HttpRequest, pk: int) -> HttpResponse:
    connection = get_object_or_404(Connection, pk=pk)
    form = TestConnectionForm(request.POST)
    target = form.cleaned_data["target"] if form.is_valid() else ""
    Connection.objects.filter(pk=pk).update(checks=[], checks_target=target or "-", checked_at=None)
    if not enqueue(test_connection, connection.pk, target):
        Connection.objects.filter(pk=pk).update(checks_target="")
        messages.error(request, BROKER_DOWN)
    return redirect("connection_detail", connection.pk)


@owner_required
@require_POST
def connection_source_add(request: HttpRequest, pk: int) -> HttpResponse:
    connection = get_object_or_404(Connection, pk=pk)
    spec = spec_for(connection.platform)
    targets = connection.config.get("targets", [])
    form = PlatformSourceForm(request.POST, target_label=spec.target_label, targets=targets)
    if not form.is_valid():
        context = _detail_context(request, connection, source_form=form)
        return render(request, "monitors/connection_detail.html", context, status=400)
    source = form.save(commit=False)
    source.kind, source.connection = connection.platform, connection
    source.url = base_url(connection) + "/"  # politeness is owed to the API's host
    source.save()
    messages.success(request, f"Added {source.name}: its first poll is due now.")
    return redirect("source_detail", source.pk)


@owner_required
def connection_delete(request: HttpRequest, pk: int) -> HttpResponse:
    connection = get_object_or_404(Connection, pk=pk)
    if request.method == "POST":
        try:
            connection.delete()
        except ProtectedError:
            messages.error(request, "Delete the sources that read through this connection first.")
            return redirect("connection_detail", pk)
        messages.success(request, f"Deleted {connection.name} and its stored credentials.")
        return redirect("connection_list")
    context = {
        "connection": connection,
        "nav": "sources",
        "cancel": reverse("connection_detail", args=[pk]),
    }
    return render(request, "monitors/connection_confirm_delete.html", context)


def platform_source_edit(request: HttpRequest, source: Source) -> HttpResponse:
    """A platform source's own settings; what it reads is fixed (another target, another
    source). Reached through source_edit, which checks the owner."""
    form = PlatformSourceForm(request.POST or None, instance=source)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, f"Saved {source.name}.")
        return redirect("source_detail", source.pk)
    context = {"form": form, "source": source, "nav": "sources"}
    return render(request, "monitors/platform_source_form.html", context)
