"""Celery entry points for events, webhooks and channels. Tasks take IDs and are safe to run
twice: deliveries and messages are unique per event and claimed before each send."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from responses.notify import channels, webhooks
from responses.notify.fanout import fan_out, unfanned_events
from reviewwatch.emails import backoff_seconds

CHANNEL_RETRIES = 6


@shared_task(name="responses.notify.tasks.fan_out_event", ignore_result=True, acks_late=True)
def fan_out_event(event_id: int) -> int:
    """Create the event's deliveries and messages, and queue a send for each new one."""
    queued = fan_out(event_id)
    for delivery_id in queued.deliveries:
        deliver_webhook.delay(delivery_id)
    for message_id in queued.messages:
        send_channel_message.delay(message_id)
    return len(queued.deliveries) + len(queued.messages)


@shared_task(
    name="responses.notify.tasks.deliver_webhook",
    ignore_result=True,
    acks_late=True,
    soft_time_limit=90,
    time_limit=120,
)
def deliver_webhook(delivery_id: int) -> bool:
    """One attempt; a failure is scheduled again in the database, and the beat picks it up."""
    answer = webhooks.attempt(delivery_id)
    return bool(answer and answer.ok)


@shared_task(name="responses.notify.tasks.resend_webhook", ignore_result=True, acks_late=True)
def resend_webhook(delivery_id: int) -> bool:
    """An owner's "Resend": one attempt now, whatever the delivery's state."""
    answer = webhooks.attempt(delivery_id, by_hand=True)
    return bool(answer and answer.ok)


@shared_task(name="responses.notify.tasks.deliver_due_webhooks", ignore_result=True)
def deliver_due_webhooks() -> int:
    """Beat, every minute: fan out events and send channel messages whose task was lost, and
    queue every webhook delivery whose next attempt is due."""
    now = timezone.now()
    for event_id in unfanned_events(now):
        fan_out_event.delay(event_id)
    for message_id in channels.unsent_messages(now, CHANNEL_RETRIES + 1):
        send_channel_message.delay(message_id)
    due = webhooks.due_deliveries(now)
    for delivery_id in due:
        deliver_webhook.delay(delivery_id)
    return len(due)


@shared_task(
    name="responses.notify.tasks.send_channel_message",
    bind=True,
    acks_late=True,
    ignore_result=True,
    max_retries=CHANNEL_RETRIES,
)
def send_channel_message(self, message_id: int) -> bool:
    try:
        return channels.send_message(message_id)
    except channels.ChannelError as error:
        raise self.retry(exc=error, countdown=backoff_seconds(self.request.retries)) from error
