"""`{% case_clock case %}`: a case's response clock that keeps ticking in the page."""

from __future__ import annotations

from datetime import UTC, datetime

from django import template
from django.utils import timezone

from responses.cases import clock
from responses.models import Case

register = template.Library()


@register.inclusion_tag("responses/partials/case_clock.html")
def case_clock(case: Case) -> dict:
    """The clock as the server sees it now, with the due time and the server's time (UTC, to
    the millisecond) for static/js/clocks.js, which keeps the text and state class current
    without a reload."""
    now = timezone.now()
    return {
        "clock": clock(case, now),
        "due_at": _iso(case.due_at),
        "now": _iso(now),
    }


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds")
