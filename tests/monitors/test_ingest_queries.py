"""A poll costs the same few queries however many entries it brings: new, edited or seen again,
and each edit still lands on its own mention, once."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from monitors.ingest import content_hash, ingest, owner_rules, revise_all
from monitors.models import BlockedAuthor, Mention, PollLog, Revision, Source, Tombstone
from monitors.parsers.base import ReviewRecord

pytestmark = pytest.mark.django_db

PRAISE = "Lovely lamp, bright and warm, arrived a day early."
COMPLAINT = "It stopped working after two weeks and support never answered."


def records(count: int, text: str, rating: str | None = None) -> list[ReviewRecord]:
    stars = Decimal(rating) if rating is not None else None
    return [
        ReviewRecord(external_id=f"r{n}", author=f"Customer {n}", text=text, rating=stars)
        for n in range(count)
    ]


def queries_of_polls(count: int, *documents: list[ReviewRecord]) -> list[int]:
    """The queries each poll of a fresh source made, one poll per document."""
    source = Source.objects.create(name=f"s{count}", url=f"https://s{count}.example/")
    Tombstone.objects.create(source=source, external_id="r0")  # an owner deleted one
    BlockedAuthor.objects.get_or_create(name="customer 1")
    made = []
    for document in documents:
        with CaptureQueriesContext(connection) as queries:
            ingest(source, document, PollLog.objects.create(source=source))
        made.append(len(queries))
    return made


def three_polls(count: int) -> list[int]:
    """Queries of three polls of `count` entries: all new, all seen again, all edited."""
    return queries_of_polls(
        count,
        records(count, PRAISE, "5"),
        records(count, PRAISE, "5"),
        records(count, COMPLAINT, "1"),
    )


def test_fifty_entries_new_then_seen_again_then_edited_cost_as_many_queries_as_three():
    three_polls(3)  # the settings rows are created on first use
    assert three_polls(50) == three_polls(3)


def test_edits_in_one_poll_each_keep_their_own_words_rating_and_revision():
    source = Source.objects.create(name="Reviews", url="https://r.example/")
    first = [
        ReviewRecord(external_id="a", title="Nice", text=PRAISE, rating=Decimal(5)),
        ReviewRecord(external_id="b", text=COMPLAINT, rating=None),
        ReviewRecord(external_id="c", text=PRAISE, rating=Decimal(4)),
        ReviewRecord(external_id="d", text=PRAISE, rating=Decimal(4)),
    ]
    ingest(source, first, PollLog.objects.create(source=source))
    edited = [
        ReviewRecord(external_id="a", title="Broken", text=COMPLAINT, rating=Decimal(1)),
        ReviewRecord(external_id="b", text=PRAISE, rating=Decimal("4.5")),
        ReviewRecord(external_id="c", text=PRAISE, rating=Decimal(3), html="<p>moved</p>"),
        ReviewRecord(external_id="d", text=PRAISE, rating=Decimal(4), html="<p>moved</p>"),
    ]
    counts = ingest(source, edited, PollLog.objects.create(source=source))

    assert (counts.updated, counts.unchanged, counts.new) == (3, 1, 0)
    a, b, c, d = (Mention.objects.get(external_id=key) for key in "abcd")
    assert (a.title, a.text, a.rating, a.label) == ("Broken", COMPLAINT, 1, "negative")
    assert (b.title, b.text, b.rating, b.label) == ("", PRAISE, Decimal("4.5"), "positive")
    assert (c.html, c.rating, d.html) == ("<p>moved</p>", 3, "")  # d's words did not change
    assert list(a.revisions.values_list("changed", "old_title", "old_rating")) == [
        (["title", "text", "rating"], "Nice", Decimal(5))
    ]
    assert list(b.revisions.values_list("changed", "old_text", "new_rating")) == [
        (["text", "rating"], COMPLAINT, Decimal("4.5"))
    ]
    assert list(c.revisions.values_list("changed", "old_rating")) == [(["rating"], 4)]
    assert not d.revisions.exists()


def test_an_edit_another_poll_applied_first_is_not_applied_again():
    source = Source.objects.create(name="Reviews", url="https://r.example/")
    ingest(source, records(2, PRAISE, "5"), PollLog.objects.create(source=source))
    as_read = list(Mention.objects.order_by("external_id"))
    edit = ReviewRecord(external_id="r0", text=COMPLAINT, rating=Decimal(1))
    ingest(source, [edit], PollLog.objects.create(source=source))  # the other poll

    later = timezone.now()
    digest = content_hash("", COMPLAINT, Decimal(1))
    applied = revise_all([(as_read[0], edit, digest)], later, owner_rules())

    assert applied == 0 and Revision.objects.count() == 1


def test_an_empty_document_stores_nothing_and_counts_nothing():
    source = Source.objects.create(name="Quiet", url="https://q.example/")
    counts = ingest(source, [], PollLog.objects.create(source=source))
    assert (counts.new, counts.updated, counts.unchanged) == (0, 0, 0)
    assert not Mention.objects.exists()
