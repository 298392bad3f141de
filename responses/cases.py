"""Opening cases, changing them with optimistic locking, and the response-time clock.

Every change goes through `change_case`, which writes the new values with
`UPDATE ... WHERE id = %s AND version = seen_version` and one Event per changed field in the
same transaction, so two people editing the same case never silently overwrite each other.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from monitors.models import Mention, Subject, stars
from responses.models import OPEN_STATUSES, Case, Event, Note, Tag, TriageSettings
from responses.notify.events import record_case_events
from reviewwatch.queue import enqueue

URGENT_MAX_RATING = Decimal(2)
CLOSED_STATUSES = (Case.Status.RESOLVED, Case.Status.DISMISSED)
MENTION_PATTERN = re.compile(r"(?<![\w.])@([\w.+-]+)")


class StaleCase(Exception):
    """The case changed since the person loaded it; their change was not applied."""

    def __init__(self, case: Case):
        super().__init__(f"Case {case.pk} changed meanwhile (now version {case.version}).")
        self.case = case


# --- Opening ---------------------------------------------------------------------------------


def severity_of(mention: Mention) -> str:
    low_stars = mention.rating is not None and mention.rating <= URGENT_MAX_RATING
    return (
        Case.Severity.URGENT if low_stars or mention.strongly_negative else Case.Severity.STANDARD
    )


def due_time(clock_from: datetime, severity: str, targets: TriageSettings) -> datetime:
    hours = targets.urgent_hours if severity == Case.Severity.URGENT else targets.standard_hours
    return clock_from + timedelta(hours=float(hours))


def _opening_values(mention: Mention, targets: TriageSettings, clock_from: datetime | None):
    severity = severity_of(mention)
    clock_from = clock_from or mention.negative_announced_at or mention.first_seen_at
    return {
        "severity": severity,
        "clock_from": clock_from,
        "due_at": due_time(clock_from, severity, targets),
        "rating_when_opened": mention.rating,
        "priority": Case.Priority.HIGH
        if severity == Case.Severity.URGENT
        else Case.Priority.NORMAL,
    }


def open_case(
    mention: Mention, actor=None, clock_from: datetime | None = None
) -> tuple[Case, bool]:
    """The case of this mention, opened now if it has none. Safe to call twice, even at once:
    the one-to-one column is unique in the database and get_or_create retries on conflict.

    The response clock starts at `clock_from` (a person opening a case by hand: now), else
    when the mention was seen negative (a review edited into negative starts it then, not when
    first seen), else when it was first seen."""
    defaults = _opening_values(mention, TriageSettings.current(), clock_from) | {"opened_by": actor}
    # Case and event together; inside an announcement's savepoint no second one is needed.
    with transaction.atomic(savepoint=False):
        case, created = Case.objects.get_or_create(mention=mention, defaults=defaults)
        if created:
            Event.objects.create(case=case, actor=actor, kind=Event.Kind.OPENED, new_value="new")
    return case, created


def open_cases_for_negative_mentions(mentions: list[Mention]) -> list[tuple[Mention, Case, bool]]:
    """Automatic opening, a poll's negatives at once: only for our own business, never for a
    competitor or blocked author. (mention, its case, whether it was opened now) each, in order.

    A case opened meanwhile by a person makes the insert fail on the unique mention column;
    the announcement then retries the mentions one by one (monitors.announce._announce)."""
    eligible = [m for m in mentions if m.subject != Subject.COMPETITOR and not m.author_blocked]
    if not eligible:
        return []
    existing = {case.mention_id: case for case in Case.objects.filter(mention__in=eligible)}
    targets = TriageSettings.current()
    fresh = [
        Case(mention=m, **_opening_values(m, targets, None))
        for m in eligible
        if m.pk not in existing
    ]
    with transaction.atomic(savepoint=False):
        Case.objects.bulk_create(fresh)
        Event.objects.bulk_create(
            Event(case=case, kind=Event.Kind.OPENED, new_value="new") for case in fresh
        )
    opened = {case.mention_id: case for case in fresh}
    return [
        (m, existing[m.pk], False) if m.pk in existing else (m, opened[m.pk], True)
        for m in eligible
    ]


def apply_targets_to_unanswered_cases(targets: TriageSettings) -> int:
    """Recompute the due time of open, unanswered cases after the owner changes the targets."""
    updated = 0
    for severity, hours in (
        (Case.Severity.URGENT, targets.urgent_hours),
        (Case.Severity.STANDARD, targets.standard_hours),
    ):
        updated += Case.objects.filter(
            status__in=OPEN_STATUSES, responded=False, severity=severity
        ).update(due_at=F("clock_from") + timedelta(hours=float(hours)))
    return updated


@dataclass(frozen=True)
class Clock:
    """What the response-time clock shows on a row: text and a state for the colour."""

    text: str
    state: str  # "overdue", "due-soon", "running", "answered", "closed"

    @property
    def ticks(self) -> bool:
        """Still counting down (or up, once overdue): the page updates it every 30 s."""
        return self.state in ("running", "due-soon", "overdue")


def clock(case: Case, now: datetime) -> Clock:
    if case.responded and case.first_responded_at:
        took = short_duration(case.first_responded_at - case.clock_from)
        return Clock(f"answered in {took}", "answered")
    if not case.is_open:
        return Clock("closed", "closed")
    left = case.due_at - now
    if left < timedelta(0):
        return Clock(f"{short_duration(-left)} overdue", "overdue")
    return Clock(
        f"{short_duration(left)} left", "due-soon" if left < timedelta(hours=1) else "running"
    )


def short_duration(delta: timedelta) -> str:
    minutes = max(0, int(delta.total_seconds() // 60))
    if minutes < 60:
        return f"{minutes} min"
    if minutes < 48 * 60:
        return f"{minutes // 60} h {minutes % 60:02d} min"
    return f"{minutes // (24 * 60)} days"


# --- Changing --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    """What a person asked for; None means "leave as it is".

    `answered`: a reply was posted (the only thing that counts as an answer in public), at
    `answered_at` when a platform confirmed it, else now.
    `reopen_because`: reopen the case for this new complaint, even from "Awaiting customer".
    """

    status: str | None = None
    dismiss_reason: str | None = None
    outcome: str | None = None
    assignee: Any = None  # a user, or UNASSIGN
    priority: int | None = None
    tags: list[Tag] | None = None
    answered: bool = False
    answered_at: datetime | None = None
    reopen_because: str | None = None


UNASSIGN = object()


def _display_user(user) -> str:
    return user.email if user else ""


def _status_label(status: str, reason: str = "") -> str:
    label = Case.Status(status).label
    return f"{label} ({Case.DismissReason(reason).label})" if reason else label


def change_case(case_id: int, seen_version: int, actor, change: Change) -> Case:
    """Apply a change made from version `seen_version`; raise StaleCase if someone was faster."""
    with transaction.atomic():
        case = Case.objects.select_related("assignee").get(pk=case_id)
        if case.version != seen_version:
            raise StaleCase(case)
        now = timezone.now()
        values, events = _field_updates(case, change, now)
        tag_event = None
        if change.tags is not None:
            old_tags = sorted(t.name for t in case.tags.all())
            new_tags = sorted(t.name for t in change.tags)
            if old_tags != new_tags:
                tag_event = (Event.Kind.TAGS, ", ".join(old_tags), ", ".join(new_tags))
        if not values and not tag_event:
            return case
        updated = Case.objects.filter(pk=case_id, version=seen_version).update(
            **values, version=F("version") + 1, updated_at=now
        )
        if not updated:
            raise StaleCase(Case.objects.get(pk=case_id))
        if tag_event:
            case.tags.set(change.tags)
            events.append(tag_event)
        written = Event.objects.bulk_create(
            Event(case_id=case_id, actor=actor, at=now, kind=kind, old_value=old, new_value=new)
            for kind, old, new in events
        )
        record_case_events(written)  # bulk_create sends no post_save
    return Case.objects.select_related("assignee").get(pk=case_id)


def _field_updates(case: Case, change: Change, now: datetime) -> tuple[dict, list[tuple]]:
    values: dict[str, Any] = {}
    events: list[tuple[str, str, str]] = []
    if change.status is not None and change.status != case.status:
        dismissing = change.status == Case.Status.DISMISSED
        reason = (change.dismiss_reason or "") if dismissing else ""
        values |= {"status": change.status, "dismiss_reason": reason}
        old = _status_label(case.status, case.dismiss_reason)
        events.append((Event.Kind.STATUS, old, _status_label(change.status, reason)))
        if change.status in CLOSED_STATUSES:
            values["resolved_at"] = now
        else:
            values["resolved_at"] = None
    reopened_by_hand = case.status in CLOSED_STATUSES and change.status in OPEN_STATUSES
    if change.reopen_because is not None or reopened_by_hand:
        _reopen(case, change, now, values, events)
    if change.answered and not case.responded:
        values |= {"responded": True, "first_responded_at": change.answered_at or now}
    if change.outcome is not None and change.outcome.strip() != case.outcome:
        values["outcome"] = change.outcome.strip()
        events.append((Event.Kind.OUTCOME, case.outcome[:500], change.outcome.strip()[:500]))
    if change.assignee is not None:
        new_assignee = None if change.assignee is UNASSIGN else change.assignee
        if new_assignee != case.assignee:
            values["assignee"] = new_assignee
            old, new = _display_user(case.assignee), _display_user(new_assignee)
            events.append((Event.Kind.ASSIGNEE, old, new))
    if change.priority is not None and change.priority != case.priority:
        values["priority"] = change.priority
        old, new = Case.Priority(case.priority).label, Case.Priority(change.priority).label
        events.append((Event.Kind.PRIORITY, old, new))
    return values, events


def _reopen(case: Case, change: Change, now: datetime, values: dict, events: list) -> None:
    """A reopened case is a new complaint: a new response clock and due time, no answer yet,
    and the old outcome cleared."""
    severity = severity_of(case.mention)
    values |= {
        "clock_from": now,
        "due_at": due_time(now, severity, TriageSettings.current()),
        "severity": severity,
        "responded": False,
        "first_responded_at": None,
        "outcome": "",
    }
    if case.outcome:
        events.append((Event.Kind.OUTCOME, case.outcome[:500], ""))
    events.append((Event.Kind.REOPENED, "", (change.reopen_because or "")[:500]))


def merge_case(case_id: int, seen_version: int, into: Case, actor) -> Case:
    """Close a duplicate case into another; its mention shows as related on the other case."""
    if into.pk == case_id or into.merged_into_id == case_id:
        raise ValueError("A case cannot be merged into itself.")
    with transaction.atomic():
        case = change_case(
            case_id,
            seen_version,
            actor,
            Change(status=Case.Status.DISMISSED, dismiss_reason=Case.DismissReason.DUPLICATE),
        )
        Case.objects.filter(pk=case_id).update(merged_into=into)
        Event.objects.create(
            case=case, actor=actor, kind=Event.Kind.MERGED, new_value=f"into case {into.pk}"
        )
        Event.objects.create(
            case=into, actor=actor, kind=Event.Kind.MERGED, new_value=f"case {case.pk} merged in"
        )
    return case


def merge_fresh_cases(cases: list[Case], into: Case) -> None:
    """merge_case for cases this poll has just opened (status New, nobody has seen them):
    the same changes and events, in one UPDATE and one INSERT."""
    if not cases:
        return
    now = timezone.now()
    new = _status_label(Case.Status.NEW)
    dismissed = _status_label(Case.Status.DISMISSED, Case.DismissReason.DUPLICATE)
    Case.objects.filter(pk__in=[case.pk for case in cases], status=Case.Status.NEW).update(
        status=Case.Status.DISMISSED,
        dismiss_reason=Case.DismissReason.DUPLICATE,
        resolved_at=now,
        merged_into=into,
        version=F("version") + 1,
        updated_at=now,
    )
    events = []
    for case in cases:
        events += [
            Event(case=case, at=now, kind=Event.Kind.STATUS, old_value=new, new_value=dismissed),
            Event(case=case, at=now, kind=Event.Kind.MERGED, new_value=f"into case {into.pk}"),
            Event(case=into, at=now, kind=Event.Kind.MERGED, new_value=f"case {case.pk} merged in"),
        ]
    Event.objects.bulk_create(events)


# --- Notes -----------------------------------------------------------------------------------


def mentioned_colleagues(body: str, author) -> list:
    """Active people named as @name, name being the part of their email before the @."""
    names = {name.rstrip(".").casefold() for name in MENTION_PATTERN.findall(body)}
    if not names:
        return []
    people = get_user_model().objects.filter(is_active=True).exclude(pk=getattr(author, "pk", None))
    return [p for p in people if p.email.split("@", 1)[0].casefold() in names]


def add_note(case: Case, author, body: str) -> Note:
    """Store an internal note; once it is saved, a task emails each colleague it @mentions."""
    from responses.tasks import send_note_mention  # tasks imports this module (via digests)

    with transaction.atomic():
        note = Note.objects.create(case=case, author=author, body=body.strip())
        Event.objects.create(
            case=case, actor=author, at=note.created_at, kind=Event.Kind.NOTE, note=note
        )
        for person in mentioned_colleagues(body, author):
            transaction.on_commit(lambda pk=person.pk: enqueue(send_note_mention, note.pk, pk))
    return note


def record_mention_edit(mention: Mention, old: dict, new: dict) -> None:
    """A review with a case was edited: say so on the case's timeline (e.g. 2★ → 4★)."""
    case = Case.objects.filter(mention=mention).first()
    if case is None:
        return
    if "rating" in old or "rating" in new:
        before, after = _stars(old.get("rating")), _stars(new.get("rating"))
    else:
        before, after = "", ", ".join(sorted(new)) + " changed"
    Event.objects.create(
        case=case, kind=Event.Kind.MENTION_EDITED, old_value=before, new_value=after
    )


def _stars(rating: Decimal | None) -> str:
    return stars(rating) or "no rating"
