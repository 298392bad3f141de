"""The daily summary of mentions that reports read over long ranges (issue 15, point 11).

A CountedDay says that one whole day, in one time zone, is summarised: its mentions are counted
in MentionDayCount rows, one per source, subject and label. The summary is built by a task
(monitors/day_counts.py) for days that are over, and a database trigger on monitors_mention
(migration 0013_day_counts) deletes both the day's CountedDay and its counts
as soon as a mention of that day is changed in a way a report would see (label, rating,
subject, source), deleted, or arrives late. Reports read the summary for the days that have a
CountedDay and the mentions themselves for the others (today, and any day just changed)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from monitors.models import Label, Source, Subject  # defined before this module is imported

__all__ = ["MentionDayCount", "CountedDay"]


class CountedDay(models.Model):
    zone = models.CharField(max_length=64)  # an IANA time zone name
    day = models.DateField()
    counted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["zone", "day"], name="counted_day_once")]
        indexes = [models.Index(fields=["day"], name="counted_day_day")]

    def __str__(self) -> str:
        return f"{self.day} ({self.zone})"


class MentionDayCount(models.Model):
    zone = models.CharField(max_length=64)
    day = models.DateField()
    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="+")
    subject = models.CharField(max_length=20, choices=Subject.choices)
    label = models.CharField(max_length=10, choices=Label.choices)
    mentions = models.PositiveIntegerField()
    rated = models.PositiveIntegerField()  # mentions with a star rating
    rating_sum = models.DecimalField(max_digits=14, decimal_places=2)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["zone", "day", "source", "subject", "label"], name="mention_day_count_once"
            )
        ]
        indexes = [models.Index(fields=["day"], name="mention_day_count_day")]

    def __str__(self) -> str:
        return f"{self.day} ({self.zone}) source {self.source_id} {self.label}: {self.mentions}"
