"""Events for webhooks and channels from what monitors announces and from the timeline rows
responses writes with .create() (a case opened by hand, a breach, a reply decision, an incident
declared or updated). Each is recorded in the transaction that wrote it, so a rolled-back
change tells nobody. A poll's negatives are recorded by the one ordered receiver in cases.py;
case changes written in bulk by responses.cases.change_case are recorded there."""

from __future__ import annotations

from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import timezone

from monitors.models import Mention, Revision
from monitors.signals import mention_revised, mentions_created, source_paused
from responses.models import Event, IncidentEvent, ReplyDecision
from responses.notify import events


@receiver(mentions_created, sender=Mention, dispatch_uid="responses.notify_mentions_created")
def tell_mentions_created(sender, mentions: list[Mention], **kwargs) -> None:
    events.record_mentions_created(mentions)


@receiver(mention_revised, sender=Mention, dispatch_uid="responses.notify_mention_revised")
def tell_mention_revised(
    sender, mention: Mention, revision: Revision, old: dict, new: dict, **kwargs
) -> None:
    events.record_mention_revised(mention, revision, old, new)


@receiver(source_paused, dispatch_uid="responses.notify_source_paused")
def tell_source_paused(sender, source, reason: str = "", **kwargs) -> None:
    events.record_source_paused(source, reason, timezone.now())


@receiver(post_save, sender=Event, dispatch_uid="responses.notify_case_event")
def tell_case_event(sender, instance: Event, created: bool, **kwargs) -> None:
    if not created:
        return
    if instance.kind == Event.Kind.OPENED:
        events.record_case_opened(instance.case)
    else:
        events.record_case_events([instance])


@receiver(post_save, sender=ReplyDecision, dispatch_uid="responses.notify_reply_decision")
def tell_reply_decision(sender, instance: ReplyDecision, created: bool, **kwargs) -> None:
    if created:
        events.record_decision(instance)


@receiver(post_save, sender=IncidentEvent, dispatch_uid="responses.notify_incident_event")
def tell_incident_event(sender, instance: IncidentEvent, created: bool, **kwargs) -> None:
    if created:
        events.record_incident_event(instance)
