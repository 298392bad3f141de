"""Ingest stores each record once, classifies it, and announces negative mentions once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import connection

from monitors.announce import announce_pending_negatives
from monitors.ingest import ingest
from monitors.models import BlockedAuthor, Mention, PollLog, Source, Subject
from monitors.parsers.base import ReviewRecord
from monitors.signals import negative_mentions

pytestmark = pytest.mark.django_db


@pytest.fixture
def announced():
    received: list[int] = []
    negative_mentions.connect(
        lambda mentions, **kw: received.extend(m.pk for m in mentions),
        weak=False,
        dispatch_uid="test-neg",
    )
    yield received
    negative_mentions.disconnect(dispatch_uid="test-neg")


def poll_of(source: Source) -> PollLog:
    return PollLog.objects.create(source=source)


def record(ext: str, text: str, rating: str | None = None, author: str = "Dana") -> ReviewRecord:
    return ReviewRecord(
        external_id=ext,
        author=author,
        text=text,
        rating=Decimal(rating) if rating is not None else None,
    )


@pytest.fixture
def source():
    return Source.objects.create(name="Reviews", kind="review_page", url="https://r.example/x")


def test_negative_mention_is_classified_with_a_reason_and_announced_once(source, announced):
    rows = [record("1", "Terrible, it broke in a week", "1"), record("2", "Lovely lamp", "5")]
    ingest(source, rows, poll_of(source))
    ingest(source, rows, poll_of(source))
    announce_pending_negatives(source)
    bad = Mention.objects.get(external_id="1")
    assert (bad.label, bad.reason, bad.strongly_negative) == ("negative", "rating 1/5", True)
    assert Mention.objects.get(external_id="2").label == "positive"
    assert announced == [bad.pk]


def test_duplicate_records_in_one_document_store_one_mention(source):
    counts = ingest(source, [record("1", "ok"), record("1", "ok")], poll_of(source))
    assert counts.new == 1 and Mention.objects.count() == 1


def test_competitor_and_blocked_author_mentions_are_not_announced(source, announced):
    BlockedAuthor.objects.create(name="troll")
    ingest(source, [record("1", "Worst ever, scam", "1", author="Troll")], poll_of(source))
    rival = Source.objects.create(
        name="Rival", url="https://r.example/y", subject=Subject.COMPETITOR, competitor_name="Bo"
    )
    ingest(rival, [record("2", "Worst ever, scam", "1")], poll_of(rival))
    assert Mention.objects.get(external_id="1").author_blocked is True
    assert Mention.objects.get(external_id="2").label == "negative"
    assert announced == []


def test_edit_that_turns_a_mention_negative_announces_it_once(source, announced):
    ingest(source, [record("1", "Great lamp", "5")], poll_of(source))
    edited = [record("1", "It stopped working, I want a refund", "1")]
    ingest(source, edited, poll_of(source))
    ingest(source, edited, poll_of(source))
    mention = Mention.objects.get()
    assert mention.label == "negative" and mention.revisions.count() == 1
    assert mention.revisions.get().old_rating == Decimal("5")
    assert announced == [mention.pk]


def test_failing_receiver_leaves_only_its_mention_pending_for_the_next_poll(
    source, announced, caplog
):
    def explode(mentions, **kwargs):
        if any(mention.external_id == "1" for mention in mentions):
            raise RuntimeError("receiver down")

    negative_mentions.connect(explode, weak=False, dispatch_uid="explode")
    try:
        ingest(source, [record("1", "Awful", "1"), record("2", "Bad", "2")], poll_of(source))
    finally:
        negative_mentions.disconnect(dispatch_uid="explode")
    assert "announcing mention" in caplog.text and "receiver down" in caplog.text
    assert Mention.objects.get(external_id="2").negative_announced_at is not None
    mention = Mention.objects.get(external_id="1")
    assert mention.negative_announced_at is None
    assert announce_pending_negatives(source) == 1
    assert announce_pending_negatives(source) == 0
    mention.refresh_from_db()
    assert mention.negative_announced_at is not None and announced[-1] == mention.pk


def test_an_id_too_long_for_the_column_is_stored_as_a_stable_hash_and_edits_still_match(source):
    long_id = "https://r.example/review?" + "x" * 2000
    ingest(source, [record(long_id, "Fine", "4")], poll_of(source))
    ingest(source, [record(long_id, "Broke after a day", "1")], poll_of(source))
    mention = Mention.objects.get()
    assert mention.external_id.startswith("sha256:") and mention.rating == 1
    assert mention.revisions.count() == 1


def row_version(mention_pk: int) -> str:
    """Where the row's current version lies: an UPDATE writes a new one, even of one column."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT ctid::text FROM monitors_mention WHERE id = %s", [mention_pk])
        return cursor.fetchone()[0]


def test_an_unchanged_mention_is_not_rewritten_by_each_poll_and_is_seen_to_the_day(source):
    first = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
    rows = [record("1", "Lovely lamp, bright and warm", "5")]
    ingest(source, rows, poll_of(source), now=first)
    mention = Mention.objects.get()
    version = row_version(mention.pk)

    ingest(source, rows, poll_of(source), now=first + timedelta(hours=6))
    assert row_version(mention.pk) == version
    mention.refresh_from_db()
    assert mention.last_seen_at == first

    later = first + timedelta(days=1, minutes=1)
    ingest(source, rows, poll_of(source), now=later)
    mention.refresh_from_db()
    assert mention.last_seen_at == later
