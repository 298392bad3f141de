"""The owner's library of incident scripts: a holding statement per kind of incident and the
follow-up once it is fixed (seeded with outage, delivery delay, data issue and bad batch)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from responses.incident_forms import IncidentScriptForm
from responses.models import IncidentScript
from reviewwatch.roles import owner_required


@owner_required
def scripts(request: HttpRequest) -> HttpResponse:
    context = {"nav": "incidents", "scripts": IncidentScript.objects.all()}
    return render(request, "responses/incidents/scripts.html", context)


@owner_required
def script_edit(request: HttpRequest, script_id: int | None = None) -> HttpResponse:
    script = get_object_or_404(IncidentScript, pk=script_id) if script_id else None
    form = IncidentScriptForm(request.POST or None, instance=script)
    if request.method == "POST" and form.is_valid():
        saved = form.save()
        messages.success(request, f"Script \u201c{saved.name}\u201d saved.")
        return redirect("incident_scripts")
    context = {"nav": "incidents", "form": form, "script": script}
    return render(request, "responses/incidents/script_form.html", context)


@require_POST
@owner_required
def script_archive(request: HttpRequest, script_id: int) -> HttpResponse:
    script = get_object_or_404(IncidentScript, pk=script_id)
    script.archived = not script.archived
    script.save(update_fields=["archived"])
    state = "archived" if script.archived else "offered again"
    messages.success(request, f"Script \u201c{script.name}\u201d {state}.")
    return redirect("incident_scripts")
