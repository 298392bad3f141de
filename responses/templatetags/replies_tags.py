"""Inclusion tags so the case page and the inbox show the replies panels without their views
knowing about replies."""

from __future__ import annotations

from django import template
from django.utils import timezone

from responses.followups import due_followups_for
from responses.models import Case
from responses.views.replies import panel_context

register = template.Library()


@register.inclusion_tag("responses/partials/reply_panel.html", takes_context=True)
def case_replies_panel(context: template.Context, case: Case) -> dict:
    """The reply, remedies, follow-ups and outcome of one case."""
    request = context["request"]
    return {
        **panel_context(case, request.user),
        "request": request,
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("responses/partials/reply_followups_due.html", takes_context=True)
def followups_due_panel(context: template.Context, user) -> dict:
    """Due follow-ups: of the cases assigned to `user`, or all of them for an owner."""
    due = list(due_followups_for(user, timezone.now())[:50])
    return {"due": due, "request": context.get("request")}
