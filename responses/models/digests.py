"""Email digests and owner alerts: who wants what and when, and what was already sent.

Exactly-once lives in the schema: a DigestItem row (unique per user and mention) is written in
the same transaction as the pending Delivery that will carry it, so a mention can be claimed for
one person once; a pending Delivery is resent until it is marked sent.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from monitors.models import Mention
from reviewwatch.models import SingletonModel

__all__ = [
    "AlertSettings",
    "Delivery",
    "DigestItem",
    "DigestPreference",
    "OwnerAlert",
    "validate_time_zone",
]


def validate_time_zone(name: str) -> None:
    if name not in available_timezones():
        raise ValidationError(f"{name!r} is not a time zone name such as Europe/Paris.")


def _default_time_zone() -> str:
    return settings.TIME_ZONE


class DigestPreference(models.Model):
    """One row per person: rhythm, scope, time zone, and the claim that makes a send single."""

    class Frequency(models.TextChoices):
        OFF = "off", "Off"
        INSTANT = "instant", "Instant (within a minute)"
        HOURLY = "hourly", "Hourly"
        DAILY = "daily", "Daily"
        WEEKLY = "weekly", "Weekly"

    class Scope(models.TextChoices):
        NEGATIVE = "negative", "Negative mentions of our business"
        OURS = "ours", "All mentions of our business"
        WITH_COMPETITORS = "with_competitors", "All mentions, competitors too"
        ASSIGNED = "assigned", "Only cases assigned to me"

    class Weekday(models.IntegerChoices):
        MONDAY = 0, "Monday"
        TUESDAY = 1, "Tuesday"
        WEDNESDAY = 2, "Wednesday"
        THURSDAY = 3, "Thursday"
        FRIDAY = 4, "Friday"
        SATURDAY = 5, "Saturday"
        SUNDAY = 6, "Sunday"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digest_preference"
    )
    frequency = models.CharField(max_length=10, choices=Frequency.choices, default=Frequency.DAILY)
    scope = models.CharField(max_length=20, choices=Scope.choices, default=Scope.NEGATIVE)
    time_zone = models.CharField(
        max_length=64, default=_default_time_zone, validators=[validate_time_zone]
    )
    send_time = models.TimeField(default=time(8, 0), help_text="Local time for daily and weekly.")
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices, default=Weekday.MONDAY)
    # Not a digest: an email at once when a reply waits for this owner's approval, or when
    # this person's reply was approved or returned.
    approval_emails = models.BooleanField(default=True)
    # Not a digest either: an email at once when a case of theirs runs out of response time.
    breach_alerts = models.BooleanField(
        default=True, verbose_name="Email me when a response clock runs out"
    )
    # Owners only: the previous month's report, once a month (responses/monthly_report.py).
    monthly_report = models.BooleanField(default=True, verbose_name="Email me the monthly report")
    # When the person last saved these preferences (the first-run checklist's digest step).
    chosen_at = models.DateTimeField(null=True, blank=True)
    # Watermark: mentions first seen (or turned negative) before this were already considered.
    since = models.DateTimeField(default=timezone.now)
    next_due_at = models.DateTimeField(null=True, blank=True)
    # Claim: whoever set claim_token owns this person's next send until claimed_until.
    claim_token = models.UUIDField(null=True, blank=True)
    claimed_until = models.DateTimeField(null=True, blank=True)
    # Send lease: set while one task talks to the SMTP server, so a redelivered copy stands back.
    sending_until = models.DateTimeField(null=True, blank=True)
    last_sent_at = models.DateTimeField(null=True, blank=True)
    failures = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)
    last_error_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["next_due_at"], name="digest_pref_due")]

    def __str__(self) -> str:
        return f"{self.user} {self.frequency}"

    @property
    def zone(self) -> ZoneInfo:
        try:
            return ZoneInfo(self.time_zone)
        except (ZoneInfoNotFoundError, ValueError):
            return ZoneInfo("UTC")

    def next_due_after(self, now: datetime) -> datetime | None:
        """The first send time strictly after `now`, computed on the local calendar.

        Local dates, not 24-hour steps, so 08:00 stays 08:00 across a DST change; a local time
        that does not exist that day (spring forward) is sent at the same wall time plus the gap.
        """
        freq = self.Frequency
        if self.frequency == freq.OFF:
            return None
        if self.frequency == freq.INSTANT:
            return now
        local = now.astimezone(self.zone)
        if self.frequency == freq.HOURLY:
            return (
                local.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
            ).astimezone(UTC)
        day = local.date()
        step = 1 if self.frequency == freq.DAILY else 7
        if self.frequency == freq.WEEKLY:
            day += timedelta(days=(self.weekday - day.weekday()) % 7)
        candidate = self._at_local(day)
        while candidate <= now:
            day += timedelta(days=step)
            candidate = self._at_local(day)
        return candidate

    def _at_local(self, day: date) -> datetime:
        return datetime.combine(day, self.send_time, tzinfo=self.zone).astimezone(UTC)


class Delivery(models.Model):
    """One digest email for one person. Pending until the SMTP server accepted it."""

    class State(models.TextChoices):
        PENDING = "pending", "Pending"
        SENT = "sent", "Sent"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digest_deliveries"
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    item_count = models.PositiveIntegerField(default=0)
    subject = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name_plural = "deliveries"
        constraints = [
            models.UniqueConstraint(
                fields=["user"], condition=Q(state="pending"), name="one_pending_digest_per_user"
            )
        ]

    def __str__(self) -> str:
        return f"Digest {self.pk} to {self.user} ({self.state})"

    @property
    def message_id(self) -> str:
        """Stable per delivery, so a resend is recognisably the same message."""
        return f"<digest-{self.pk}-{self.created_at:%Y%m%d%H%M%S}@reviewwatch>"


class DigestItem(models.Model):
    """A mention put into a person's digest: at most once per person and mention."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    mention = models.ForeignKey(Mention, on_delete=models.CASCADE, related_name="digest_items")
    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="items")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "mention"], name="mention_once_per_user")
        ]

    def __str__(self) -> str:
        return f"{self.mention_id} to {self.user_id}"


class AlertSettings(SingletonModel):
    """The owner's spike thresholds: one row (pk=1)."""

    spike_count = models.PositiveIntegerField(
        default=10,
        validators=[MinValueValidator(1)],
        help_text="Alert when more negative mentions than this arrive within an hour.",
    )
    spike_multiple = models.DecimalField(
        max_digits=5,
        decimal_places=1,
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(1000)],
        help_text="…or more than this many times the usual hourly rate (past 7 days).",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "alert settings"

    def __str__(self) -> str:
        return "Alert settings"


class OwnerAlert(models.Model):
    """An immediate email to the owners (and, for a relapse, the case's assignee; for an
    escalation, the person named); `key` makes one alert per paused source or spike hour, one
    per relapsed review edit, and one per customer turning red."""

    class Kind(models.TextChoices):
        SOURCE_PAUSED = "source_paused", "Source paused"
        SPIKE = "spike", "Spike of negative mentions"
        RELAPSE = "relapse", "A recovered review dropped back"
        CUSTOMER_RED = "customer_red", "A customer turned red"
        CUSTOMER_ESCALATED = "customer_escalated", "A customer was escalated"
        INCIDENT = "incident", "Incident declared or updated"
        WEBHOOK_DISABLED = "webhook_disabled", "A webhook endpoint was switched off"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    key = models.CharField(max_length=100)
    created_at = models.DateTimeField(default=timezone.now)
    context = models.JSONField(default=dict)
    sent_at = models.DateTimeField(null=True, blank=True)
    # Send lease: set while one task talks to the SMTP server, so a redelivered copy stands back.
    sending_until = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["kind", "key"], name="owner_alert_once")]

    def __str__(self) -> str:
        return f"{self.kind} {self.key}"
