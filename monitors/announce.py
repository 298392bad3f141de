"""Announcing negative mentions about us (the signal `negative_mentions`), each exactly once.

The mark is `negative_announced_at`, also when the case's response clock starts. A poll's new
negatives are inserted already marked and announced in the poll's own transaction
(`announce_stored`); anything else that is, or turned, negative (an edit, a correction, a source
that became ours, receivers that failed) is claimed by a conditional UPDATE in the receivers'
transaction (`announce_pending_negatives`, after every poll), so two polls or a retried task
announce it once. History waits for the owner (`announce_history`).
"""

from __future__ import annotations

import logging
from datetime import datetime

from django.db import connection, transaction
from django.utils import timezone

from monitors.ingest_rows import claim_negatives
from monitors.models import Label, Mention, Source, Subject
from monitors.signals import negative_mentions

log = logging.getLogger(__name__)


def announce_stored(negatives: list[Mention]) -> None:
    """Send `negative_mentions` for new negatives stored already marked as announced. If a
    receiver fails, its work is rolled back and the marks are taken back, so the claim after
    the poll (`announce_pending_negatives`) retries them, one by one if need be."""
    try:
        with transaction.atomic():
            negative_mentions.send(sender=Mention, mentions=negatives)
    except Exception:
        log.exception("announcing the new negatives together failed; they wait for the claim")
        Mention.objects.filter(pk__in=[mention.pk for mention in negatives]).update(
            negative_announced_at=None
        )
        for mention in negatives:
            mention.negative_announced_at = None


def needs_announcement(mention: Mention) -> bool:
    """Whether a mention should open a case now and has not yet."""
    return (
        mention.label == Label.NEGATIVE
        and mention.subject == Subject.OURS
        and not mention.author_blocked
        and not mention.imported_history  # history waits for the owner's "open cases for them"
        and mention.negative_announced_at is None
    )


def unannounced_negatives(source: Source):
    """Negative mentions about us on this source that no receiver has heard of yet."""
    return Mention.objects.filter(
        source=source,
        label=Label.NEGATIVE,
        subject=Subject.OURS,
        author_blocked=False,
        negative_announced_at__isnull=True,
    ).order_by("pk")


def announce_pending_negatives(source: Source, now: datetime | None = None) -> int:
    """Send `negative_mentions` for this source's negative mentions about us not yet announced
    (history is left alone): reviews edited into complaints, a poll's complaints whose
    receivers failed, a source that became ours. Runs after every poll, so they wait one poll
    at most."""
    return _announce(source, history=False, now=now)


def announce_history(source: Source, now: datetime | None = None) -> int:
    """The owner's "open cases for them": announce the negative history of a source now, so
    each gets a case whose response clock starts now. Still history for the spike count."""
    return _announce(source, history=True, now=now)


def _announce(source: Source, *, history: bool, now: datetime | None) -> int:
    """All together: one UPDATE claims them and returns them, and the receivers run, in one
    transaction (a savepoint inside one). If a receiver fails, that is rolled back and they go
    one by one, a savepoint each, so only the failing mention stays pending (retried on the
    next poll) and is logged."""
    at = now or timezone.now()
    try:
        with transaction.atomic():
            claimed = claim_negatives(source.pk, history=history, at=at)
            if claimed:
                negative_mentions.send(sender=Mention, mentions=claimed)
            return len(claimed)
    except Exception:
        log.exception("announcing the negatives of source %s together failed", source.pk)
    announced = 0
    with transaction.atomic():
        for mention in unannounced_negatives(source).filter(imported_history=history):
            try:
                announced += announce_negatives([mention], at)
            except Exception:
                log.exception("announcing mention %s failed; the next poll retries", mention.pk)
    return announced


def announce_negatives(mentions: list[Mention], now: datetime | None = None) -> int:
    """Claim the announcements with one conditional UPDATE; receivers run in the same
    transaction (a savepoint when inside one). Returns how many this call claimed."""
    at = now or timezone.now()
    table = connection.ops.quote_name(Mention._meta.db_table)
    with transaction.atomic(), connection.cursor() as cursor:
        ids = [mention.pk for mention in mentions]
        cursor.execute(
            f"UPDATE {table} SET negative_announced_at = %s"
            f" WHERE id IN ({', '.join(['%s'] * len(ids))}) AND negative_announced_at IS NULL"
            " RETURNING id",
            [at, *ids],
        )
        claimed_ids = {row[0] for row in cursor.fetchall()}
        claimed = [mention for mention in mentions if mention.pk in claimed_ids]
        for mention in claimed:
            mention.negative_announced_at = at  # when it turned negative: the case clock's start
        if claimed:
            negative_mentions.send(sender=Mention, mentions=claimed)
    return len(claimed)


def announce_negative(mention: Mention, now: datetime | None = None) -> bool:
    """Announce one mention (a correction or a reclassification made it negative)."""
    return bool(announce_negatives([mention], now))
