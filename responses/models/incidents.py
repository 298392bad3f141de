"""Incidents: something broke, customers say so on every channel, and the business answers them
all with one prepared message, keeps them informed, and follows up once it is fixed.

An incident links the mentions that are part of it (matched by phrase or source, or picked by
the owner); each link is one row, unique per incident and mention, and a link the owner removed
stays as a row so the matching never brings it back. One approved reply is posted to many
linked cases: one IncidentPosting per reply and case, so a retried task records each case once.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from monitors.models import Mention, Source
from responses.models.cases import Case
from responses.models.replies import FollowUp, ReplyDraft, ReplyVersion

__all__ = [
    "Incident",
    "IncidentEvent",
    "IncidentMention",
    "IncidentPosting",
    "IncidentReply",
    "IncidentScript",
]


class IncidentScript(models.Model):
    """A prepared holding statement for a kind of incident, and the follow-up sent once it is
    fixed. Placeholders as in reply templates ({author}, {business}, {contact}...)."""

    name = models.CharField(max_length=120, unique=True)
    situation = models.CharField(max_length=300, blank=True, help_text="When to use it.")
    body = models.TextField(help_text="The holding statement: what we say while it is broken.")
    followup_body = models.TextField(
        help_text="The follow-up once it is fixed: what happened, what we changed."
    )
    archived = models.BooleanField(default=False)
    position = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["archived", "position", "name"]

    def __str__(self) -> str:
        return self.name


class Incident(models.Model):
    class Status(models.TextChoices):
        INVESTIGATING = "investigating", "Investigating"
        IDENTIFIED = "identified", "Identified"
        MONITORING = "monitoring", "Monitoring"
        RESOLVED = "resolved", "Resolved"

    title = models.CharField(max_length=200)
    customer_impact = models.TextField("What customers see", blank=True)
    started_at = models.DateTimeField("Started", help_text="May be in the past.")
    declared_at = models.DateTimeField(default=timezone.now)
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.INVESTIGATING)
    resolved_at = models.DateTimeField(null=True, blank=True)
    script = models.ForeignKey(
        IncidentScript, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    phrases = models.TextField(
        blank=True, help_text="One word or phrase per line; a mention saying one is part of it."
    )
    sources = models.ManyToManyField(
        Source, blank=True, related_name="+", help_text="Every negative mention from these."
    )
    staff_note = models.CharField(
        max_length=300,
        blank=True,
        help_text="Shown to the team on every page while the incident is open.",
    )
    followup_text = models.TextField(
        "What happened and what we changed",
        blank=True,
        help_text="The follow-up for every linked case once it is resolved.",
    )
    learned = models.TextField("What we learned", blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [
            models.Index(fields=["status"], condition=~Q(status="resolved"), name="incident_open")
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="resolved", resolved_at__isnull=False)
                | (~Q(status="resolved") & Q(resolved_at__isnull=True)),
                name="incident_resolved_at_with_status",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status != self.Status.RESOLVED

    def phrase_list(self) -> list[str]:
        return [line.strip() for line in self.phrases.splitlines() if line.strip()]


class IncidentMention(models.Model):
    """A mention that is part of an incident; `removed_at` set when the owner took it out."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="links")
    mention = models.ForeignKey(Mention, on_delete=models.CASCADE, related_name="incident_links")
    linked_at = models.DateTimeField(default=timezone.now)
    linked_by = models.ForeignKey(  # None: matched by the incident's phrases or sources
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    removed_at = models.DateTimeField(null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The "what happened and what we changed" follow-up created for the case at resolution.
    followup = models.OneToOneField(
        FollowUp, null=True, blank=True, on_delete=models.SET_NULL, related_name="incident_link"
    )

    class Meta:
        ordering = ["-linked_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["incident", "mention"], name="incident_mention_once")
        ]
        indexes = [models.Index(fields=["mention"], name="incident_link_mention")]

    def __str__(self) -> str:
        return f"Mention {self.mention_id} in incident {self.incident_id}"


class IncidentEvent(models.Model):
    """The incident's timeline: declared, status updates, replies, resolution, follow-ups."""

    class Kind(models.TextChoices):
        DECLARED = "declared", "Declared"
        STATUS = "status", "Status update"
        NOTE = "note", "Staff note changed"
        LINKED = "linked", "Mention added"
        UNLINKED = "unlinked", "Mention removed"
        REPLY_SUBMITTED = "reply_submitted", "Reply sent for approval"
        REPLY_APPROVED = "reply_approved", "Reply approved for linked cases"
        REPLIES_POSTED = "replies_posted", "Replies posted"
        FOLLOWUPS = "followups", "Follow-ups created"
        LEARNED = "learned", "What we learned"

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    status = models.CharField(max_length=20, choices=Incident.Status.choices, blank=True)
    message = models.TextField(blank=True)
    count = models.PositiveIntegerField(null=True, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.incident_id} {self.kind} {self.status}"


class IncidentReply(models.Model):
    """One text for every linked case: once an owner approves it, it is posted to each."""

    class State(models.TextChoices):
        PENDING = "pending", "Waiting for approval"
        APPROVED = "approved", "Approved"

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="replies")
    text = models.TextField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    written_at = models.DateTimeField(default=timezone.now)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-written_at", "-id"]

    def __str__(self) -> str:
        return f"Reply {self.pk} for incident {self.incident_id} ({self.get_state_display()})"


class IncidentPosting(models.Model):
    """What became of an approved incident reply on one case: once per reply and case."""

    class Outcome(models.TextChoices):
        PLATFORM = "platform", "Sent to the platform"
        MANUAL = "manual", "Approved: post it by hand"
        SKIPPED = "skipped", "Not sent"

    reply = models.ForeignKey(IncidentReply, on_delete=models.CASCADE, related_name="postings")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="incident_postings")
    draft = models.ForeignKey(
        ReplyDraft, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    version = models.ForeignKey(
        ReplyVersion, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    detail = models.CharField(max_length=500, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["case_id"]
        constraints = [
            models.UniqueConstraint(fields=["reply", "case"], name="incident_posting_once")
        ]

    def __str__(self) -> str:
        return f"Incident reply {self.reply_id} on case {self.case_id}: {self.outcome}"
