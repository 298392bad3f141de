"""What ReviewWatch tells other tools: events, signed webhooks to owners' endpoints, and Apprise
notification channels (a person's own, or a team channel the owners share).

Exactly-once lives in the schema: an event is unique by its key (the case event, decision or
revision it reports), a webhook delivery by (endpoint, event) and a channel message by
(channel, event), so a hook or a task that runs twice adds nothing. A delivery keeps the
event's `msg_id` on every retry, so receivers can deduplicate.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

__all__ = [
    "Channel",
    "ChannelMessage",
    "NotifyEvent",
    "WebhookAttempt",
    "WebhookDelivery",
    "WebhookEndpoint",
]


def new_msg_id() -> str:
    return f"msg_{uuid.uuid4().hex}"


class NotifyEvent(models.Model):
    """One thing that happened, with the JSON body every endpoint receives for it."""

    class Type(models.TextChoices):
        MENTION_CREATED = "mention.created", "Mention created"
        MENTION_NEGATIVE = "mention.negative", "Negative mention"
        MENTION_REVISED = "mention.revised", "Mention revised"
        CASE_OPENED = "case.opened", "Case opened"
        CASE_STATUS = "case.status_changed", "Case status changed"
        CASE_BREACHED = "case.breached", "Case breached its response time"
        CASE_RESOLVED = "case.resolved", "Case resolved"
        REPLY_SUBMITTED = "reply.submitted", "Reply sent for approval"
        REPLY_APPROVED = "reply.approved", "Reply approved"
        REPLY_RETURNED = "reply.returned", "Reply returned"
        REPLY_POSTED = "reply.posted", "Reply posted"
        INCIDENT_DECLARED = "incident.declared", "Incident declared"
        INCIDENT_UPDATED = "incident.updated", "Incident updated"
        SOURCE_PAUSED = "source.paused", "Source paused"

    msg_id = models.CharField(max_length=40, unique=True, default=new_msg_id)
    type = models.CharField(max_length=30, choices=Type.choices)
    key = models.CharField(max_length=100, unique=True)
    payload = models.JSONField()
    created_at = models.DateTimeField(default=timezone.now)
    fanned_out_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["created_at"],
                condition=Q(fanned_out_at__isnull=True),
                name="notify_event_not_fanned_out",
            )
        ]

    def __str__(self) -> str:
        return f"{self.type} {self.msg_id}"


class WebhookEndpoint(models.Model):
    """An owner's URL that receives the chosen events, signed with its `whsec_` secret."""

    url = models.URLField(max_length=2000, verbose_name="Endpoint URL")
    description = models.CharField(max_length=200, blank=True)
    event_types = models.JSONField(default=list)
    secret_encrypted = models.TextField()  # monitors.credentials: {"secret": "whsec_..."}
    active = models.BooleanField(default=True)
    disabled_reason = models.CharField(max_length=300, blank=True)
    # Since when every attempt failed (None after a success); disabling looks at both.
    failing_since = models.DateTimeField(null=True, blank=True)
    consecutive_failures = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.url


class WebhookDelivery(models.Model):
    """One event for one endpoint: attempted until delivered or out of attempts."""

    class State(models.TextChoices):
        PENDING = "pending", "Pending"
        DELIVERED = "delivered", "Delivered"
        FAILED = "failed", "Failed"

    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    event = models.ForeignKey(NotifyEvent, on_delete=models.CASCADE, related_name="deliveries")
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    # Held while one task talks to the endpoint, so a redelivered copy stands back.
    sending_until = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["endpoint", "event"], name="webhook_delivery_once")
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(state="pending"),
                name="webhook_delivery_due",
            )
        ]

    def __str__(self) -> str:
        return f"{self.event} to {self.endpoint}"


class WebhookAttempt(models.Model):
    """One POST of a delivery, as the delivery log shows it."""

    delivery = models.ForeignKey(WebhookDelivery, on_delete=models.CASCADE, related_name="tries")
    at = models.DateTimeField(default=timezone.now)
    status_code = models.PositiveIntegerField(null=True, blank=True)
    response_ms = models.PositiveIntegerField(default=0)
    body_excerpt = models.CharField(max_length=500, blank=True)
    error = models.CharField(max_length=300, blank=True)
    by_hand = models.BooleanField(default=False)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.delivery_id} at {self.at:%Y-%m-%d %H:%M:%S}"

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


class Channel(models.Model):
    """An Apprise URL (Slack, Teams, ntfy, email…). A person's own channel carries the alerts
    they chose; a team channel (no person) carries the event types the owners chose."""

    class Alert(models.TextChoices):
        NEGATIVE = "negative", "Each new negative mention (instant alert)"
        BREACH = "breach", "Breach alerts (a response clock ran out)"
        APPROVAL = "approval", "Approval requests and decisions"
        INCIDENT = "incident", "Incident alerts (owners)"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notify_channels",
    )
    name = models.CharField(max_length=100)
    url_encrypted = models.TextField()  # monitors.credentials: {"url": "slack://..."}
    url_hint = models.CharField(max_length=60)  # what the pages show: never the whole URL
    alerts = models.JSONField(default=list, blank=True)
    event_types = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_team(self) -> bool:
        return self.user_id is None

    @property
    def alert_names(self) -> list[str]:
        labels = dict(self.Alert.choices)
        return [labels.get(alert, alert) for alert in self.alerts]


class ChannelMessage(models.Model):
    """One event told on one channel, once."""

    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="messages")
    event = models.ForeignKey(NotifyEvent, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    sending_until = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["channel", "event"], name="channel_message_once")
        ]

    def __str__(self) -> str:
        return f"{self.event} on {self.channel}"
