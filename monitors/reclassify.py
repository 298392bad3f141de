"""Classify every mention again after the owner changed the rules, with progress on a job row."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.db.models import F
from django.db.models.functions import Greatest
from django.utils import timezone

from monitors.ingest import (
    announce_negative,
    blocked_author_names,
    classified_fields,
    classify_mention,
    owner_rules,
)
from monitors.models import Label, Mention, ReclassifyJob, Subject

CHUNK = 500


STALLED_AFTER = timedelta(minutes=15)


def start_reclassify() -> ReclassifyJob:
    """A new job, unless one is still making progress (then that one is returned).

    A job whose task was lost (no progress for STALLED_AFTER) is closed and replaced.
    """
    now = timezone.now()
    running = ReclassifyJob.objects.filter(finished_at__isnull=True).first()
    if running and running.updated_at > now - STALLED_AFTER:
        return running
    if running:
        ReclassifyJob.objects.filter(pk=running.pk).update(finished_at=now)
    return ReclassifyJob.objects.create(total=Mention.objects.count(), updated_at=now)


def reclassify_chunk(job_id: int) -> bool:
    """Classify the next chunk; False when the job is finished or gone."""
    job = ReclassifyJob.objects.filter(pk=job_id, finished_at__isnull=True).first()
    if job is None:
        return False
    rules, blocked = owner_rules(), blocked_author_names()
    chunk = list(Mention.objects.filter(pk__gt=job.last_mention_id).order_by("pk")[:CHUNK])
    changed, newly_negative = 0, []
    with transaction.atomic():
        for mention in chunk:
            fields = classified_fields(
                classify_mention(mention.title, mention.text, mention.rating, rules)
            )
            fields["author_blocked"] = bool(mention.author) and mention.author.casefold() in blocked
            if any(getattr(mention, key) != value for key, value in fields.items()):
                Mention.objects.filter(pk=mention.pk).update(**fields)
                changed += 1
                for key, value in fields.items():
                    setattr(mention, key, value)
                if _needs_announcement(mention):
                    newly_negative.append(mention)
        ReclassifyJob.objects.filter(pk=job.pk).update(
            done=F("done") + len(chunk),
            total=Greatest(F("total"), F("done") + len(chunk)),  # mentions added meanwhile
            updated_at=timezone.now(),
            changed=F("changed") + changed,
            last_mention_id=chunk[-1].pk if chunk else job.last_mention_id,
            finished_at=None if len(chunk) == CHUNK else timezone.now(),
        )
    for mention in newly_negative:
        announce_negative(mention)
    return len(chunk) == CHUNK


def _needs_announcement(mention: Mention) -> bool:
    return (
        mention.label == Label.NEGATIVE
        and mention.subject == Subject.OURS
        and not mention.author_blocked
        and not mention.imported_history  # history waits for the owner's "open cases for them"
        and mention.negative_announced_at is None
    )
