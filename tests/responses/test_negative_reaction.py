"""One ordered reaction per negative mention: open the case, fold in the same author's earlier
case, and check for a spike once per poll, after the poll's transaction has committed."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from monitors.ingest import ingest
from monitors.models import PollLog, Source
from monitors.parsers.base import ReviewRecord
from monitors.polling import poll_source_now
from monitors.signals import negative_mentions
from responses.models import AlertSettings, Case, OwnerAlert
from responses.spikes import _queue_spike_check
from reviewwatch.celery import app as celery_app
from tests.rss import Item, rss_feed

pytestmark = pytest.mark.django_db
ANGRY = "Terrible, it broke after a day. Awful service."


@pytest.fixture
def eager_tasks():
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = False


def serve(httpserver, items: list[Item]) -> Source:
    httpserver.expect_request("/feed").respond_with_data(
        rss_feed(items), content_type="application/rss+xml"
    )
    return Source.objects.create(name="Shop", url=httpserver.url_for("/feed"))


def test_a_poll_of_six_negatives_sends_one_spike_alert_checked_once_after_commit(
    httpserver, owner, smtp_server, eager_tasks, django_capture_on_commit_callbacks
):
    AlertSettings.objects.create(pk=1, spike_count=3, spike_multiple=1000)
    source = serve(httpserver, [Item(f"n{n}", f"Broken {n}", ANGRY) for n in range(6)])
    with django_capture_on_commit_callbacks() as queued:
        poll_source_now(source.pk)
    assert Case.objects.count() == 6
    assert not OwnerAlert.objects.exists(), "no 7-day count inside the poll's transaction"
    assert [hook for hook in queued if hook is _queue_spike_check] == [_queue_spike_check]
    for hook in queued:
        hook()
    [alert] = OwnerAlert.objects.all()
    assert alert.kind == OwnerAlert.Kind.SPIKE and alert.context["count"] == 6
    assert [smtp_server.subject(m) for m in smtp_server.messages] == [
        "Spike: 6 negative mentions in the last hour"
    ]


def test_same_author_twice_in_one_poll_makes_one_case_with_the_second_merged_in(httpserver):
    source = serve(
        httpserver,
        [
            Item("a", "Broken lamp", ANGRY, author="Dana"),
            Item("b", "Broken again", "Useless, the new one is broken too.", author="Dana"),
        ],
    )
    poll_source_now(source.pk)
    first, second = Case.objects.order_by("mention__external_id")
    assert first.merged_into is None and second.merged_into == first
    assert second.status == Case.Status.DISMISSED


def test_responses_reacts_to_a_negative_mention_with_one_receiver():
    assert len(negative_mentions.receivers) == 1


def count_queries_of_a_poll_with(negatives: int) -> int:
    source = Source.objects.create(name=f"Shop {negatives}", url=f"https://s{negatives}.example/")
    records = [
        ReviewRecord(external_id=str(n), author=f"Customer {n}", text=ANGRY, rating=Decimal(1))
        for n in range(negatives)
    ]
    with CaptureQueriesContext(connection) as queries:
        ingest(source, records, PollLog.objects.create(source=source))
    assert Case.objects.filter(mention__source=source).count() == negatives
    return len(queries)


def test_a_poll_opens_all_its_cases_in_as_many_queries_for_fifty_negatives_as_for_two():
    count_queries_of_a_poll_with(1)  # the settings rows are created on first use
    assert count_queries_of_a_poll_with(50) == count_queries_of_a_poll_with(2)


def test_three_complaints_by_one_author_in_one_poll_fold_into_the_first_with_each_merge_shown(
    httpserver,
):
    items = [Item(f"p{n}", f"Broken {n}", ANGRY, author="Dana") for n in range(3)]
    poll_source_now(serve(httpserver, items).pk)
    first, *folded = Case.objects.order_by("mention__external_id")
    assert first.merged_into is None and first.status == Case.Status.NEW
    for case in folded:
        assert (case.merged_into, case.status, case.dismiss_reason) == (
            first,
            Case.Status.DISMISSED,
            Case.DismissReason.DUPLICATE,
        )
        assert [(e.kind, e.old_value, e.new_value) for e in case.events.order_by("pk")] == [
            ("opened", "", "new"),
            ("status", "New", "Dismissed (Duplicate)"),
            ("merged", "", f"into case {first.pk}"),
        ]
    merged_in = first.events.filter(kind="merged").values_list("new_value", flat=True)
    assert sorted(merged_in) == sorted(f"case {case.pk} merged in" for case in folded)
