"""Triage: a case per negative mention, its audit trail, notes, root-cause tags and SLA targets."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from monitors.models import Mention
from reviewwatch.models import SingletonModel

__all__ = ["Case", "Event", "Note", "Tag", "TriageSettings", "OPEN_STATUSES"]


class TriageSettings(SingletonModel):
    """The owner's response-time targets: one row (pk=1)."""

    urgent_hours = models.DecimalField(
        max_digits=6,
        decimal_places=2,
        default=1,
        help_text="Target for 1–2★ reviews and strongly negative text.",
    )
    standard_hours = models.DecimalField(
        max_digits=6, decimal_places=2, default=24, help_text="Target for every other case."
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "triage settings"

    def __str__(self) -> str:
        return "Triage settings"


class Tag(models.Model):
    """A root cause. Archived tags stay on old cases but are no longer offered."""

    name = models.CharField(max_length=60, unique=True)
    archived = models.BooleanField(default=False)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class Case(models.Model):
    class Status(models.TextChoices):
        NEW = "new", "New"
        ACKNOWLEDGED = "acknowledged", "Acknowledged"
        REPLYING = "replying", "Replying"
        AWAITING = "awaiting", "Awaiting customer"
        RESOLVED = "resolved", "Resolved"
        DISMISSED = "dismissed", "Dismissed"

    class DismissReason(models.TextChoices):
        SPAM = "spam", "Spam"
        NOT_ABOUT_US = "not_about_us", "Not about us"
        DUPLICATE = "duplicate", "Duplicate"
        HANDLED_ELSEWHERE = "handled_elsewhere", "Handled elsewhere"

    class Priority(models.IntegerChoices):
        URGENT = 1, "Urgent"
        HIGH = 2, "High"
        NORMAL = 3, "Normal"
        LOW = 4, "Low"

    class Severity(models.TextChoices):
        URGENT = "urgent", "Urgent (1–2★ or strongly negative)"
        STANDARD = "standard", "Standard"

    mention = models.OneToOneField(Mention, on_delete=models.PROTECT, related_name="case")
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged_cases"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NEW)
    dismiss_reason = models.CharField(max_length=20, choices=DismissReason.choices, blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_cases",
    )
    priority = models.PositiveSmallIntegerField(choices=Priority.choices, default=Priority.NORMAL)
    tags = models.ManyToManyField(Tag, blank=True, related_name="cases")
    severity = models.CharField(max_length=10, choices=Severity.choices, default=Severity.STANDARD)
    # When the response clock started: the mention seen negative (new, or edited into negative),
    # the owner opening a case for history, or the case reopened.
    clock_from = models.DateTimeField(default=timezone.now)
    due_at = models.DateTimeField(help_text="First response due (from clock_from).")
    # The clock_from of the response clock whose breach was alerted: one alert per clock, and a
    # reopened case (a new clock) can alert again (responses/breaches.py).
    breach_alerted_clock = models.DateTimeField(null=True, blank=True, editable=False)
    # `responded` mirrors first_responded_at so the inbox ordering has a plain index to walk.
    responded = models.BooleanField(default=False)
    first_responded_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    outcome = models.TextField(blank=True)
    opened_at = models.DateTimeField(default=timezone.now)
    # The review's star rating when the case opened (its later edits are ReviewUpdates), so
    # the recovery report need not look up every case's review.
    rating_when_opened = models.DecimalField(
        max_digits=3, decimal_places=2, null=True, blank=True, editable=False
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["responded", "due_at", "id"]
        indexes = [
            models.Index(
                fields=["responded", "due_at", "id"],
                condition=Q(status__in=["new", "acknowledged", "replying", "awaiting"]),
                name="case_open_queue",
            ),
            models.Index(fields=["status", "responded", "due_at", "id"], name="case_status_queue"),
            # Reports: response clocks started in a range, cases opened in a range.
            models.Index(fields=["clock_from"], name="case_clock_from"),
            models.Index(fields=["opened_at"], name="case_opened_at"),
        ]

    def __str__(self) -> str:
        return f"Case {self.pk} ({self.get_status_display()})"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


OPEN_STATUSES = (
    Case.Status.NEW,
    Case.Status.ACKNOWLEDGED,
    Case.Status.REPLYING,
    Case.Status.AWAITING,
)


class Note(models.Model):
    """An internal note; never shown to the customer."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.body[:60]


class Event(models.Model):
    """One change to a case: who, when, what it was and what it became."""

    class Kind(models.TextChoices):
        OPENED = "opened", "Opened"
        STATUS = "status", "Status"
        ASSIGNEE = "assignee", "Assignee"
        PRIORITY = "priority", "Priority"
        TAGS = "tags", "Tags"
        NOTE = "note", "Note"
        MERGED = "merged", "Merged"
        MENTION_EDITED = "mention_edited", "Review edited"
        OUTCOME = "outcome", "Outcome"
        REOPENED = "reopened", "Reopened"
        LABEL = "label", "Label corrected"
        REPLY_SUBMITTED = "reply_submitted", "Reply sent for approval"
        REPLY_APPROVED = "reply_approved", "Reply approved"
        REPLY_RETURNED = "reply_returned", "Reply returned"
        REMEDY_OFFERED = "remedy_offered", "Remedy offered"
        REMEDY_DELIVERED = "remedy_delivered", "Remedy delivered"
        FOLLOWUP_SCHEDULED = "followup_scheduled", "Follow-up scheduled"
        FOLLOWUP_DONE = "followup_done", "Follow-up done"
        AUTHOR_BLOCKED = "author_blocked", "Author blocked"
        BREACHED = "breached", "Response clock ran out"

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    old_value = models.CharField(max_length=500, blank=True)
    new_value = models.CharField(max_length=500, blank=True)
    note = models.ForeignKey(Note, null=True, blank=True, on_delete=models.PROTECT)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["case", "at"])]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind} {self.old_value!r} -> {self.new_value!r}"
