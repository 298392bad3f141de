"""How report figures read: "42%", "+3", "−25%", "1 h 05 min"; and a table's CSV link."""

from __future__ import annotations

from datetime import timedelta

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString

from responses.cases import short_duration

register = template.Library()


@register.filter
def percent(share: float | None) -> str:
    """A share (0..1) as a whole percentage."""
    return "—" if share is None else f"{round(100 * share)}%"


@register.filter
def signed(number: int) -> str:
    return f"+{number}" if number > 0 else f"−{-number}" if number < 0 else "±0"


@register.filter
def signed_percent(value: float | None) -> str:
    """A change already in percent (e.g. 50.0 for +50%)."""
    return "—" if value is None else f"{signed(round(value))}%"


@register.filter
def duration(delta: timedelta | None) -> str:
    return "—" if delta is None else short_duration(delta)


@register.simple_tag
def csv_link(report: str, query: str, what: str) -> SafeString:
    """ "Download CSV" for one report's table, under the page's filters (its query string)."""
    url = reverse("report_csv", args=[report]) + (f"?{query}" if query else "")
    return format_html(
        '<p class="csv-link"><a href="{}" download aria-label="Download CSV: {}">'
        "Download CSV</a></p>",
        url,
        what,
    )
