"""Polling a source over real HTTP: what is stored, and when the next poll happens."""

from __future__ import annotations

import gzip
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone
from werkzeug import Response

from monitors.models import HostState, Mention, PollLog, Source
from monitors.polling import PAUSE_AFTER_FAILURES, poll_source_now
from monitors.signals import source_paused
from tests.rss import Item, rss_feed

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
pytestmark = pytest.mark.django_db


def make_source(httpserver, path="/feed", **fields) -> Source:
    defaults = {"name": "Acme alerts", "kind": "feed", "url": httpserver.url_for(path)}
    return Source.objects.create(**{**defaults, **fields})


def test_google_alerts_feed_is_stored_with_links_unwrapped_and_titles_as_text(httpserver):
    body = (FIXTURES / "alerts" / "degru82_google_alerts.xml").read_bytes()
    httpserver.expect_request("/feed").respond_with_data(body, content_type="application/atom+xml")
    source = make_source(httpserver)
    outcome = poll_source_now(source.pk)
    assert outcome.status == "ok" and outcome.log.new_count == 3
    mention = Mention.objects.get(external_id="tag:google.com,2013:googlealerts/feed:1")
    assert mention.url == "https://www.linkedin.com/posts/example-post-123?utm_source=share"
    assert mention.title == "Sample LLM post on LinkedIn"
    assert "<b>" not in mention.text and mention.first_seen_at is not None
    source.refresh_from_db()
    assert source.last_success_at and source.consecutive_failures == 0
    assert source.next_poll_at > timezone.now() + timedelta(minutes=13)


def test_same_poll_twice_creates_nothing_new_and_counts_unchanged(httpserver):
    feed = rss_feed([Item("a", "Great lamp", "Works well"), Item("b", "Broken", "It broke")])
    httpserver.expect_request("/feed").respond_with_data(feed, content_type="application/rss+xml")
    source = make_source(httpserver)
    assert poll_source_now(source.pk).log.new_count == 2
    Source.objects.filter(pk=source.pk).update(content_hash="")  # force a full parse again
    second = poll_source_now(source.pk)
    assert (second.log.new_count, second.log.unchanged_count) == (0, 2)
    assert Mention.objects.count() == 2


def test_conditional_get_sends_stored_validators_and_304_skips_parsing(httpserver):
    feed = rss_feed([Item("a", "Nice", "Fine lamp")])
    httpserver.expect_ordered_request("/feed").respond_with_response(
        Response(feed, headers={"ETag": '"v1"', "Last-Modified": "Mon, 23 Nov 2026 08:00:00 GMT"})
    )
    httpserver.expect_ordered_request(
        "/feed",
        headers={"If-None-Match": '"v1"', "If-Modified-Since": "Mon, 23 Nov 2026 08:00:00 GMT"},
    ).respond_with_response(NotModified(headers={"Last-Modified": "Mon, 23 Nov 2026 09:00:00 GMT"}))
    source = make_source(httpserver)
    poll_source_now(source.pk)
    outcome = poll_source_now(source.pk)
    assert outcome.status == "not_modified"
    source.refresh_from_db()
    assert source.etag == '"v1"'
    assert source.last_modified == "Mon, 23 Nov 2026 09:00:00 GMT"
    assert Mention.objects.count() == 1


class NotModified(Response):
    """werkzeug strips headers from a 304 unless told otherwise; send them as written."""

    def __init__(self, headers):
        super().__init__(status=304, headers=headers)

    def get_wsgi_headers(self, environ):
        return self.headers


def test_unchanged_body_is_not_parsed_again(httpserver):
    httpserver.expect_request("/feed").respond_with_data(rss_feed([Item("a", "t", "x")]))
    source = make_source(httpserver)
    poll_source_now(source.pk)
    assert poll_source_now(source.pk).status == "unchanged"


def test_edited_entry_makes_a_revision_once_and_fires_mention_revised(
    httpserver, django_capture_on_commit_callbacks
):
    from monitors.signals import mention_revised

    received = []
    mention_revised.connect(lambda **kw: received.append(kw), weak=False, dispatch_uid="t-rev")
    try:
        httpserver.expect_ordered_request("/feed").respond_with_data(
            rss_feed([Item("a", "Lamp broke", "It stopped working after two weeks")])
        )
        httpserver.expect_ordered_request("/feed").respond_with_data(
            rss_feed([Item("a", "Lamp replaced", "They replaced it the next day, thank you!")])
        )
        httpserver.expect_ordered_request("/feed").respond_with_data(
            rss_feed([Item("a", "Lamp replaced", "They replaced it the next day, thank you!")])
            + b" "
        )
        source = make_source(httpserver)
        with django_capture_on_commit_callbacks(execute=True):
            for _ in range(3):
                poll_source_now(source.pk)
    finally:
        mention_revised.disconnect(dispatch_uid="t-rev")
    mention = Mention.objects.get()
    assert mention.title == "Lamp replaced" and mention.revisions.count() == 1
    revision = mention.revisions.get()
    assert revision.old_title == "Lamp broke" and set(revision.changed) == {"title", "text"}
    assert len(received) == 1 and received[0]["old"]["title"] == "Lamp broke"


def test_deleted_mention_is_remembered_and_never_comes_back(httpserver):
    from monitors.deletion import delete_mentions
    from monitors.models import Tombstone

    httpserver.expect_request("/feed").respond_with_data(
        rss_feed([Item("a", "New branch", "The lamp shop opened a new branch")])
    )
    source = make_source(httpserver)
    poll_source_now(source.pk)
    assert delete_mentions(Mention.objects.all()) == 1
    assert Tombstone.objects.filter(source=source, external_id="a").exists()
    Source.objects.filter(pk=source.pk).update(content_hash="")
    outcome = poll_source_now(source.pk)
    assert not Mention.objects.exists() and outcome.log.unchanged_count == 1


def test_429_with_retry_after_delays_every_source_on_the_host_without_counting_a_failure(
    httpserver,
):
    httpserver.expect_request("/feed").respond_with_data(
        "slow down", status=429, headers={"Retry-After": "3600"}
    )
    source = make_source(httpserver)
    neighbour = make_source(httpserver, "/other", name="Other")
    outcome = poll_source_now(source.pk)
    assert outcome.status == "deferred"
    source.refresh_from_db()
    neighbour.refresh_from_db()
    soon = timezone.now() + timedelta(minutes=59)
    assert source.consecutive_failures == 0 and source.enabled
    assert source.next_poll_at > soon and neighbour.next_poll_at > soon
    assert HostState.objects.get(host=source.host).next_allowed_at > soon


def test_410_pauses_the_source_with_the_reason_and_tells_listeners(httpserver):
    paused = []
    source_paused.connect(lambda **kw: paused.append(kw["reason"]), weak=False, dispatch_uid="t")
    try:
        httpserver.expect_request("/feed").respond_with_data("gone", status=410)
        source = make_source(httpserver)
        assert poll_source_now(source.pk).status == "paused"
    finally:
        source_paused.disconnect(dispatch_uid="t")
    source.refresh_from_db()
    assert not source.enabled and "gone for good" in source.paused_reason
    assert paused == [source.paused_reason]


def test_500_backs_off_exponentially_then_recovers(httpserver):
    httpserver.expect_ordered_request("/feed").respond_with_data("oops", status=500)
    httpserver.expect_ordered_request("/feed").respond_with_data("oops", status=500)
    httpserver.expect_ordered_request("/feed").respond_with_data(rss_feed([Item("a", "t", "x")]))
    source = make_source(httpserver, poll_interval_minutes=60)
    waits = []
    for _ in range(2):
        before = timezone.now()
        assert poll_source_now(source.pk).status == "failed"
        source.refresh_from_db()
        waits.append(source.next_poll_at - before)
    assert source.consecutive_failures == 2 and "500" in source.last_error
    assert timedelta(minutes=29) < waits[0] <= timedelta(minutes=61)
    assert timedelta(minutes=59) < waits[1] <= timedelta(minutes=121)
    assert poll_source_now(source.pk).status == "ok"
    source.refresh_from_db()
    assert source.consecutive_failures == 0 and source.last_error == ""


def test_ten_failures_in_a_row_pause_the_source(httpserver):
    httpserver.expect_request("/feed").respond_with_data("oops", status=500)
    source = make_source(httpserver)
    Source.objects.filter(pk=source.pk).update(consecutive_failures=PAUSE_AFTER_FAILURES - 1)
    assert poll_source_now(source.pk).status == "paused"
    source.refresh_from_db()
    assert "Paused after 10 failed polls" in source.paused_reason


@pytest.mark.parametrize(
    ("body", "headers", "message"),
    [
        (b"\x00\xff\xfe garbage \x89PNG", {}, "could not be read"),
        (b"", {}, "empty"),
        (gzip.compress(b"<" * 12_000_000), {"Content-Encoding": "gzip"}, "larger than"),
    ],
    ids=["garbage", "empty", "gzip-bomb"],
)
def test_bad_body_is_a_failure_in_words_and_the_next_poll_is_stored(
    httpserver, body, headers, message
):
    httpserver.expect_request("/feed").respond_with_data(body, headers=headers)
    source = make_source(httpserver)
    outcome = poll_source_now(source.pk)
    assert outcome.status == "failed"
    source.refresh_from_db()
    assert message in source.last_error.lower()
    assert source.next_poll_at > timezone.now()
    log = PollLog.objects.get()
    # The poll log may add the parser's own words as technical detail.
    assert log.outcome == "failed" and log.error.startswith(source.last_error)


def test_poll_of_a_deleted_source_exits_cleanly():
    assert poll_source_now(987654).status == "gone"


def test_second_poll_while_one_runs_backs_off(httpserver):
    source = make_source(httpserver)
    Source.objects.filter(pk=source.pk).update(
        poll_lock_until=timezone.now() + timedelta(minutes=1)
    )
    assert poll_source_now(source.pk).status == "busy"
    assert not PollLog.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_owner_edit_during_a_poll_is_not_overwritten(httpserver):
    def rename_while_fetching(request):
        Source.objects.filter(url=httpserver.url_for("/feed")).update(name="Renamed by owner")
        connection.close()  # this runs in the HTTP server's thread, with its own connection
        return Response(rss_feed([Item("a", "t", "x")]), content_type="application/rss+xml")

    httpserver.expect_request("/feed").respond_with_handler(rename_while_fetching)
    source = make_source(httpserver)
    assert poll_source_now(source.pk).status == "ok"
    source.refresh_from_db()
    assert source.name == "Renamed by owner" and source.last_success_at is not None


def test_old_poll_logs_are_pruned_and_recent_ones_kept(settings):
    from monitors.tasks import prune_poll_logs

    settings.RW_POLL_LOG_DAYS = 90
    source = Source.objects.create(name="Feed", url="https://feeds.example/a")
    old = PollLog.objects.create(source=source, started_at=timezone.now() - timedelta(days=91))
    recent = PollLog.objects.create(source=source, started_at=timezone.now() - timedelta(days=89))
    assert prune_poll_logs() == 1
    assert list(PollLog.objects.values_list("pk", flat=True)) == [recent.pk]
    assert not PollLog.objects.filter(pk=old.pk).exists()
