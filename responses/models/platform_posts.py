"""Replies put on a platform through its API: each post, edit or delete is one row, claimed
once by the worker, so a double click, a retried task or a killed worker never sends twice."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from responses.models.replies import ReplyDraft, ReplyVersion

__all__ = ["PlatformPost"]


class PlatformPost(models.Model):
    class Action(models.TextChoices):
        POST = "post", "Post"
        EDIT = "edit", "Edit"
        DELETE = "delete", "Delete"

    class State(models.TextChoices):
        QUEUED = "queued", "Waiting to be sent"
        SENDING = "sending", "Sending"
        PUBLISHED = "published", "Published"
        PENDING = "pending", "Pending publication"
        DELETED = "deleted", "Deleted"
        FAILED = "failed", "Failed"

    draft = models.ForeignKey(ReplyDraft, on_delete=models.CASCADE, related_name="platform_posts")
    version = models.ForeignKey(ReplyVersion, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(max_length=10, choices=Action.choices, default=Action.POST)
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    attempts = models.PositiveIntegerField(default=0)
    # While a worker holds the post; a worker killed mid-call leaves it to expire, and the next
    # attempt looks at the platform before sending anything.
    lease_until = models.DateTimeField(null=True, blank=True)
    retry_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=1000, blank=True)
    # The platform's own time for the reply: the case's response time is measured to it.
    confirmed_at = models.DateTimeField(null=True, blank=True)
    # When a later poll saw the reply on the platform.
    live_seen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["draft", "action", "version"], name="platform_post_once_per_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} reply {self.draft_id} ({self.get_state_display()})"

    @property
    def in_flight(self) -> bool:
        return self.state in {self.State.QUEUED, self.State.SENDING}
