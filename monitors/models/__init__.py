"""What the world says: sources we poll, the mentions found there, and their history.
How they are classified lives in monitors/models/classification.py."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from urllib.parse import urlsplit

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Upper
from django.utils import timezone

from monitors.models.classification import *  # noqa: F403
from monitors.storable import web_link

MIN_POLL_MINUTES = 5
DEFAULT_HISTORY_DAYS = 7
MAX_HISTORY_DAYS = 3650


def stars(rating: Decimal | float | None) -> str:
    """A rating as people read it: "4.5★", "1★"; "" when there is none."""
    return "" if rating is None else f"{Decimal(rating).normalize():f}★"


DEFAULT_PORTS = {"http": 80, "https": 443}


def host_key(url: str) -> str:
    """Whom politeness is owed to: the host, with its port unless it is the scheme's default.

    Two servers on one machine (example.com:8080 and example.com:9090) are held back apart;
    http and https on their usual ports count as one site.
    """
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    try:
        port = parts.port
    except ValueError:
        port = None
    if ":" in host:
        host = f"[{host}]"  # an IPv6 address
    if port is None or port == DEFAULT_PORTS.get(parts.scheme.lower()):
        return host
    return f"{host}:{port}"


def host_name(key: str) -> str:
    """The host of a host_key, as a person would name it: "example.com"."""
    if key.startswith("["):
        return key[1:].split("]", 1)[0]
    return key.rsplit(":", 1)[0] if ":" in key else key


class Subject(models.TextChoices):
    OURS = "ours", "Our business"
    COMPETITOR = "competitor", "A competitor"


class Label(models.TextChoices):
    NEGATIVE = "negative", "Negative"
    NEUTRAL = "neutral", "Neutral"
    POSITIVE = "positive", "Positive"


class Platform(models.TextChoices):
    """Review platforms read and answered through their official APIs (monitors/platforms/)."""

    GOOGLE_PLAY = "google_play", "Google Play"
    APP_STORE_CONNECT = "app_store_connect", "App Store Connect"
    GOOGLE_BUSINESS = "google_business", "Google Business Profile"
    TRUSTPILOT = "trustpilot", "Trustpilot"


class Connection(models.Model):
    """One account on a review platform. Its secrets are encrypted (monitors.credentials)
    and opened only by the worker; `config` holds what is not secret (ids, names)."""

    class Status(models.TextChoices):
        UNTESTED = "untested", "Not tested yet"
        OK = "ok", "Working"
        BROKEN = "broken", "Needs attention"

    platform = models.CharField(max_length=20, choices=Platform.choices)
    name = models.CharField(max_length=120)
    config = models.JSONField(default=dict, blank=True)
    secrets = models.TextField(blank=True, editable=False)  # credentials.encrypt(dict)
    # What the owner may see of the secrets again: "key ending …4f2a", an account's email.
    secrets_hint = models.CharField(max_length=300, blank=True, editable=False)
    # Honoured only with RW_ALLOW_PLATFORM_BASE_URL (contract servers), or on this machine for
    # the demo's connection (is_demo).
    base_url = models.URLField(max_length=500, blank=True)
    # Made by `load_demo`: its API is this app's own /demo/play/ (see monitors/demo_play.py).
    is_demo = models.BooleanField(default=False, editable=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.UNTESTED)
    status_message = models.CharField(max_length=1000, blank=True)
    checked_at = models.DateTimeField(null=True, blank=True)
    # The last "Test connection": [{"ok": bool, "message": str}], [] while a test runs.
    checks = models.JSONField(default=list, blank=True)
    checks_target = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_platform_display()})"


class Source(models.Model):
    class Kind(models.TextChoices):
        FEED = "feed", "Alert or news feed (RSS, Atom, JSON Feed)"
        REVIEW_PAGE = "review_page", "Review page (schema.org Review markup)"
        APP_STORE = "app_store", "App Store reviews"
        GOOGLE_PLAY = Platform.GOOGLE_PLAY.value, Platform.GOOGLE_PLAY.label
        APP_STORE_CONNECT = Platform.APP_STORE_CONNECT.value, Platform.APP_STORE_CONNECT.label
        GOOGLE_BUSINESS = Platform.GOOGLE_BUSINESS.value, Platform.GOOGLE_BUSINESS.label
        TRUSTPILOT = Platform.TRUSTPILOT.value, Platform.TRUSTPILOT.label

    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.FEED)
    url = models.URLField(max_length=2000)
    host = models.CharField(max_length=300, editable=False, db_index=True)  # host_key(url)
    subject = models.CharField(max_length=20, choices=Subject.choices, default=Subject.OURS)
    competitor_name = models.CharField(max_length=120, blank=True)
    # Made by `load_demo`: reads this app's own /demo/ documents, on this machine (loopback)
    # whatever RW_ALLOW_PRIVATE_SOURCES says; changing the address makes it an ordinary source.
    is_demo = models.BooleanField(default=False, editable=False)
    enabled = models.BooleanField(default=True)
    paused_reason = models.CharField(max_length=500, blank=True)
    poll_interval_minutes = models.PositiveIntegerField(
        default=15, validators=[MinValueValidator(MIN_POLL_MINUTES), MaxValueValidator(7 * 24 * 60)]
    )
    created_at = models.DateTimeField(default=timezone.now)
    history_days = models.PositiveIntegerField(
        default=DEFAULT_HISTORY_DAYS,
        validators=[MaxValueValidator(MAX_HISTORY_DAYS)],
        help_text="Mentions published longer ago than this before the source was added (or its "
        "first successful poll) are history: stored and searchable, but they open no case.",
    )
    # Poll state.
    next_poll_at = models.DateTimeField(default=timezone.now, db_index=True)
    # Set while a worker polls this source, so a duplicated task or a second worker backs off.
    poll_lock_until = models.DateTimeField(null=True, blank=True)
    # The poll task holding the lock: the same task delivered again after its worker was killed
    # takes the lock over at once instead of waiting it out (monitors/polling.py).
    poll_lock_holder = models.CharField(max_length=64, blank=True)
    etag = models.CharField(max_length=500, blank=True)
    last_modified = models.CharField(max_length=100, blank=True)
    content_hash = models.CharField(max_length=64, blank=True)
    last_status = models.PositiveIntegerField(null=True, blank=True)
    last_polled_at = models.DateTimeField(null=True, blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    consecutive_failures = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=1000, blank=True)
    # Platform sources: the account, what it reads there (a package name, an app id, a location,
    # a business unit) and the newest review update time read so far.
    connection = models.ForeignKey(
        Connection, null=True, blank=True, on_delete=models.PROTECT, related_name="sources"
    )
    platform_target = models.CharField(max_length=300, blank=True)
    platform_cursor = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(poll_interval_minutes__gte=MIN_POLL_MINUTES),
                name="source_poll_interval_min",
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=Platform.values, connection__isnull=False)
                | (~models.Q(kind__in=Platform.values) & models.Q(connection__isnull=True)),
                name="source_platform_has_connection",
                violation_error_message=(
                    "A platform source needs its connection, and only a platform source has one."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        self.host = host_key(self.url)
        super().save(*args, **kwargs)

    @property
    def is_platform(self) -> bool:
        return self.kind in Platform.values

    @property
    def poll_interval(self) -> timedelta:
        return timedelta(minutes=self.poll_interval_minutes)

    @property
    def subject_label(self) -> str:
        return self.competitor_name if self.subject == Subject.COMPETITOR else "us"


class HostState(models.Model):
    """Politeness per host and port: one request at a time, a minimum gap, Retry-After delays."""

    host = models.CharField(max_length=300, unique=True)  # host_key() of the sources' URLs
    busy_until = models.DateTimeField(null=True, blank=True)
    lease_holder = models.CharField(max_length=64, blank=True)  # the poll task holding the lease
    next_allowed_at = models.DateTimeField(default=timezone.now)
    # Until when the site asked us to wait (429/503 with Retry-After): the Sources page says so.
    deferred_until = models.DateTimeField(null=True, blank=True)

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
    # The last poll that found it listed, to the day (monitors.ingest.LAST_SEEN_PRECISION).
    last_seen_at = models.DateTimeField(default=timezone.now)
    content_hash = models.CharField(max_length=64)
    subject = models.CharField(max_length=20, choices=Subject.choices, default=Subject.OURS)
    label = models.CharField(max_length=10, choices=Label.choices, default=Label.NEUTRAL)
    score = models.FloatField(default=0.0)
    reason = models.CharField(max_length=500, blank=True)
    strongly_negative = models.BooleanField(default=False)
    author_blocked = models.BooleanField(default=False)
    negative_announced_at = models.DateTimeField(null=True, blank=True)
    # Found by a new source but published long before it was added: opens no case, no spike.
    imported_history = models.BooleanField(default=False)
    # The business's public reply as the platform shows it (platform sources only), wherever it
    # was written; state is "published" or "pending" (awaiting the platform's moderation).
    platform_reply = models.TextField(blank=True)
    platform_reply_at = models.DateTimeField(null=True, blank=True)
    platform_reply_state = models.CharField(max_length=20, blank=True)
    # A person's "Negative" / "Not negative": it wins over the model until the words change.
    corrected_negative = models.BooleanField(null=True, blank=True)
    corrected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    corrected_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-first_seen_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "external_id"], name="mention_once_per_source"
            )
        ]
        indexes = [
            models.Index(fields=["label", "subject", "-first_seen_at"]),
            # "Other mentions by this author" (author__iexact compares UPPER(author)), and, with
            # the source, "this author's other cases on this source", asked on every poll that
            # opens cases: that one must not depend on the planner's row estimates.
            models.Index(Upper("author"), "source", name="mention_author_upper_source"),
            # The most recent negative mentions of a report's range, for complaint phrases:
            # without it a year's read walks every mention of the year to find one in ten.
            models.Index(
                fields=["-first_seen_at", "-id"],
                condition=models.Q(label="negative"),
                name="mention_negative_recent",
            ),
            # The claim after every poll (monitors.announce.announce_pending_negatives) finds the
            # few negatives still to announce here, not among all of a source's mentions.
            models.Index(
                fields=["source"],
                condition=models.Q(
                    label="negative",
                    subject="ours",
                    author_blocked=False,
                    imported_history=False,
                    negative_announced_at__isnull=True,
                ),
                name="mention_to_announce",
            ),
        ]

    def __str__(self) -> str:
        return self.title or self.text[:80] or self.external_id

    @property
    def stars(self) -> str:
        return stars(self.rating)

    @property
    def link(self) -> str:
        """The review's address if it is an http(s) link, else "": what pages may link to."""
        return web_link(self.url)


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


from monitors.models.day_counts import *  # noqa: E402, F403  (it reads Source, Label, Subject)
