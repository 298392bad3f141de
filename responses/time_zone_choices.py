"""The time-zone picker's ~600 zones grouped by region, and when the next digest goes out in
words, in the zone the person chose."""

from __future__ import annotations

from datetime import datetime
from functools import cache
from zoneinfo import available_timezones

from responses.models import DigestPreference

REGIONS = (
    "Africa",
    "America",
    "Antarctica",
    "Arctic",
    "Asia",
    "Atlantic",
    "Australia",
    "Europe",
    "Indian",
    "Pacific",
)
OTHER = "Other and older names"

Choices = list[tuple[str, str | list[tuple[str, str]]]]


def _place(name: str) -> str:
    """ "America/Argentina/Buenos_Aires" -> "Argentina / Buenos Aires" (the region is the group)."""
    return name.split("/", 1)[1].replace("_", " ").replace("/", " / ")


@cache
def grouped_time_zones() -> Choices:
    """UTC first, then one group per region ("Europe": Amsterdam … Zurich), then the rest."""
    names = sorted(available_timezones())
    groups: Choices = [("UTC", "UTC")]
    for region in REGIONS:
        zones = [(name, _place(name)) for name in names if name.startswith(region + "/")]
        groups.append((region, sorted(zones, key=lambda zone: zone[1])))
    rest = [name for name in names if name.split("/", 1)[0] not in REGIONS and name != "UTC"]
    groups.append((OTHER, [(name, name.replace("_", " ")) for name in rest]))
    return groups


def _when(moment: datetime, pref: DigestPreference) -> str:
    """ "Mon 8 Jun, 08:00 Europe/Paris (CEST)"; the abbreviation only where it adds something."""
    local = moment.astimezone(pref.zone)
    zone, short = pref.zone.key, local.tzname() or ""
    named = zone if short in (zone, "") or short.startswith(("+", "-")) else f"{zone} ({short})"
    return f"{local:%a} {local.day} {local:%b}, {local:%H:%M} {named}"


def next_digest_words(pref: DigestPreference, now: datetime, saved: bool = True) -> str:
    """When this person's next digest goes out, in their zone: the scheduled time of the saved
    preference, or the one that unsaved choices on the form would give."""
    if pref.frequency == DigestPreference.Frequency.OFF:
        return "Digests are off."
    if pref.frequency == DigestPreference.Frequency.INSTANT:
        return "Digests go out within a minute of each new mention."
    due = pref.next_due_at if saved and pref.next_due_at else pref.next_due_after(now)
    if due is None:
        return "Digests are off."
    when = _when(max(due, now), pref)
    return f"Next digest: {when}." if saved else f"Once saved, the next digest goes out {when}."
