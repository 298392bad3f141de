"""Recording what happened as NotifyEvents, each once, in the transaction that made it happen.

An event's key names the fact it reports (a case event, a reply decision, a revision), so a
hook that runs twice records nothing more. Its payload is fixed when recorded: every delivery
and retry sends the same body. The fan-out is queued once the transaction commits (and the
beat sweeps up any whose queueing was lost).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import wraps
from typing import ParamSpec

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from monitors.models import Mention, Revision, Source, stars
from responses.models import (
    Case,
    Channel,
    Event,
    Incident,
    IncidentEvent,
    NotifyEvent,
    ReplyDecision,
    WebhookEndpoint,
)
from reviewwatch.links import absolute_url

Type = NotifyEvent.Type
FIRST_LINE_CHARS = 200
P = ParamSpec("P")
DECISION_TYPES = {
    ReplyDecision.Kind.SUBMITTED: Type.REPLY_SUBMITTED,
    ReplyDecision.Kind.APPROVED: Type.REPLY_APPROVED,
    ReplyDecision.Kind.RETURNED: Type.REPLY_RETURNED,
    ReplyDecision.Kind.POSTED: Type.REPLY_POSTED,
}


def first_line(mention: Mention) -> str:
    for text in (mention.title, mention.text):
        line = next((line.strip() for line in text.splitlines() if line.strip()), "")
        if line:
            return line if len(line) <= FIRST_LINE_CHARS else line[: FIRST_LINE_CHARS - 1] + "…"
    return ""


def mention_data(mention: Mention, case_id: int | None = None) -> dict:
    """The mention as every payload shows it, with the link to its case when it has one."""
    return {
        "id": mention.pk,
        "source": mention.source.name,
        "author": mention.author,
        "rating": None if mention.rating is None else float(mention.rating),
        "stars": stars(mention.rating) if mention.rating is not None else "",
        "label": mention.label,
        "first_line": first_line(mention),
        "url": mention.url,
        "case_url": absolute_url("case", case_id=case_id) if case_id else "",
    }


def case_data(case: Case) -> dict:
    return {
        "id": case.pk,
        "status": case.status,
        "severity": case.severity,
        "priority": case.priority,
        "assignee": case.assignee.email if case.assignee else "",
        "due_at": case.due_at.isoformat(),
        "url": absolute_url("case", case_id=case.pk),
    }


def anyone_listening() -> bool:
    """An installation without endpoints or channels records nothing (one query a hook, written
    out: a poll asks it twice, and the ORM's union took three times the database's time)."""
    endpoints = connection.ops.quote_name(WebhookEndpoint._meta.db_table)
    channels = connection.ops.quote_name(Channel._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT EXISTS (SELECT 1 FROM {endpoints} WHERE active = %s)"
            f" OR EXISTS (SELECT 1 FROM {channels})",
            [True],
        )
        return bool(cursor.fetchone()[0])


def when_listened(hook: Callable[P, None]) -> Callable[P, None]:
    """Skip the hook (and its queries) while there is no endpoint and no channel."""

    @wraps(hook)
    def wrapped(*args: P.args, **kwargs: P.kwargs) -> None:
        if anyone_listening():
            hook(*args, **kwargs)

    return wrapped


@dataclass(frozen=True)
class Fact:
    """One event to record: its type, the key of the fact it reports, its data, its time."""

    type: str
    key: str
    data: dict
    at: datetime


def record_all(facts: list[Fact]) -> None:
    """A poll's events in one INSERT; those recorded already are skipped. The new ones' fan-out
    is queued on commit."""
    if not facts:
        return
    NotifyEvent.objects.bulk_create(
        [
            NotifyEvent(
                type=fact.type,
                key=fact.key,
                payload={"type": fact.type, "timestamp": fact.at.isoformat(), "data": fact.data},
                created_at=fact.at,
            )
            for fact in facts
        ],
        ignore_conflicts=True,
    )
    keys = [fact.key for fact in facts]
    transaction.on_commit(lambda: _queue_fan_out(keys))


def _queue_fan_out(keys: list[str]) -> None:
    from responses.notify.tasks import fan_out_event  # tasks imports this module's users

    waiting = NotifyEvent.objects.filter(key__in=keys, fanned_out_at__isnull=True)
    for event_id in waiting.order_by("pk").values_list("pk", flat=True):
        fan_out_event.delay(event_id)


def record(type_: str, key: str, data: dict, at: datetime | None = None) -> NotifyEvent | None:
    """The event, new; None when it was recorded already. Its fan-out is queued on commit."""
    at = at or timezone.now()
    payload = {"type": type_, "timestamp": at.isoformat(), "data": data}
    try:
        with transaction.atomic():
            event = NotifyEvent.objects.create(type=type_, key=key, payload=payload, created_at=at)
    except IntegrityError:
        return None
    from responses.notify.tasks import fan_out_event  # tasks imports this module's users

    transaction.on_commit(lambda: fan_out_event.delay(event.pk))
    return event


# --- One function per fact -------------------------------------------------------------------


@when_listened
def record_mentions_created(mentions: list[Mention]) -> None:
    """A poll's new mentions (not a new source's history): there is no case yet."""
    record_all(
        [
            Fact(
                Type.MENTION_CREATED,
                f"mention.created:{mention.pk}",
                {"mention": mention_data(mention)},
                mention.first_seen_at,
            )
            for mention in mentions
        ]
    )


@when_listened
def record_negative_mentions(opened: list[tuple[Mention, Case, bool]]) -> None:
    """A poll's newly announced negatives (with their cases) and the cases it opened."""
    now = timezone.now()
    sources = Source.objects.in_bulk({mention.source_id for mention, _, _ in opened})
    facts = []
    for mention, case, created in opened:
        mention.source = sources[mention.source_id]  # one query for the poll, not one each
        data = {"mention": mention_data(mention, case.pk), "case": case_data(case)}
        facts.append(Fact(Type.MENTION_NEGATIVE, f"mention.negative:{mention.pk}", data, now))
        if created:
            facts.append(Fact(Type.CASE_OPENED, f"case.opened:{case.pk}", data, now))
    record_all(facts)


@when_listened
def record_case_opened(case: Case) -> None:
    data = {"mention": mention_data(case.mention, case.pk), "case": case_data(case)}
    record(Type.CASE_OPENED, f"case.opened:{case.pk}", data)


@when_listened
def record_mention_revised(mention: Mention, revision: Revision, old: dict, new: dict) -> None:
    changed = {
        field: {"old": _plain(old.get(field)), "new": _plain(new.get(field))} for field in new
    }
    case_id = Case.objects.filter(mention=mention).values_list("pk", flat=True).first()
    data = {"mention": mention_data(mention, case_id), "changed": changed}
    record(Type.MENTION_REVISED, f"mention.revised:{revision.pk}", data)


def _plain(value):
    return float(value) if value is not None and not isinstance(value, str | int) else value


@when_listened
def record_case_events(events: list[Event]) -> None:
    """A case's status change (and its resolution), and a breach, from its timeline events."""
    for event in events:
        if event.kind == Event.Kind.STATUS:
            case = Case.objects.select_related("mention__source", "assignee").get(pk=event.case_id)
            data = {
                "case": case_data(case),
                "mention": mention_data(case.mention, case.pk),
                "old_status": event.old_value,
                "new_status": event.new_value,
                "by": event.actor.email if event.actor else "",
            }
            record(Type.CASE_STATUS, f"case.status:{event.pk}", data, event.at)
            if case.status == Case.Status.RESOLVED:
                record(Type.CASE_RESOLVED, f"case.resolved:{event.pk}", data, event.at)
        elif event.kind == Event.Kind.BREACHED:
            case = Case.objects.select_related("mention__source", "assignee").get(pk=event.case_id)
            data = {"case": case_data(case), "mention": mention_data(case.mention, case.pk)}
            record(Type.CASE_BREACHED, f"case.breached:{event.pk}", data, event.at)


@when_listened
def record_decision(decision: ReplyDecision) -> None:
    draft = decision.draft
    case = Case.objects.select_related("mention__source", "assignee").get(pk=draft.case_id)
    data = {
        "reply": {
            "id": draft.pk,
            "decision_id": decision.pk,
            "text": decision.version.text,
            "by": decision.actor.email if decision.actor else "",
            "comment": decision.comment,
        },
        "case": case_data(case),
        "mention": mention_data(case.mention, case.pk),
    }
    type_ = DECISION_TYPES[decision.kind]
    record(type_, f"{type_}:{decision.pk}", data, decision.at)


@when_listened
def record_incident_event(event: IncidentEvent) -> None:
    incident: Incident = event.incident
    type_ = Type.INCIDENT_DECLARED if event.kind == IncidentEvent.Kind.DECLARED else None
    if event.kind == IncidentEvent.Kind.STATUS:
        type_ = Type.INCIDENT_UPDATED
    if type_ is None:
        return
    data = {
        "incident": {
            "id": incident.pk,
            "title": incident.title,
            "status": event.status or incident.status,
            "message": event.message[:2000],
            "url": absolute_url("incident", incident_id=incident.pk),
        }
    }
    record(type_, f"{type_}:{event.pk}", data, event.at)


@when_listened
def record_source_paused(source: Source, reason: str, now: datetime) -> None:
    data = {
        "source": {
            "id": source.pk,
            "name": source.name,
            "url": source.url,
            "reason": reason or source.paused_reason,
            "last_error": source.last_error,
        }
    }
    record(Type.SOURCE_PAUSED, f"source.paused:{source.pk}:{now:%Y-%m-%dT%H}", data, now)
