"""A new source's first poll is history, not an emergency; an edit into negative starts the
clock when it turned negative. Real polls of a local feed, the real spike check."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from monitors.models import Mention, Source
from monitors.polling import poll_source_now
from monitors.search import search_mentions
from responses.cases import clock
from responses.digests import candidates, preference_for
from responses.models import AlertSettings, Case, OwnerAlert
from reviewwatch.celery import app as celery_app
from tests.rss import Item, rss_feed

pytestmark = pytest.mark.django_db
ANGRY = "Terrible, it broke after a day. Awful service, a scam."


def days_ago(days: float) -> str:
    return format_datetime(datetime.now(UTC) - timedelta(days=days), usegmt=True)


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run what a committed poll queues (the spike check, alert emails) in-process."""
    celery_app.conf.task_always_eager = True
    yield lambda: django_capture_on_commit_callbacks(execute=True)
    celery_app.conf.task_always_eager = False


@pytest.fixture
def trustpilot(httpserver) -> Source:
    """Three old negative reviews and one old happy one, and one negative from yesterday."""
    old = [Item(f"old-{n}", f"Wobbly lamp {n}", ANGRY, pub_date=days_ago(30 + n)) for n in range(3)]
    old.append(Item("old-happy", "Lovely", "Great lamp, thank you.", pub_date=days_ago(40)))
    recent = Item("recent", "Broken again", ANGRY, pub_date=days_ago(1))
    httpserver.expect_request("/feed").respond_with_data(
        rss_feed([*old, recent]), content_type="application/rss+xml"
    )
    AlertSettings.objects.create(pk=1, spike_count=2, spike_multiple=1000)
    return Source.objects.create(name="Trustpilot", url=httpserver.url_for("/feed"))


def test_first_poll_of_a_new_source_stores_old_reviews_as_history_without_cases_or_spike(
    trustpilot, committed
):
    with committed():
        assert poll_source_now(trustpilot.pk).log.new_count == 5
    history = Mention.objects.filter(imported_history=True)
    assert history.count() == 4 and history.filter(label="negative").count() == 3
    assert list(Case.objects.values_list("mention__external_id", flat=True)) == ["recent"]
    assert not OwnerAlert.objects.exists(), "old reviews are not a spike"
    assert search_mentions(Mention.objects.all(), "wobbly").count() == 3


def test_history_window_is_the_owners_choice_per_source(trustpilot, committed):
    Source.objects.filter(pk=trustpilot.pk).update(history_days=60)
    with committed():
        poll_source_now(trustpilot.pk)
    assert not Mention.objects.filter(imported_history=True).exists()
    assert Case.objects.count() == 4


def test_owner_opens_cases_for_imported_history_in_one_click_with_clocks_starting_now(
    trustpilot, committed, owner_client
):
    with committed():
        poll_source_now(trustpilot.pk)
    page = owner_client.get(reverse("source_detail", args=[trustpilot.pk])).content.decode()
    assert "Imported 4 older mentions, 3 negative —" in page
    assert "open cases for them</button>" in page
    clicked = timezone.now()
    with committed():
        answer = owner_client.post(reverse("source_open_history", args=[trustpilot.pk]))
    assert answer.status_code == 302
    opened = Case.objects.filter(mention__imported_history=True)
    assert opened.count() == 3
    for case in opened:
        assert case.clock_from >= clicked and case.due_at > timezone.now()
        assert clock(case, timezone.now()).state != "overdue"
    assert not OwnerAlert.objects.exists()
    page = owner_client.get(reverse("source_detail", args=[trustpilot.pk])).content.decode()
    assert "cases are open for them" in page and "open cases for them</button>" not in page


def test_staff_member_and_stranger_cannot_open_cases_for_history(
    trustpilot, committed, client, staff
):
    with committed():
        poll_source_now(trustpilot.pk)
    url = reverse("source_open_history", args=[trustpilot.pk])
    assert client.post(url).status_code == 302  # to the login page
    client.force_login(staff)
    page = client.get(reverse("source_detail", args=[trustpilot.pk])).content.decode()
    assert "Imported 4 older mentions, 3 negative" in page and url not in page
    assert client.post(url).status_code == 403
    assert Case.objects.count() == 1


def test_review_edited_into_negative_starts_its_clock_when_it_turned_negative(
    httpserver, committed
):
    httpserver.expect_ordered_request("/feed").respond_with_data(
        rss_feed([Item("r1", "Lovely lamp", "Great lamp, works well, thank you.")])
    )
    httpserver.expect_ordered_request("/feed").respond_with_data(
        rss_feed([Item("r1", "Broken lamp", ANGRY)])
    )
    source = Source.objects.create(name="Shop", url=httpserver.url_for("/feed"))
    poll_source_now(source.pk)
    three_days_ago = timezone.now() - timedelta(days=3)
    Mention.objects.update(first_seen_at=three_days_ago)  # seen, and happy, long ago
    turned = timezone.now()
    with committed():
        poll_source_now(source.pk)
    case = Case.objects.get()
    assert case.clock_from >= turned and case.due_at > timezone.now()
    assert clock(case, timezone.now()).state != "overdue"


def test_opening_a_case_by_hand_for_an_imported_review_starts_its_clock_then(
    trustpilot, committed, staff_client
):
    with committed():
        poll_source_now(trustpilot.pk)
    old = Mention.objects.filter(imported_history=True, label="negative").first()
    Mention.objects.filter(pk=old.pk).update(first_seen_at=timezone.now() - timedelta(days=3))
    clicked = timezone.now()
    staff_client.post(reverse("case_open", args=[old.pk]))
    case = Case.objects.get(mention=old)
    assert case.clock_from >= clicked and clock(case, timezone.now()).state != "overdue"


def test_digest_leaves_out_imported_history_until_the_owner_opens_cases_for_it(
    trustpilot, committed, owner, owner_client
):
    preference = preference_for(owner, timezone.now() - timedelta(minutes=5))
    with committed():
        poll_source_now(trustpilot.pk)
    assert [m.external_id for m in candidates(preference)] == ["recent"]
    with committed():
        owner_client.post(reverse("source_open_history", args=[trustpilot.pk]))
    assert sorted(m.external_id for m in candidates(preference)) == [
        "old-0",
        "old-1",
        "old-2",
        "recent",
    ]
