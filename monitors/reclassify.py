"""Classify every mention again after the owner changed the rules, with progress on a job row.

Each task classifies one chunk and queues the next, so no task runs long and a lost task loses
one chunk's progress at most: pressing the button again resumes the job at its cursor.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.db.models import F
from django.db.models.functions import Greatest
from django.utils import timezone

from monitors.announce import announce_negative, needs_announcement
from monitors.ingest import classified_fields, classify_mention, rules_and_blocked_authors
from monitors.models import Mention, ReclassifyJob

CHUNK = 500
# A running job with no progress for this long lost its task (a chunk takes seconds).
STALLED_AFTER = timedelta(minutes=15)


def start_reclassify() -> tuple[ReclassifyJob, str]:
    """The job to run and what happened: "running" (leave it be), "resumed" or "started".

    A job whose task was lost (no progress for STALLED_AFTER) goes on from its cursor.
    """
    now = timezone.now()
    running = ReclassifyJob.objects.filter(finished_at__isnull=True).first()
    if running is None:
        job = ReclassifyJob.objects.create(total=Mention.objects.count(), updated_at=now)
        return job, "started"
    if running.updated_at > now - STALLED_AFTER:
        return running, "running"
    return running, "resumed"


def mark_progress(job: ReclassifyJob) -> None:
    """The job's task was (re)queued just now: it is not stalled."""
    ReclassifyJob.objects.filter(pk=job.pk).update(updated_at=timezone.now())


def reclassify_chunk(job_id: int) -> bool:
    """Classify the next chunk; True when more remain.

    The job row stays locked for the chunk, so a second copy of the task skips instead of
    doing the same chunk again. A mention whose content changed since it was read (a poll saw
    an edit and classified the new text) is left as that poll wrote it.
    """
    rules, blocked = rules_and_blocked_authors()
    newly_negative: list[Mention] = []
    with transaction.atomic():
        job = (
            ReclassifyJob.objects.select_for_update(skip_locked=True)
            .filter(pk=job_id, finished_at__isnull=True)
            .first()
        )
        if job is None:
            return False  # finished, gone, or a copy of this task holds it
        chunk = list(Mention.objects.filter(pk__gt=job.last_mention_id).order_by("pk")[:CHUNK])
        changed = 0
        for mention in chunk:
            fields = (
                {}  # a person's correction stands
                if mention.corrected_negative is not None
                else classified_fields(
                    classify_mention(mention.title, mention.text, mention.rating, rules)
                )
            )
            fields["author_blocked"] = bool(mention.author) and mention.author.casefold() in blocked
            if all(getattr(mention, key) == value for key, value in fields.items()):
                continue
            same_content = Mention.objects.filter(pk=mention.pk, content_hash=mention.content_hash)
            if not same_content.update(**fields):
                continue
            changed += 1
            for key, value in fields.items():
                setattr(mention, key, value)
            if needs_announcement(mention):
                newly_negative.append(mention)
        more = len(chunk) == CHUNK
        ReclassifyJob.objects.filter(pk=job.pk).update(
            done=F("done") + len(chunk),
            total=Greatest(F("total"), F("done") + len(chunk)),  # mentions added meanwhile
            updated_at=timezone.now(),
            changed=F("changed") + changed,
            last_mention_id=chunk[-1].pk if chunk else job.last_mention_id,
            finished_at=None if more else timezone.now(),
        )
    for mention in newly_negative:
        announce_negative(mention)
    return more
