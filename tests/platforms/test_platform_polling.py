"""A platform source polled through its API (Google Play's contract server): reviews become
mentions and cases, edits revise them, a reply seen on the platform answers the case, and a
revoked key or an exhausted quota stops or defers the right things."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from monitors.models import Connection, HostState, Mention, Source
from monitors.polling import poll_source_now
from responses.models import Case, OwnerAlert
from tests.platforms.conftest import PACKAGE
from tests.platforms.google_play_contract import PlayReview, google_error

pytestmark = pytest.mark.django_db(transaction=True)


def recent(n: int, stars: int, minutes_ago: int, text: str = "") -> PlayReview:
    return PlayReview(
        review_id=f"gp:AOqpT{n}",
        author=f"Customer {n}",
        text=text or "Order stuck\tMy order was stuck at 'preparing' for an hour, then cancelled.",
        stars=stars,
        modified=timezone.now() - timedelta(minutes=minutes_ago),
    )


def test_a_play_source_turns_reviews_into_mentions_and_a_bad_one_into_a_case(
    play, play_source, owner
):
    play.add(PACKAGE, recent(1, stars=1, minutes_ago=5))
    play.add(PACKAGE, recent(2, stars=5, minutes_ago=9, text="Love it\tFresh bread every day."))
    outcome = poll_source_now(play_source.pk)
    assert outcome.status == "ok" and outcome.log.new_count == 2
    bad = Mention.objects.get(external_id="gp:AOqpT1")
    assert bad.rating == Decimal(1) and bad.title == "Order stuck"
    assert bad.label == "negative" and Case.objects.filter(mention=bad).exists()
    assert not Case.objects.filter(mention__external_id="gp:AOqpT2").exists()
    play_source.refresh_from_db()
    newest = max(review.modified for review in play.apps[PACKAGE])
    assert abs(play_source.platform_cursor - newest) < timedelta(milliseconds=1)
    assert Connection.objects.get().status == Connection.Status.OK


def test_the_next_poll_sees_an_edit_from_one_star_to_five(play, play_source, owner):
    review = play.add(PACKAGE, recent(1, stars=1, minutes_ago=30))
    poll_source_now(play_source.pk)
    review.stars, review.modified = 5, datetime.now(UTC)
    review.text = "Sorted\tThey called me and refunded the order. Great service!"
    Source.objects.filter(pk=play_source.pk).update(next_poll_at=timezone.now())
    outcome = poll_source_now(play_source.pk)
    assert outcome.log.updated_count == 1 and outcome.log.new_count == 0
    mention = Mention.objects.get(external_id="gp:AOqpT1")
    assert mention.rating == Decimal(5) and mention.title == "Sorted"
    assert mention.revisions.count() >= 1


def test_only_reviews_changed_since_the_cursor_are_read_again(play, play_source, owner):
    for n in range(120):
        play.add(PACKAGE, recent(n, stars=4, minutes_ago=60 + n))
    poll_source_now(play_source.pk)
    assert play.page_size_seen == [100, 100]
    play.add(PACKAGE, recent(500, stars=2, minutes_ago=1))
    poll_source_now(play_source.pk)
    assert play.page_size_seen == [100, 100, 100]  # one page: it stopped at the cursor
    assert Mention.objects.count() == 121


def test_a_reply_already_on_play_answers_the_case_at_googles_time(play, play_source, owner):
    review = play.add(PACKAGE, recent(1, stars=2, minutes_ago=50))
    review.reply = "Sorry, Customer 1: we refunded the order and fixed the status page."
    review.reply_modified = review.modified + timedelta(minutes=20)
    poll_source_now(play_source.pk)
    mention = Mention.objects.get()
    assert mention.platform_reply.startswith("Sorry, Customer 1")
    case = Case.objects.get(mention=mention)
    assert case.first_responded_at is not None
    assert abs(case.first_responded_at - review.reply_modified) < timedelta(seconds=1)


def test_a_revoked_key_stops_every_source_of_the_connection_and_tells_the_owner(
    play, play_source, owner
):
    second = Source.objects.create(
        name="Bakery beta app",
        kind=Source.Kind.GOOGLE_PLAY,
        connection=play_source.connection,
        platform_target="com.bakery.beta",
        url=play_source.url,
    )
    play.key_revoked = True
    outcome = poll_source_now(play_source.pk)
    assert outcome.status == "paused"
    connection = Connection.objects.get()
    assert connection.status == Connection.Status.BROKEN
    assert "refused the service-account key" in connection.status_message
    for source in Source.objects.filter(pk__in=[play_source.pk, second.pk]):
        assert not source.enabled
        assert "Sources → Connections to reconnect" in source.paused_reason
    assert OwnerAlert.objects.filter(kind=OwnerAlert.Kind.SOURCE_PAUSED).count() == 1


def test_an_exhausted_quota_waits_as_google_asked_without_counting_a_failure(
    play, play_source, owner
):
    busy = google_error(429, "Quota exceeded for quota metric 'Queries'.", "RESOURCE_EXHAUSTED")
    busy.headers["Retry-After"] = "3600"
    play.add(PACKAGE, recent(1, stars=1, minutes_ago=5))
    play.answer_next.append(busy)
    outcome = poll_source_now(play_source.pk)
    assert outcome.status == "deferred"
    play_source.refresh_from_db()
    assert play_source.enabled and play_source.consecutive_failures == 0
    assert play_source.next_poll_at > timezone.now() + timedelta(minutes=55)
    assert HostState.objects.get().deferred_until > timezone.now() + timedelta(minutes=55)


def test_an_app_google_does_not_know_pauses_the_source_with_the_reason(play, play_source, owner):
    Source.objects.filter(pk=play_source.pk).update(platform_target="com.bakery.gone")
    outcome = poll_source_now(play_source.pk)
    assert outcome.status == "paused"
    play_source.refresh_from_db()
    assert "No application was found" in play_source.paused_reason
    assert Connection.objects.get().status != Connection.Status.BROKEN
