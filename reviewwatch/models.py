from __future__ import annotations

from django.db import models


class SingletonModel(models.Model):
    """Settings kept in one row (pk=1), created with defaults on first read."""

    class Meta:
        abstract = True

    @classmethod
    def current(cls):
        return cls.objects.get_or_create(pk=1)[0]


class Heartbeat(models.Model):
    """Last time a background process proved it was alive (beat schedules, worker writes)."""

    name = models.CharField(max_length=50, unique=True)
    seen_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name} at {self.seen_at:%Y-%m-%d %H:%M:%S}"


class EmailSend(models.Model):
    """One email that must go out once (a note's @mention, one invitation), by its key.

    A task takes the send lease before talking to the SMTP server and marks the row sent after,
    so a redelivered or duplicated task sends nothing more.
    """

    key = models.CharField(max_length=100, unique=True)
    sending_until = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.key} ({'sent' if self.sent_at else 'pending'})"


class TokenBucket(models.Model):
    """How many more requests one key (an address, a client) may make: refilled with time,
    shared by every web worker because it lives in the database (see reviewwatch/throttle.py)."""

    key = models.CharField(max_length=100, unique=True)
    tokens = models.FloatField()
    updated_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.key}: {self.tokens:.1f}"
