"""What the world says: sources we poll, the mentions found there, and their history."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from urllib.parse import urlsplit

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Upper
from django.utils import timezone

from reviewwatch.models import SingletonModel

MIN_POLL_MINUTES = 5


def stars(rating: Decimal | float | None) -> str:
    """A rating as people read it: "4.5★", "1★"; "" when there is none."""
    return "" if rating is None else f"{Decimal(rating).normalize():f}★"


class Subject(models.TextChoices):
    OURS = "ours", "Our business"
    COMPETITOR = "competitor", "A competitor"


class Label(models.TextChoices):
    NEGATIVE = "negative", "Negative"
    NEUTRAL = "neutral", "Neutral"
    POSITIVE = "positive", "Positive"


class Source(models.Model):
    class Kind(models.TextChoices):
        FEED = "feed", "Alert or news feed (RSS, Atom, JSON Feed)"
        REVIEW_PAGE = "review_page", "Review page (schema.org Review markup)"
        APP_STORE = "app_store", "App Store reviews"

    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.FEED)
    url = models.URLField(max_length=2000)
    host = models.CharField(max_length=255, editable=False, db_index=True)
    subject = models.CharField(max_length=20, choices=Subject.choices, default=Subject.OURS)
    competitor_name = models.CharField(max_length=120, blank=True)
    enabled = models.BooleanField(default=True)
    paused_reason = models.CharField(max_length=500, blank=True)
    poll_interval_minutes = models.PositiveIntegerField(
        default=15, validators=[MinValueValidator(MIN_POLL_MINUTES), MaxValueValidator(7 * 24 * 60)]
    )
    created_at = models.DateTimeField(default=timezone.now)
    # Poll state.
    next_poll_at = models.DateTimeField(default=timezone.now, db_index=True)
    # Set while a worker polls this source, so a duplicated task or a second worker backs off.
    poll_lock_until = models.DateTimeField(null=True, blank=True)
    etag = models.CharField(max_length=500, blank=True)
    last_modified = models.CharField(max_length=100, blank=True)
    content_hash = models.CharField(max_length=64, blank=True)
    last_status = models.PositiveIntegerField(null=True, blank=True)
    last_polled_at = models.DateTimeField(null=True, blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    consecutive_failures = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=1000, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(poll_interval_minutes__gte=MIN_POLL_MINUTES),
                name="source_poll_interval_min",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        self.host = (urlsplit(self.url).hostname or "").lower()
        super().save(*args, **kwargs)

    @property
    def poll_interval(self) -> timedelta:
        return timedelta(minutes=self.poll_interval_minutes)

    @property
    def subject_label(self) -> str:
        return self.competitor_name if self.subject == Subject.COMPETITOR else "us"


class HostState(models.Model):
    """Politeness per host: one request at a time, a minimum gap, and Retry-After delays."""

    host = models.CharField(max_length=255, unique=True)
    busy_until = models.DateTimeField(null=True, blank=True)
    next_allowed_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.host


class Mention(models.Model):
    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="mentions")
    external_id = models.CharField(max_length=1000)
    url = models.URLField(max_length=2000, blank=True)
    author = models.CharField(max_length=300, blank=True)
    title = models.CharField(max_length=1000, blank=True)
    text = models.TextField(blank=True)
    html = models.TextField(blank=True)
    rating = models.DecimalField(max_digits=3, decimal_places=2, null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    first_seen_at = models.DateTimeField(default=timezone.now, db_index=True)
    first_seen_poll = models.ForeignKey(
        "PollLog", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    last_seen_at = models.DateTimeField(default=timezone.now)
    content_hash = models.CharField(max_length=64)
    subject = models.CharField(max_length=20, choices=Subject.choices, default=Subject.OURS)
    label = models.CharField(max_length=10, choices=Label.choices, default=Label.NEUTRAL)
    score = models.FloatField(default=0.0)
    reason = models.CharField(max_length=500, blank=True)
    strongly_negative = models.BooleanField(default=False)
    author_blocked = models.BooleanField(default=False)
    negative_announced_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-first_seen_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "external_id"], name="mention_once_per_source"
            )
        ]
        indexes = [
            models.Index(fields=["label", "subject", "-first_seen_at"]),
            # "Other mentions by this author" (author__iexact compares UPPER(author)).
            models.Index(Upper("author"), name="mention_author_upper"),
        ]

    def __str__(self) -> str:
        return self.title or self.text[:80] or self.external_id

    @property
    def stars(self) -> str:
        return stars(self.rating)


class Revision(models.Model):
    """A mention as it was before an edit seen at `seen_at`."""

    mention = models.ForeignKey(Mention, on_delete=models.CASCADE, related_name="revisions")
    seen_at = models.DateTimeField(default=timezone.now)
    changed = models.JSONField(default=list)  # field names: title, text, rating
    old_title = models.CharField(max_length=1000, blank=True)
    old_text = models.TextField(blank=True)
    old_rating = models.DecimalField(max_digits=3, decimal_places=2, null=True, blank=True)
    new_rating = models.DecimalField(max_digits=3, decimal_places=2, null=True, blank=True)

    class Meta:
        ordering = ["-seen_at"]

    def __str__(self) -> str:
        return f"{self.mention_id} edited {self.seen_at:%Y-%m-%d %H:%M}"


class Tombstone(models.Model):
    """A mention the owner deleted: remembered so the next poll never brings it back."""

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="tombstones")
    external_id = models.CharField(max_length=1000)
    deleted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["source", "external_id"], name="tombstone_once")
        ]

    def __str__(self) -> str:
        return f"{self.source_id}:{self.external_id}"


class PollLog(models.Model):
    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="polls")
    started_at = models.DateTimeField(default=timezone.now)
    duration_ms = models.PositiveIntegerField(default=0)
    http_status = models.PositiveIntegerField(null=True, blank=True)
    bytes = models.PositiveIntegerField(default=0)
    outcome = models.CharField(max_length=20, default="running")
    new_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)
    unchanged_count = models.PositiveIntegerField(default=0)
    error = models.CharField(max_length=1000, blank=True)

    class Meta:
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["source", "-started_at"])]

    def __str__(self) -> str:
        return f"{self.source_id} {self.started_at:%Y-%m-%d %H:%M} {self.outcome}"


class RatingSnapshot(models.Model):
    """A review page's AggregateRating as seen on one poll, so the owner sees the average move."""

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="rating_snapshots")
    taken_at = models.DateTimeField(default=timezone.now)
    rating = models.DecimalField(max_digits=3, decimal_places=2)
    count = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-taken_at"]

    def __str__(self) -> str:
        return f"{self.source_id} {self.rating} ({self.count})"


class ClassificationRules(SingletonModel):
    """The owner's own words: one row (pk=1)."""

    always_flag = models.TextField(blank=True, help_text="One word or phrase per line.")
    never_flag = models.TextField(blank=True, help_text="One word or phrase per line.")
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return "Classification rules"


class ReclassifyJob(models.Model):
    """One run of "classify all mentions again" after the owner changed the rules."""

    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    changed = models.PositiveIntegerField(default=0)
    last_mention_id = models.BigIntegerField(default=0)  # progress cursor
    updated_at = models.DateTimeField(default=timezone.now)  # last progress

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"Reclassify {self.done}/{self.total}"

    @property
    def percent(self) -> int:
        return 100 if not self.total else min(100, int(100 * self.done / self.total))


class BlockedAuthor(models.Model):
    """An author the owner stopped engaging with: mentions are kept but open no case."""

    name = models.CharField(max_length=300, unique=True)  # stored casefolded
    blocked_at = models.DateTimeField(default=timezone.now)
    note = models.CharField(max_length=500, blank=True)

    def __str__(self) -> str:
        return self.name
