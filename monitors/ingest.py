"""Store parsed records once: insert new mentions, revise edited ones, classify, announce.

The database does the deduplication: (source, external_id) is unique and inserts use
ON CONFLICT DO NOTHING, so a repeated poll or a duplicated task creates nothing new.
Edits are applied with a conditional UPDATE on the old content hash, so an edit seen twice
makes one revision. A poll's new negatives about us are stored already marked as announced and
announced in the same transaction (monitors.announce), so a complaint is never stored without
its case; whatever else is pending on the source is claimed once the poll has committed.

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

from django.db import transaction
from django.utils import timezone

from monitors.announce import announce_pending_negatives, announce_stored, needs_announcement
from monitors.classify import Classification, OwnerRules, classify
from monitors.ingest_rows import insert_new, stored_and_tombstoned, update_edited
from monitors.local_model import rules_model_and_blocked
from monitors.models import Mention, PollLog, Revision, Source
from monitors.parsers.base import ReviewRecord
from monitors.public_replies import reply_fields, store_public_replies
from monitors.signals import mention_revised, mentions_created
from monitors.storable import storable

REVISED_FIELDS = ("title", "text", "rating")
# An unchanged mention's `last_seen_at` is moved on at most this often: to the day is what it
# tells, and rewriting every listed row on every poll (a new row version of long text, and an
# entry in each index, full-text included) would cost more than the rest of the poll.
LAST_SEEN_PRECISION = timedelta(days=1)
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
    return rules_and_blocked_authors()[0]


def rules_and_blocked_authors() -> tuple[OwnerRules, set[str]]:
    """What a poll classifies with, and the blocked authors' names (casefolded): one query."""
    always_flag, never_flag, model, blocked = rules_model_and_blocked()
    owner = OwnerRules(
        always_flag=tuple(line.strip() for line in always_flag.splitlines() if line.strip()),
        never_flag=tuple(line.strip() for line in never_flag.splitlines() if line.strip()),
        model=model,
    )
    return owner, blocked


def classify_mention(title: str, text: str, rating: Decimal | None, rules: OwnerRules):
    """Titles of reviews often carry the verdict ("Useless"), so they are read with the text."""
    words = f"{title}.\n{text}" if title and text else (title or text)
    return classify(words, rating, rules=rules)


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
    """Store one document's records and announce its new negatives in one transaction (a
    worker killed halfway leaves nothing half done); once it has committed, announce whatever
    else is pending on the source."""
    now = now or timezone.now()
    with transaction.atomic():
        counts, negatives = _store(source, records, poll, now)
        if negatives:
            announce_stored(negatives)
    announce_pending_negatives(source, now)
    return counts


def _store(
    source: Source, records: list[ReviewRecord], poll: PollLog, now: datetime
) -> tuple[IngestCounts, list[Mention]]:
    """A constant number of queries, however many records: one to find what is stored (and
    what the owner deleted), one for the rules and blocked authors, one INSERT for the new
    mentions, and for edits one read, one UPDATE and one INSERT of their revisions.

    Returns the counts and the new mentions stored marked for announcement, in stored order:
    the negatives about us (not history, not by a blocked author) that this call inserted."""
    counts = IngestCounts()
    records = _unique_records(records)
    # (pk, content hash) of what is already stored: whole rows only for the edited ones.
    known, tombstoned = stored_and_tombstoned(source.pk, [r.external_id for r in records])
    rules, blocked = rules_and_blocked_authors()
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
            if needs_announcement(mention):
                mention.negative_announced_at = now  # when it turned negative: the clock's start
            fresh.append(mention)
        elif stored[1] == digest:
            seen_again.append(stored[0])
            counts.unchanged += 1
        else:
            edited.append((stored[0], record, digest))
    if edited:
        rows = Mention.objects.in_bulk([pk for pk, _, _ in edited])
        applied = revise_all(
            [(rows[pk], record, digest) for pk, record, digest in edited], now, rules
        )
        counts.updated += applied
        counts.unchanged += len(edited) - applied
    if seen_again:
        Mention.objects.filter(
            pk__in=seen_again, last_seen_at__lt=now - LAST_SEEN_PRECISION
        ).update(last_seen_at=now)
    store_public_replies(source, records, known.keys() - tombstoned)
    if not fresh:
        return counts, []
    stored = insert_new(fresh)
    counts.new = len(stored)
    counts.unchanged += len(fresh) - counts.new
    if news := [mention for mention in stored if not mention.imported_history]:
        mentions_created.send(sender=Mention, mentions=news)
    return counts, [mention for mention in stored if mention.negative_announced_at is not None]


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
        **reply_fields(record),
        subject=source.subject,
        author_blocked=record.author.casefold() in blocked if record.author else False,
        **classified_fields(verdict),
    )


def revise(
    mention: Mention, record: ReviewRecord, digest: str, now: datetime, rules: OwnerRules
) -> bool:
    """Apply an edit seen on the site; False if another poll applied it first."""
    return bool(revise_all([(mention, record, digest)], now, rules))


def revise_all(
    edits: list[tuple[Mention, ReviewRecord, str]], now: datetime, rules: OwnerRules
) -> int:
    """Apply the edits seen on the site in one UPDATE (each only if no other poll applied it
    first), record their revisions in one INSERT, and once committed announce each
    (`mention_revised`). Returns how many this call applied."""
    planned: dict[int, tuple[list[str], dict, dict]] = {}
    rows: list[tuple[Mention, dict]] = []
    for mention, record, digest in edits:
        old = {"title": mention.title, "text": mention.text, "rating": mention.rating}
        new = {"title": record.title[:1000], "text": record.text, "rating": record.rating}
        changed = [name for name in REVISED_FIELDS if old[name] != new[name]]
        if changed or mention.corrected_negative is None:
            verdict = classify_mention(record.title, record.text, record.rating, rules)
            label_fields = classified_fields(verdict) | NO_CORRECTION
        else:
            label_fields = {}  # a person's correction stands while the words are the same
        values = {
            "content_hash": digest,
            "html": record.html,
            "url": record.url[:2000] or mention.url,
            "last_seen_at": now,
            "imported_history": mention.imported_history and not changed,
            **new,
            **label_fields,
        }
        rows.append((mention, values))
        planned[mention.pk] = (changed, old, new)
    update_edited(rows)
    # The rows this call changed carry its hash and its `now`; one another poll changed first
    # carries that poll's.
    digests = {mention.pk: values["content_hash"] for mention, values in rows}
    applied = [
        mention
        for mention in Mention.objects.filter(pk__in=digests, last_seen_at=now)
        if mention.content_hash == digests[mention.pk]
    ]
    revised = [mention for mention in applied if planned[mention.pk][0]]
    revisions = Revision.objects.bulk_create(
        Revision(
            mention=mention,
            seen_at=now,
            changed=planned[mention.pk][0],
            old_title=planned[mention.pk][1]["title"],
            old_text=planned[mention.pk][1]["text"],
            old_rating=planned[mention.pk][1]["rating"],
            new_rating=planned[mention.pk][2]["rating"],
        )
        for mention in revised
    )
    for mention, revision in zip(revised, revisions, strict=True):
        changed, old, new = planned[mention.pk]
        transaction.on_commit(
            lambda mention=mention, revision=revision, changed=changed, old=old, new=new: (
                mention_revised.send(
                    sender=Mention,
                    mention=mention,
                    revision=revision,
                    old={k: old[k] for k in changed},
                    new={k: new[k] for k in changed},
                )
            )
        )
    return len(applied)
