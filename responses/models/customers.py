"""Who our customers are: a customer per person, the authors on sources that are that person,
their health (red, yellow, green) and the owner's thresholds for it, and advocates (thanks
given, references asked for)."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from monitors.models import Mention, Source
from reviewwatch.models import SingletonModel

__all__ = [
    "AdvocateAsk",
    "AdvocateThanks",
    "Customer",
    "CustomerEvent",
    "CustomerRecord",
    "Health",
    "HealthSettings",
    "HealthSettingsChange",
]


class Health(models.TextChoices):
    RED = "red", "Red"
    YELLOW = "yellow", "Yellow"
    GREEN = "green", "Green"


class Customer(models.Model):
    """One person, known by one or more authors on our sources (CustomerRecord)."""

    name = models.CharField(max_length=300)
    email = models.EmailField(blank=True, help_text="An address they gave us (optional).")
    # "source id:AUTHOR" of the record this customer was made for, so two workers creating
    # customers for the same new author make one (NULL for a customer made by unlinking).
    first_record_key = models.CharField(max_length=320, null=True, blank=True, unique=True)
    health = models.CharField(max_length=10, choices=Health.choices, default=Health.GREEN)
    health_reason = models.CharField(max_length=500, blank=True)
    # When the current colour began: a new red since a new time is a new alert.
    health_since = models.DateTimeField(default=timezone.now)
    health_checked_at = models.DateTimeField(null=True, blank=True)
    escalated_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="escalated_customers",
    )
    escalated_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["health", "name"], name="customer_health")]

    def __str__(self) -> str:
        return self.name


class CustomerRecord(models.Model):
    """An author on one source: the mentions of `source` whose UPPER(author) is `author_key`."""

    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="records")
    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="customer_records")
    author = models.CharField(max_length=300)
    # UPPER(author) as PostgreSQL computes it, to meet the mentions' Upper("author") index.
    author_key = models.CharField(max_length=300)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["source__name", "author"]
        constraints = [
            models.UniqueConstraint(fields=["source", "author_key"], name="customer_record_once")
        ]

    def __str__(self) -> str:
        return f"{self.author} on {self.source}"


class CustomerEvent(models.Model):
    """What happened to a customer: records linked or unlinked, colour changes, escalation,
    thanks and asks. The customer page's history."""

    class Kind(models.TextChoices):
        LINKED = "linked", "Linked"
        UNLINKED = "unlinked", "Unlinked"
        HEALTH = "health", "Health changed"
        ESCALATED = "escalated", "Escalated"
        THANKED = "thanked", "Thanked"
        ASKED = "asked", "Asked"
        ANSWERED = "answered", "Answered"

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    detail = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["customer", "at"])]

    def __str__(self) -> str:
        return f"{self.customer_id} {self.kind} {self.detail}"


class HealthSettings(SingletonModel):
    """The owner's thresholds for red, yellow and green, and the advocates' rules: one row."""

    window_days = models.PositiveIntegerField(
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text="What counts as recent, in days.",
    )
    red_negatives = models.PositiveIntegerField(
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text="Red at this many negative reviews in the recent window (repeat complaints).",
    )
    yellow_max_rating = models.PositiveSmallIntegerField(
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(4)],
        help_text="Yellow when their latest rating is at or below this many stars.",
    )
    advocate_min_rating = models.PositiveSmallIntegerField(
        default=4,
        validators=[MinValueValidator(3), MaxValueValidator(5)],
        help_text="A review with at least this many stars makes a green customer an advocate.",
    )
    ask_again_days = models.PositiveIntegerField(
        default=180,
        validators=[MinValueValidator(1), MaxValueValidator(3650)],
        help_text="Never ask the same person for a reference, testimonial or referral twice "
        "within this many days.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "health settings"

    def __str__(self) -> str:
        return "Health settings"


class HealthSettingsChange(models.Model):
    """One threshold changed: who, when, from what to what (the Settings page lists them)."""

    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now)
    field = models.CharField(max_length=50)
    old_value = models.CharField(max_length=100)
    new_value = models.CharField(max_length=100)

    class Meta:
        ordering = ["-changed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.field}: {self.old_value} -> {self.new_value}"


class AdvocateThanks(models.Model):
    """A thank-you reply written for a happy review, tone-checked, to be posted by hand."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="thanks")
    mention = models.ForeignKey(Mention, on_delete=models.CASCADE, related_name="+")
    text = models.TextField()
    tone_score = models.PositiveSmallIntegerField()
    thanked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    thanked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "advocate thanks"
        ordering = ["-thanked_at"]
        constraints = [models.UniqueConstraint(fields=["mention"], name="thanks_once_per_review")]

    def __str__(self) -> str:
        return f"Thanks to {self.customer_id} for {self.mention_id}"


class AdvocateAsk(models.Model):
    """We asked a happy customer for a reference, testimonial or referral, and what they said."""

    class Kind(models.TextChoices):
        REFERENCE = "reference", "Reference"
        TESTIMONIAL = "testimonial", "Testimonial"
        REFERRAL = "referral", "Referral"

    class Answer(models.TextChoices):
        WAITING = "waiting", "Waiting for an answer"
        YES = "yes", "Yes"
        NO = "no", "No"

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="asks")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    asked_at = models.DateTimeField(default=timezone.now)
    answer = models.CharField(max_length=10, choices=Answer.choices, default=Answer.WAITING)
    answer_note = models.CharField(max_length=500, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-asked_at", "-id"]
        indexes = [models.Index(fields=["customer", "-asked_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} asked of {self.customer_id}"
