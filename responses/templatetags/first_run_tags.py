"""`{% first_run_checklist %}`: the owner's getting-started list on the inbox (see
responses/checklist.py), nothing for staff or once every step is done."""

from __future__ import annotations

from django import template

from responses.checklist import checklist_for

register = template.Library()


@register.inclusion_tag("responses/partials/first_run.html", takes_context=True)
def first_run_checklist(context: template.Context) -> dict:
    request = context["request"]
    return {"first_run": checklist_for(request.user, bool(context.get("is_owner")))}
