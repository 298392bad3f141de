"""Store parsed records once: insert new mentions, revise edited ones, classify, announce.

The database does the deduplication: (source, external_id) is unique and inserts use
ON CONFLICT DO NOTHING, so a repeated poll or a duplicated task creates nothing new.
Edits are applied with a conditional UPDATE on the old content hash, so an edit seen twice
makes one revision. A negative mention about us is announced once: the announcement marks
`negative_announced_at` with a conditional UPDATE in the same transaction as the receivers,
one UPDATE and one signal for all of a poll's new negatives.

A new source's old entries are history, not news: a mention published more than the source's
`history_days` before it was added (or before its first successful poll) is stored and
classified with `imported_history` set, and is never announced until the owner asks
(`announce_history`).
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone

from monitors.classify import Classification, OwnerRules, classify
from monitors.local_model import rules_and_model
from monitors.models import (
    BlockedAuthor,
    Label,
    Mention,
    PollLog,
    Revision,
    Source,
    Subject,
    Tombstone,
)
from monitors.parsers.base import ReviewRecord
from monitors.signals import mention_revised, negative_mentions, platform_reply_seen
from monitors.storable import storable

REVISED_FIELDS = ("title", "text", "rating")
MAX_EXTERNAL_ID = Mention._meta.get_field("external_id").max_length
log = logging.getLogger(__name__)


@dataclass
class IngestCounts:
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    tombstoned: int = 0


def content_hash(title: str, text: str, rating: Decimal | None) -> str:
    rating_text = "" if rating is None else f"{Decimal(rating).normalize():f}"
    return hashlib.sha256(f"{title}\x00{text}\x00{rating_text}".encode()).hexdigest()


def owner_rules() -> OwnerRules:
    """The owner's words and this installation's model: read once per poll or chunk."""
    rules, model = rules_and_model()
    return OwnerRules(
        always_flag=tuple(line.strip() for line in rules.always_flag.splitlines() if line.strip()),
        never_flag=tuple(line.strip() for line in rules.never_flag.splitlines() if line.strip()),
        model=model,
    )


def classify_mention(title: str, text: str, rating: Decimal | None, rules: OwnerRules):
    """Titles of reviews often carry the verdict ("Useless"), so they are read with the text."""
    words = f"{title}.\n{text}" if title and text else (title or text)
    return classify(words, rating, rules=rules)


def blocked_author_names() -> set[str]:
    return set(BlockedAuthor.objects.values_list("name", flat=True))


def classified_fields(verdict: Classification) -> dict:
    return {
        "label": verdict.label,
        "score": round(verdict.score, 4),
        "reason": verdict.reason[:500],
        "strongly_negative": verdict.strongly_negative,
    }


# What an edit to the words does to a person's correction of the old words.
NO_CORRECTION = {"corrected_negative": None, "corrected_by": None, "corrected_at": None}


def stored_id(external_id: str) -> str:
    """The id as the database keeps it: ids too long for the column become a stable hash."""
    if len(external_id) <= MAX_EXTERNAL_ID:
        return external_id
    return "sha256:" + hashlib.sha256(external_id.encode()).hexdigest()


def _unique_records(records: list[ReviewRecord]) -> list[ReviewRecord]:
    """Each record once, as it may be stored (see monitors.storable): the one boundary where
    text the database refuses and links that are not http(s) are removed."""
    seen: set[str] = set()
    unique = []
    for record in map(storable, records):
        key = stored_id(record.external_id)
        if key and key not in seen:
            seen.add(key)
            unique.append(replace(record, external_id=key))
    return unique


def ingest(
    source: Source, records: list[ReviewRecord], poll: PollLog, now: datetime | None = None
) -> IngestCounts:
    """Store one document's records in one transaction; once it has committed, announce the
    new negatives in a second one, with their receivers (a savepoint each)."""
    now = now or timezone.now()
    with transaction.atomic():
        counts = _store(source, records, poll, now)
    announce_pending_negatives(source, now)
    return counts


def _store(
    source: Source, records: list[ReviewRecord], poll: PollLog, now: datetime
) -> IngestCounts:
    counts = IngestCounts()
    records = _unique_records(records)
    ids = [r.external_id for r in records]
    # (pk, content hash) of what is already stored: whole rows only for the edited ones.
    known = {
        external_id: (pk, stored_hash)
        for external_id, pk, stored_hash in Mention.objects.filter(
            source=source, external_id__in=ids
        ).values_list("external_id", "pk", "content_hash")
    }
    tombstoned = set(
        Tombstone.objects.filter(source=source, external_id__in=ids).values_list(
            "external_id", flat=True
        )
    )
    rules, blocked = owner_rules(), blocked_author_names()
    cutoff = history_cutoff(source, now)
    fresh: list[Mention] = []
    seen_again: list[int] = []
    edited: list[tuple[int, ReviewRecord, str]] = []
    for record in records:
        digest = content_hash(record.title, record.text, record.rating)
        if record.external_id in tombstoned:
            counts.tombstoned += 1
        elif (stored := known.get(record.external_id)) is None:
            mention = _new_mention(source, record, digest, poll, now, rules, blocked)
            mention.imported_history = is_history(record.published_at, cutoff)
            fresh.append(mention)
        elif stored[1] == digest:
            seen_again.append(stored[0])
            counts.unchanged += 1
        else:
            edited.append((stored[0], record, digest))
    if edited:
        rows = Mention.objects.in_bulk([pk for pk, _, _ in edited])
        for pk, record, digest in edited:
            if revise(rows[pk], record, digest, now, rules):
                counts.updated += 1
            else:
                counts.unchanged += 1
    if seen_again:
        Mention.objects.filter(pk__in=seen_again).update(last_seen_at=now)
    store_public_replies(source, [r for r in records if r.external_id not in tombstoned])
    if fresh:
        Mention.objects.bulk_create(fresh, ignore_conflicts=True)
        # Another poll of the same source may have stored some of them first.
        counts.new = Mention.objects.filter(
            source=source, external_id__in=[m.external_id for m in fresh], first_seen_poll=poll
        ).count()
        counts.unchanged += len(fresh) - counts.new
    return counts


def _reply_fields(record: ReviewRecord) -> dict:
    reply = record.reply
    return {
        "platform_reply": reply.text if reply else "",
        "platform_reply_at": reply.updated_at if reply else None,
        "platform_reply_state": reply.state if reply else "",
    }


def store_public_replies(source: Source, records: list[ReviewRecord]) -> None:
    """Keep each known mention's public reply as the platform shows it, and once the
    transaction commits announce every change (`platform_reply_seen`). New mentions get theirs
    on insert, unannounced: the case opened for one already answered reads it there."""
    known = [r for r in records if r.replies_known]
    if not known:
        return
    fields = list(_reply_fields(ReviewRecord(external_id="")))
    stored = {
        m.external_id: m
        for m in Mention.objects.filter(
            source=source, external_id__in=[r.external_id for r in known]
        ).only("pk", "external_id", *fields)
    }
    changed: list[int] = []
    for record in known:
        new = _reply_fields(record)
        mention = stored.get(record.external_id)
        if mention is not None and any(getattr(mention, k) != v for k, v in new.items()):
            Mention.objects.filter(pk=mention.pk).update(**new)
            changed.append(mention.pk)
    if changed:
        transaction.on_commit(lambda: _announce_replies(changed))


def _announce_replies(mention_ids: list[int]) -> None:
    for mention in Mention.objects.filter(pk__in=mention_ids):
        platform_reply_seen.send(sender=Mention, mention=mention)


def history_cutoff(source: Source, now: datetime) -> datetime:
    """Mentions published before this are history. The first successful poll reads the site as
    it is now; later polls only treat what predates the source itself as history."""
    first_poll = source.last_success_at is None
    since = now if first_poll else min(now, source.created_at)
    return since - timedelta(days=source.history_days)


def is_history(published_at: datetime | None, cutoff: datetime) -> bool:
    """Undated mentions cannot be placed in time, so they are treated as news."""
    return published_at is not None and published_at < cutoff


def _new_mention(
    source: Source,
    record: ReviewRecord,
    digest: str,
    poll: PollLog,
    now: datetime,
    rules: OwnerRules,
    blocked: set[str],
) -> Mention:
    verdict = classify_mention(record.title, record.text, record.rating, rules)
    return Mention(
        source=source,
        external_id=record.external_id,
        url=record.url[:2000],
        author=record.author[:300],
        title=record.title[:1000],
        text=record.text,
        html=record.html,
        rating=record.rating,
        published_at=record.published_at,
        first_seen_at=now,
        first_seen_poll=poll,
        last_seen_at=now,
        content_hash=digest,
        **_reply_fields(record),
        subject=source.subject,
        author_blocked=record.author.casefold() in blocked if record.author else False,
        **classified_fields(verdict),
    )


def revise(
    mention: Mention, record: ReviewRecord, digest: str, now: datetime, rules: OwnerRules
) -> bool:
    """Apply an edit seen on the site; False if another poll applied it first."""
    old = {"title": mention.title, "text": mention.text, "rating": mention.rating}
    new = {"title": record.title[:1000], "text": record.text, "rating": record.rating}
    changed = [name for name in REVISED_FIELDS if old[name] != new[name]]
    verdict = classify_mention(record.title, record.text, record.rating, rules)
    if changed or mention.corrected_negative is None:
        label_fields = classified_fields(verdict) | NO_CORRECTION
    else:
        label_fields = {}  # a person's correction stands while the words are the same
    with transaction.atomic():
        updated = Mention.objects.filter(pk=mention.pk, content_hash=mention.content_hash).update(
            content_hash=digest,
            html=record.html,
            url=record.url[:2000] or mention.url,
            last_seen_at=now,
            imported_history=mention.imported_history and not changed,
            **new,
            **label_fields,
        )
        if not updated:
            return False
        mention.refresh_from_db()
        if not changed:  # only markup or the URL moved: no revision to show
            return True
        revision = Revision.objects.create(
            mention=mention,
            seen_at=now,
            changed=changed,
            old_title=old["title"],
            old_text=old["text"],
            old_rating=old["rating"],
            new_rating=new["rating"],
        )
        transaction.on_commit(
            lambda: mention_revised.send(
                sender=Mention,
                mention=mention,
                revision=revision,
                old={k: old[k] for k in changed},
                new={k: new[k] for k in changed},
            )
        )
    return True


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
    """Send `negative_mentions` for the new negative mentions about us not yet announced
    (history is left alone).

    Runs on every poll, so a worker killed between storing and announcing loses nothing.
    """
    return _announce(list(unannounced_negatives(source).filter(imported_history=False)), now)


def announce_history(source: Source, now: datetime | None = None) -> int:
    """The owner's "open cases for them": announce the negative history of a source now, so
    each gets a case whose response clock starts now. Still history for the spike count."""
    return _announce(list(unannounced_negatives(source).filter(imported_history=True)), now)


def _announce(pending: list[Mention], now: datetime | None) -> int:
    """All together in one savepoint; if a receiver fails, one by one, a savepoint each, so
    only the failing mention stays pending (retried on the next poll) and is logged."""
    if not pending:
        return 0
    with transaction.atomic():
        try:
            return announce_negatives(pending, now)
        except Exception:
            log.exception("announcing %d mentions together failed; one by one now", len(pending))
        announced = 0
        for mention in pending:
            try:
                announced += announce_negatives([mention], now)
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
