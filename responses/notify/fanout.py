"""From one event to its deliveries: a webhook delivery for every endpoint that is on and
chose the event's type, and a channel message for every channel that should hear of it. Safe
to run twice: both are unique per event, and only the new ones' IDs come back to be queued."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from responses.models import ChannelMessage, NotifyEvent, WebhookDelivery, WebhookEndpoint
from responses.notify.routing import channels_for

# Events the task should have fanned out already: the beat sweeps them up after this long.
SWEEP_AFTER = timedelta(minutes=2)


@dataclass
class FannedOut:
    deliveries: list[int] = field(default_factory=list)
    messages: list[int] = field(default_factory=list)


def fan_out(event_id: int, now: datetime | None = None) -> FannedOut:
    now = now or timezone.now()
    event = NotifyEvent.objects.filter(pk=event_id).first()
    result = FannedOut()
    if event is None:
        return result
    with transaction.atomic():
        endpoints = [
            e for e in WebhookEndpoint.objects.filter(active=True) if event.type in e.event_types
        ]
        known = set(event.deliveries.values_list("endpoint_id", flat=True))
        WebhookDelivery.objects.bulk_create(
            [
                WebhookDelivery(endpoint=e, event=event, next_attempt_at=now)
                for e in endpoints
                if e.pk not in known
            ],
            ignore_conflicts=True,
        )
        told = set(ChannelMessage.objects.filter(event=event).values_list("channel_id", flat=True))
        ChannelMessage.objects.bulk_create(
            [
                ChannelMessage(channel=c, event=event)
                for c in channels_for(event)
                if c.pk not in told
            ],
            ignore_conflicts=True,
        )
        NotifyEvent.objects.filter(pk=event_id, fanned_out_at__isnull=True).update(
            fanned_out_at=now
        )
    result.deliveries = list(
        event.deliveries.exclude(endpoint_id__in=known)
        .filter(state=WebhookDelivery.State.PENDING)
        .values_list("pk", flat=True)
    )
    result.messages = list(
        ChannelMessage.objects.filter(event=event, sent_at__isnull=True)
        .exclude(channel_id__in=told)
        .values_list("pk", flat=True)
    )
    return result


def unfanned_events(now: datetime, limit: int = 200) -> list[int]:
    return list(
        NotifyEvent.objects.filter(fanned_out_at__isnull=True, created_at__lt=now - SWEEP_AFTER)
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )
