"""The case page's incident card, without the case view knowing about incidents: which
incidents the case's review is part of, and for owners the open ones it may be added to."""

from __future__ import annotations

from django import template

from responses.models import Case, Incident
from reviewwatch.roles import is_owner

register = template.Library()


@register.inclusion_tag("responses/incidents/partials/case_card.html", takes_context=True)
def case_incidents(context: template.Context, case: Case) -> dict:
    request = context["request"]
    part_of = list(
        Incident.objects.filter(
            links__mention_id=case.mention_id, links__removed_at__isnull=True
        ).order_by("-started_at")
    )
    owner = is_owner(request.user)
    addable = []
    if owner:
        addable = list(
            Incident.objects.exclude(status=Incident.Status.RESOLVED)
            .exclude(pk__in=[incident.pk for incident in part_of])
            .order_by("started_at")
        )
    return {
        "case": case,
        "part_of": part_of,
        "addable": addable,
        "is_owner": owner,
        "csrf_token": context.get("csrf_token"),
    }
