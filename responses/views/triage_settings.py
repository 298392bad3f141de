"""Owner-only triage settings: response-time targets and the root-cause tag list."""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from responses.cases import apply_targets_to_unanswered_cases
from responses.forms import TriageSettingsForm
from responses.models import Tag, TriageSettings
from reviewwatch.roles import owner_required


def save_tag_list(names: list[str]) -> None:
    """Offer exactly these tags, in this order; tags no longer listed are archived, not deleted."""
    existing = {tag.name.casefold(): tag for tag in Tag.objects.all()}
    for position, name in enumerate(names):
        tag = existing.pop(name.casefold(), None) or Tag(name=name)
        tag.name, tag.position, tag.archived = name, position, False
        tag.save()
    Tag.objects.filter(pk__in=[tag.pk for tag in existing.values()]).update(archived=True)


@owner_required
def triage_settings(request: HttpRequest) -> HttpResponse:
    targets = TriageSettings.current()
    current_tags = "\n".join(Tag.objects.filter(archived=False).values_list("name", flat=True))
    form = TriageSettingsForm(
        request.POST or None, instance=targets, initial={"tag_names": current_tags}
    )
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            targets = form.save()
            save_tag_list(form.cleaned_data["tag_names"])
            moved = apply_targets_to_unanswered_cases(targets)
        messages.success(request, f"Triage settings saved; {moved} open cases got a new due time.")
        return redirect("triage_settings")
    return render(request, "responses/case_settings.html", {"nav": "settings", "form": form})
