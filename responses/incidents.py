"""Incidents (issue 16): declaring one over past and future mentions, which mentions are part of
it, status updates as status pages give them, and resolution with a follow-up for every case.

A mention is part of an incident when it is a negative mention of our business, first seen
between the incident's start and its resolution (a new source's imported history never), and
says one of the incident's phrases or comes from one of its sources; the owner adds or removes
any mention by hand, and a removed one stays removed. Each change of status is one alert to the
owners (responses/alerts.py); linked mentions do not raise spike alerts while it is open.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone

from monitors.models import Label, Mention, Subject
from responses.alerts import record_incident_alert
from responses.followups import schedule_followup
from responses.models import (
    Case,
    Incident,
    IncidentEvent,
    IncidentMention,
    IncidentScript,
    OwnerAlert,
    ReplyDraft,
)
from responses.replies import save_draft, shorten
from responses.reply_placeholders import fill
from reviewwatch.queue import enqueue

FOLLOWUP_NOTE = "Incident resolved: tell them what happened and what we changed ({title})"


class IncidentError(Exception):
    """An incident action that cannot be done now; the message says why, in plain words."""


# --- Which mentions are part of it -----------------------------------------------------------


def matching_mentions(incident: Incident) -> QuerySet[Mention]:
    """Negative mentions of our business in the incident's window that say one of its phrases
    or come from one of its sources (none when it names neither)."""
    marks = Q()
    for phrase in incident.phrase_list():
        marks |= Q(text__icontains=phrase) | Q(title__icontains=phrase)
    source_ids = list(incident.sources.values_list("pk", flat=True))
    if source_ids:
        marks |= Q(source_id__in=source_ids)
    if not marks:
        return Mention.objects.none()
    window = Q(first_seen_at__gte=incident.started_at)
    if incident.resolved_at is not None:
        window &= Q(first_seen_at__lte=incident.resolved_at)
    return Mention.objects.filter(
        marks,
        window,
        label=Label.NEGATIVE,
        subject=Subject.OURS,
        imported_history=False,
    )


def linked_mentions(incident: Incident) -> QuerySet[Mention]:
    """The mentions that are part of the incident now (not removed), newest first."""
    return (
        Mention.objects.filter(
            incident_links__incident=incident, incident_links__removed_at__isnull=True
        )
        .select_related("source", "case")
        .defer("html")
        .order_by("-first_seen_at", "-pk")
    )


def linked_cases(incident: Incident) -> QuerySet[Case]:
    """The cases of the linked mentions, each once: a merged case counts as the one it joined
    only when that one's mention is linked too."""
    return Case.objects.filter(
        mention__incident_links__incident=incident,
        mention__incident_links__removed_at__isnull=True,
        merged_into__isnull=True,
    ).select_related("mention__source")


def link_matching(incident: Incident, mentions: QuerySet[Mention] | None = None) -> int:
    """Link the matching mentions (of `mentions`, else all) not linked or removed before; the
    number linked now. Their cases get the incident's script as their draft (on the worker)."""
    found = matching_mentions(incident).exclude(incident_links__incident=incident)
    if mentions is not None:
        found = found.filter(pk__in=mentions.values("pk"))
    ids = list(found.values_list("pk", flat=True))
    IncidentMention.objects.bulk_create(
        [IncidentMention(incident=incident, mention_id=pk) for pk in ids], ignore_conflicts=True
    )
    if ids:
        _draft_after_commit(incident)
    return len(ids)


def link_new_mentions(mentions: Iterable[Mention]) -> None:
    """A poll's new negatives: link each to every open incident it matches."""
    ids = [mention.pk for mention in mentions]
    if not ids:
        return
    for incident in Incident.objects.exclude(status=Incident.Status.RESOLVED):
        link_matching(incident, Mention.objects.filter(pk__in=ids))


def link_mention(incident: Incident, mention: Mention, user) -> None:
    """The owner adds a mention by hand (or takes back a removal)."""
    with transaction.atomic():
        link, created = IncidentMention.objects.get_or_create(
            incident=incident, mention=mention, defaults={"linked_by": user}
        )
        if not created and link.removed_at is None:
            return
        if not created:
            IncidentMention.objects.filter(pk=link.pk).update(
                removed_at=None, removed_by=None, linked_by=user, linked_at=timezone.now()
            )
        _event(incident, IncidentEvent.Kind.LINKED, user, message=_describe(mention))
        _draft_after_commit(incident)


def unlink_mention(incident: Incident, mention: Mention, user) -> None:
    """The owner takes a mention out; matching never brings it back."""
    with transaction.atomic():
        removed = IncidentMention.objects.filter(
            incident=incident, mention=mention, removed_at__isnull=True
        ).update(removed_at=timezone.now(), removed_by=user)
        if removed:
            _event(incident, IncidentEvent.Kind.UNLINKED, user, message=_describe(mention))


def _describe(mention: Mention) -> str:
    who = mention.author.strip() or "anonymous"
    return f"{who} on {mention.source.name}: {shorten(mention.title or mention.text, 120)}"


def _draft_after_commit(incident: Incident) -> None:
    from responses.tasks import draft_incident_script  # tasks imports this module

    if incident.script_id is not None:
        transaction.on_commit(lambda: enqueue(draft_incident_script, incident.pk))


def draft_script(incident_id: int) -> int:
    """The worker's part: the incident's holding statement, filled for each case, as the draft
    of every open linked case that has no reply yet (still tone-checked and approved like any
    reply). Each case is locked while it is checked, so two runs draft it once. How many now."""
    incident = Incident.objects.select_related("script").filter(pk=incident_id).first()
    if incident is None or incident.script is None:  # deleted, or declared without a script
        return 0
    waiting = (
        linked_cases(incident)
        .filter(reply_drafts__isnull=True)
        .exclude(status__in=[Case.Status.DISMISSED, Case.Status.RESOLVED])
    )
    drafted = 0
    for case_id in waiting.values_list("pk", flat=True):
        with transaction.atomic():
            case = (
                Case.objects.select_for_update().select_related("mention__source").get(pk=case_id)
            )
            if case.reply_drafts.exists():
                continue
            save_draft(case, None, fill(incident.script.body, case))
            drafted += 1
    return drafted


# --- Declaring, updating, resolving ----------------------------------------------------------


def _alert_after_commit(alert: OwnerAlert | None) -> None:
    from responses.tasks import send_owner_alert  # tasks imports this module

    if alert is not None:
        transaction.on_commit(lambda: enqueue(send_owner_alert, alert.pk))


def _event(incident: Incident, kind: str, user, **values) -> IncidentEvent:
    return IncidentEvent.objects.create(incident=incident, kind=kind, actor=user, **values)


def declare(incident: Incident, sources: Iterable, user) -> Incident:
    """Save a new incident (its form filled the fields), link what matches, draft the script on
    their cases and alert the owners once."""
    with transaction.atomic():
        incident.declared_by, incident.declared_at = user, timezone.now()
        if incident.script and not incident.followup_text:
            incident.followup_text = incident.script.followup_body
        incident.save()
        incident.sources.set(sources)
        linked = link_matching(incident)
        event = _event(
            incident,
            IncidentEvent.Kind.DECLARED,
            user,
            status=incident.status,
            message=incident.customer_impact,
            count=linked,
        )
        _alert_after_commit(record_incident_alert(incident, event, linked))
    return incident


def post_update(incident: Incident, user, status: str, message: str, now: datetime) -> Incident:
    """A timestamped status update; on "resolved", a follow-up for every linked case. Each
    change of status alerts the owners once. A resolved incident takes no more updates."""
    message = message.strip()
    if not message:
        raise IncidentError("Say what changed, so the team and the timeline know.")
    with transaction.atomic():
        locked = Incident.objects.select_for_update().get(pk=incident.pk)
        if not locked.is_open:
            raise IncidentError("This incident is resolved: it takes no more updates.")
        changed = locked.status != status
        locked.status = status
        locked.resolved_at = now if status == Incident.Status.RESOLVED else None
        locked.save(update_fields=["status", "resolved_at"])
        event = _event(locked, IncidentEvent.Kind.STATUS, user, status=status, message=message)
        if changed:
            linked = linked_cases(locked).count()
            _alert_after_commit(record_incident_alert(locked, event, linked))
        if status == Incident.Status.RESOLVED:
            create_followups(locked, user)
    return locked


def create_followups(incident: Incident, user) -> int:
    """One "what happened and what we changed" follow-up per linked case, due now, each once
    (the link row keeps it), with that message as the case's next reply. How many now."""
    note = shorten(FOLLOWUP_NOTE.format(title=incident.title), 500)
    links = IncidentMention.objects.filter(
        incident=incident, removed_at__isnull=True, followup__isnull=True
    ).select_related("mention__case")
    created = 0
    seen: set[int] = set()
    for link in links:
        case = getattr(link.mention, "case", None)
        if case is None:
            continue
        case = case.merged_into or case
        if case.pk in seen or case.status == Case.Status.DISMISSED:
            continue
        seen.add(case.pk)
        followup = schedule_followup(case, user, 0, note)
        _draft_followup(incident, case, user)
        IncidentMention.objects.filter(pk=link.pk, followup__isnull=True).update(followup=followup)
        created += 1
    if created:
        _event(incident, IncidentEvent.Kind.FOLLOWUPS, user, count=created)
    return created


def _draft_followup(incident: Incident, case: Case, user) -> None:
    """The follow-up message, filled for the case, as its next reply (never over a reply
    someone is writing or that waits for approval)."""
    draft = case.reply_drafts.first()
    if incident.followup_text and (draft is None or draft.state == ReplyDraft.State.POSTED):
        save_draft(case, user, fill(incident.followup_text, case))


def change_note(incident: Incident, user, staff_note: str) -> None:
    staff_note = staff_note.strip()
    if (
        Incident.objects.filter(pk=incident.pk)
        .exclude(staff_note=staff_note)
        .update(staff_note=staff_note)
    ):
        _event(incident, IncidentEvent.Kind.NOTE, user, message=staff_note)


def save_review(incident: Incident, user, learned: str, followup_text: str) -> None:
    """The post-incident review's "what we learned" note (on the timeline each time it
    changes) and the follow-up message used at resolution."""
    learned = learned.strip()
    Incident.objects.filter(pk=incident.pk).update(followup_text=followup_text.strip())
    if Incident.objects.filter(pk=incident.pk).exclude(learned=learned).update(learned=learned):
        _event(incident, IncidentEvent.Kind.LEARNED, user, message=learned)


def offered_scripts() -> QuerySet[IncidentScript]:
    return IncidentScript.objects.filter(archived=False)


# --- On every page ---------------------------------------------------------------------------


def open_incidents() -> list[Incident]:
    return list(Incident.objects.exclude(status=Incident.Status.RESOLVED).order_by("started_at"))


def open_incidents_context(request: HttpRequest) -> dict:
    """`open_incidents` for every signed-in page: the status note shown to the team while an
    incident is open. A callable, so the query runs only when a page shows it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"open_incidents": open_incidents}


def waiting_replies(incident: Incident) -> QuerySet[ReplyDraft]:
    """Linked cases' replies approved but not yet posted: what the team posts by hand."""
    return ReplyDraft.objects.filter(
        case__in=linked_cases(incident), state=ReplyDraft.State.APPROVED
    ).select_related("case__mention__source")
