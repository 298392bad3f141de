"""Humble replies and follow-through: templates, drafts with every version, approval, the posting
record, remedies offered, follow-ups scheduled, and reviews updated after our reply."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from monitors.models import Mention, Revision
from responses.models.cases import Case
from reviewwatch.models import SingletonModel

RELAPSE_MAX_RATING = 2
RECOVERED_MIN_RATING = 4  # a review raised to this after our reply is a recovery

__all__ = [
    "LONGEST_PLATFORM_LIMIT",
    "FollowUp",
    "Remedy",
    "ReplyDecision",
    "ReplyDraft",
    "ReplySettings",
    "ReplyTemplate",
    "ReplyVersion",
    "ReviewUpdate",
]
# No review site shows a reply longer than this: the ceiling of the owner's maximum length and
# the most a draft may hold, so a pasted megabyte is refused before any work is done on it.
LONGEST_PLATFORM_LIMIT = 10_000


class ReplySettings(SingletonModel):
    """What fills the placeholders, whether staff replies need approval: one row (pk=1)."""

    business_name = models.CharField(max_length=120, default="our team")
    product_default = models.CharField(
        max_length=120, default="your order", help_text="Fills {product}."
    )
    contact = models.CharField(
        max_length=200,
        default="support@example.com",
        help_text="The private channel customers are invited to, e.g. support@acme.example.",
    )
    remedy_default = models.CharField(
        max_length=300,
        blank=True,
        default="",
        help_text=(
            "The remedies you really offer, e.g. 'a refund or a free visit'. Fills {remedy} "
            "until a remedy is recorded on the case; while empty, replies offer only to put "
            "things right."
        ),
    )
    approval_required = models.BooleanField(
        default=True, help_text="Staff replies need an owner's approval before posting."
    )
    max_length = models.PositiveIntegerField(
        default=1500,
        validators=[MinValueValidator(100), MaxValueValidator(LONGEST_PLATFORM_LIMIT)],
        help_text="Longest reply most review platforms show in full.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "reply settings"

    def __str__(self) -> str:
        return "Reply settings"


class ReplyTemplate(models.Model):
    """A humble reply for a common situation. Archived templates are no longer offered."""

    name = models.CharField(max_length=120, unique=True)
    situation = models.CharField(max_length=300, blank=True, help_text="When to use it.")
    body = models.TextField()
    archived = models.BooleanField(default=False)
    position = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["archived", "position", "name"]

    def __str__(self) -> str:
        return self.name


class ReplyDraft(models.Model):
    """One public reply being written for a case; its text lives in its versions."""

    class State(models.TextChoices):
        DRAFT = "draft", "Draft"
        PENDING = "pending", "Waiting for approval"
        RETURNED = "returned", "Returned for changes"
        APPROVED = "approved", "Approved"
        POSTED = "posted", "Posted"

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="reply_drafts")
    template = models.ForeignKey(
        ReplyTemplate, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    approved_version = models.ForeignKey(
        "ReplyVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    posted_at = models.DateTimeField(null=True, blank=True)
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    posted_url = models.URLField(max_length=2000, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # The owners' "Awaiting approval" count, on every page they open.
            models.Index(fields=["state"], condition=Q(state="pending"), name="reply_draft_pending")
        ]

    def __str__(self) -> str:
        return f"Reply {self.pk} on case {self.case_id} ({self.get_state_display()})"


class ReplyVersion(models.Model):
    """The text of a draft as someone saved it, with its tone score at that moment."""

    draft = models.ForeignKey(ReplyDraft, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    text = models.TextField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    tone_score = models.PositiveSmallIntegerField(default=0)
    tone_ok = models.BooleanField(default=False)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["draft", "number"], name="reply_version_once")
        ]

    def __str__(self) -> str:
        return f"Reply {self.draft_id} v{self.number}"


class ReplyDecision(models.Model):
    """Who sent which version for approval, and who approved or returned it (and why)."""

    class Kind(models.TextChoices):
        SUBMITTED = "submitted", "Submitted for approval"
        APPROVED = "approved", "Approved"
        RETURNED = "returned", "Returned"
        POSTED = "posted", "Marked as posted"

    draft = models.ForeignKey(ReplyDraft, on_delete=models.CASCADE, related_name="decisions")
    version = models.ForeignKey(ReplyVersion, on_delete=models.PROTECT, related_name="decisions")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} v{self.version.number}"


class Remedy(models.Model):
    """What we offered the customer to put things right, and whether it was delivered."""

    class Kind(models.TextChoices):
        REFUND = "refund", "Refund"
        REPLACEMENT = "replacement", "Replacement"
        TIPS = "tips", "Tips or instructions"
        CREDIT = "credit", "Credit"
        OTHER = "other", "Other"

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="remedies")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    amount = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    note = models.CharField(max_length=500, blank=True)
    offered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    offered_at = models.DateTimeField(default=timezone.now)
    delivered_at = models.DateTimeField(null=True, blank=True)
    delivered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-offered_at", "-id"]
        verbose_name_plural = "remedies"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on case {self.case_id}"


class FollowUp(models.Model):
    """ "Check back in 3 days": due in the inbox and the assignee's digest until done."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="followups")
    due_at = models.DateTimeField(db_index=True)
    note = models.CharField(max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["due_at", "id"]

    def __str__(self) -> str:
        return f"Follow-up on case {self.case_id} due {self.due_at:%Y-%m-%d}"


class ReviewUpdate(models.Model):
    """The customer edited their review after we replied: the change, and the outcome it
    suggests."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="review_updates")
    mention = models.ForeignKey(Mention, on_delete=models.CASCADE, related_name="+")
    revision = models.ForeignKey(Revision, on_delete=models.CASCADE, related_name="+")
    seen_at = models.DateTimeField(default=timezone.now)
    old_rating = models.DecimalField(max_digits=3, decimal_places=2, null=True, blank=True)
    new_rating = models.DecimalField(max_digits=3, decimal_places=2, null=True, blank=True)
    new_text = models.TextField(blank=True)
    suggested_outcome = models.CharField(max_length=30, blank=True)

    class Meta:
        ordering = ["-seen_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["case", "revision"], name="review_update_once")
        ]

    def __str__(self) -> str:
        return f"Review on case {self.case_id} updated {self.seen_at:%Y-%m-%d}"

    @property
    def is_relapse(self) -> bool:
        """A recovered review (above 2★) that dropped back to 2★ or less."""
        old, new = self.old_rating, self.new_rating
        return old is not None and new is not None and old > RELAPSE_MAX_RATING >= new

    @property
    def is_recovery(self) -> bool:
        """A complaint (2★ or less) the customer turned into praise (4★ or more) after our reply."""
        old, new = self.old_rating, self.new_rating
        return (
            old is not None
            and new is not None
            and old <= RELAPSE_MAX_RATING < RECOVERED_MIN_RATING <= new
        )
