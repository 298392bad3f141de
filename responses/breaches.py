"""Breach alerts: a case whose response clock ran out with no public reply emails its assignee
(or every owner, if nobody is assigned) once per clock.

Exactly-once in the way digests and alerts do it: the beat claims one breached case at a time
with a conditional UPDATE (only one claimer can set the marker for that clock, and PostgreSQL
re-checks the conditions after a lock wait), writing the timeline event in the same
transaction; each recipient's email then goes out through `send_once`, keyed by case, clock and
person, so a task that runs twice sends nothing more. A reopened case has a new clock_from, so
its next breach is a new claim.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F, Q, QuerySet

from monitors.models import Subject
from responses.cases import clock
from responses.models import OPEN_STATUSES, Case, DigestPreference, Event
from reviewwatch.emails import send_email, send_once
from reviewwatch.roles import OWNER

# At most this many cases claimed per beat tick: a backlog drains over a few ticks.
CLAIMS_PER_TICK = 200
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def breached(now: datetime) -> Q:
    """Open, never answered in public, and past its due time: the inbox's "Breached" filter.
    On the case row alone, so the inbox counts it without reading the mentions, and a
    conditional UPDATE re-checks all of it when it waits for a row lock."""
    return Q(status__in=OPEN_STATUSES, responded=False, due_at__lt=now)


def alertable(now: datetime) -> Q:
    """A breach worth an email: not on a competitor's case, where there is nothing to answer
    in public (such a case is opened by hand, and stays under Breached in the inbox)."""
    return breached(now) & ~Q(mention__subject=Subject.COMPETITOR)


def unalerted_breaches(now: datetime) -> QuerySet[Case]:
    """Breached cases whose current clock has not been alerted yet."""
    return Case.objects.filter(alertable(now)).exclude(breach_alerted_clock=F("clock_from"))


@dataclass(frozen=True)
class Breach:
    """A claimed breach: the case, the clock it is for, and who is to be emailed."""

    case_id: int
    clock_from: datetime
    recipient_ids: list[int]


def claim_next_breach(now: datetime) -> Breach | None:
    """Claim the most overdue unalerted breach and record it on the case's timeline; None when
    there is none left. Two beats at once never claim the same clock."""
    while True:
        candidate = unalerted_breaches(now).order_by("due_at", "id").first()
        if candidate is None:
            return None
        with transaction.atomic():
            claimed = Case.objects.filter(
                breached(now), pk=candidate.pk, clock_from=candidate.clock_from
            ).exclude(breach_alerted_clock=F("clock_from"))
            if claimed.update(breach_alerted_clock=F("clock_from")):
                people = list(recipients(candidate))
                Event.objects.create(
                    case=candidate,
                    at=now,
                    kind=Event.Kind.BREACHED,
                    old_value=f"due {candidate.due_at:%Y-%m-%d %H:%M} UTC",
                    new_value=_alerted_text(people),
                )
                return Breach(candidate.pk, candidate.clock_from, [p.pk for p in people])
        # Someone else claimed it (or it was answered) meanwhile: try the next one.


def _alerted_text(people: list) -> str:
    if not people:
        return "nobody to alert (email alerts switched off)"
    return ("alert emailed to " + ", ".join(p.email for p in people))[:500]


def recipients(case: Case) -> QuerySet:
    """The assignee if there is an active one, else every active owner; only people who kept
    "Email me when a response clock runs out" switched on (the default)."""
    people = get_user_model().objects.filter(is_active=True).exclude(email="")
    assignee = people.filter(pk=case.assignee_id)
    if case.assignee_id is None or not assignee.exists():
        people = people.filter(Q(is_superuser=True) | Q(groups__name=OWNER)).distinct()
    else:
        people = assignee
    return people.exclude(digest_preference__breach_alerts=False).order_by("email")


def alert_key(case_id: int, clock_from: datetime, user_id: int) -> str:
    micros = (clock_from - EPOCH) // timedelta(microseconds=1)
    return f"breach:{case_id}:{micros}:{user_id}"


def send_breach_email(case_id: int, clock_from: datetime, user_id: int, now: datetime) -> bool:
    """Email one person about one breached clock, once; True when it was sent now. Nothing is
    sent when the case was answered, closed or reopened meanwhile, or the person opted out."""
    case = (
        Case.objects.filter(alertable(now), pk=case_id, clock_from=clock_from)
        .select_related("mention__source", "assignee")
        .first()
    )
    person = recipients(case).filter(pk=user_id).first() if case else None
    if case is None or person is None:
        return False
    pref = DigestPreference.objects.filter(user=person).first()
    zone = pref.zone if pref else ZoneInfo(settings.TIME_ZONE)
    context = {
        "case": case,
        "mention": case.mention,
        "clock": clock(case, now),
        "due_local": case.due_at.astimezone(zone),
        "time_zone": str(zone),
        "recipient": person,
        "as_owner": case.assignee_id != person.pk,
    }
    return send_once(
        alert_key(case_id, clock_from, user_id),
        lambda: send_email("breach_alert", person.email, context),
    )
