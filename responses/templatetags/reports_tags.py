"""How report figures read: "42%", "+3", "−25%", "1 h 05 min"."""

from __future__ import annotations

from datetime import timedelta

from django import template

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
