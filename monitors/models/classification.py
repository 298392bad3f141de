"""How text is classified here: the owner's rules, the local adjustment, "classify all again"
runs, and blocked authors."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from reviewwatch.models import SingletonModel

__all__ = ["BlockedAuthor", "ClassificationRules", "LocalAdjustment", "ReclassifyJob"]


class ClassificationRules(SingletonModel):
    """The owner's own words: one row (pk=1)."""

    always_flag = models.TextField(blank=True, help_text="One word or phrase per line.")
    never_flag = models.TextField(blank=True, help_text="One word or phrase per line.")
    # Off: the shipped model alone, whatever the local adjustment's figures.
    use_local_adjustment = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return "Classification rules"


class LocalAdjustment(models.Model):
    """One run of fitting the local adjustment (monitors/local_model.py), kept or not."""

    ran_at = models.DateTimeField(default=timezone.now)
    examples = models.PositiveIntegerField(default=0)  # used to fit
    held_back = models.PositiveIntegerField(default=0)  # used to judge
    corrections = models.PositiveIntegerField(default=0)  # of all examples, people's corrections
    shipped_precision = models.FloatField(null=True, blank=True)
    shipped_recall = models.FloatField(null=True, blank=True)
    adjusted_precision = models.FloatField(null=True, blank=True)
    adjusted_recall = models.FloatField(null=True, blank=True)
    kept = models.BooleanField(default=False)
    outcome = models.CharField(max_length=300)  # why it was kept or not, in words
    weights = models.JSONField(default=dict, blank=True)  # Adjustment.as_data()

    class Meta:
        ordering = ["-ran_at", "-id"]

    def __str__(self) -> str:
        return (
            f"Local adjustment {self.ran_at:%Y-%m-%d %H:%M} ({'kept' if self.kept else 'not kept'})"
        )


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
