"""The live demo: its sources, the documents it serves, and how they change as time passes."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse

from monitors.demo import DEMO_DOCUMENTS, DEMO_SOURCE_NAMES, EDIT_AFTER, NEW_REVIEW_AFTER
from monitors.models import Label, Mention, Revision, Source
from monitors.polling import poll_source_now
from monitors.signals import mention_revised

BASE_URL = "http://127.0.0.1:8000"
LOAD_TIME_REVIEW = "#load-time"


def load_demo(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("load_demo", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def demo_start() -> Source:
    return Source.objects.filter(name__in=DEMO_SOURCE_NAMES).order_by("created_at").first()


@pytest.mark.django_db
def test_load_demo_adds_four_sources_due_now_at_the_minimum_interval():
    load_demo("--base-url", BASE_URL)
    sources = Source.objects.filter(name__in=DEMO_SOURCE_NAMES)
    assert sorted(sources.values_list("kind", flat=True)) == [
        "app_store",
        "feed",
        "feed",
        "review_page",
    ]
    assert {s.url for s in sources} == {f"{BASE_URL}/demo/{d.path}" for d in DEMO_DOCUMENTS}
    assert all(s.poll_interval_minutes == 5 and s.next_poll_at <= s.created_at for s in sources)
    competitor = sources.get(subject="competitor")
    assert competitor.competitor_name == "Riverside Credit Union"


@pytest.mark.django_db
def test_loading_twice_keeps_the_sources_and_the_demo_clock(settings):
    settings.RW_ALLOW_PLATFORM_BASE_URL = True  # the demo Google Play app is one more source
    load_demo("--base-url", BASE_URL)
    started = demo_start().created_at
    output, _ = load_demo("--base-url", BASE_URL)
    assert Source.objects.count() == len(DEMO_DOCUMENTS) + 1
    assert demo_start().created_at == started
    assert "0 sources added, 4 already there" in output


@pytest.mark.django_db
def test_remove_deletes_the_demo_sources_only(settings):
    settings.RW_ALLOW_PLATFORM_BASE_URL = True
    Source.objects.create(name="Our real feed", url="https://example.com/feed.xml")
    load_demo("--base-url", BASE_URL)
    output, _ = load_demo("--remove")
    assert list(Source.objects.values_list("name", flat=True)) == ["Our real feed"]
    assert "Removed 5 demo sources" in output  # four documents and the Play app


@pytest.mark.django_db
def test_load_demo_on_this_machine_needs_no_private_addresses_but_elsewhere_says_why(settings):
    settings.RW_ALLOW_PRIVATE_SOURCES = False
    assert load_demo("--base-url", BASE_URL)[1] == ""
    assert all(Source.objects.values_list("is_demo", flat=True))
    _, warning = load_demo("--base-url", "http://10.1.2.3:8000")
    assert "not this machine" in warning and "RW_ALLOW_PRIVATE_SOURCES=1" in warning


@pytest.mark.django_db
def test_a_demo_source_given_another_address_becomes_an_ordinary_source(owner_client):
    load_demo("--base-url", BASE_URL)
    source = Source.objects.get(name=DEMO_DOCUMENTS[0].source_name)
    form = {
        "name": source.name,
        "kind": source.kind,
        "url": "https://www.example.com/feed.xml",
        "subject": source.subject,
        "poll_interval_minutes": 15,
        "history_days": 30,
    }
    response = owner_client.post(reverse("source_edit", args=[source.pk]), form)
    assert response.status_code == 302, response.content.decode()[:2000]
    source.refresh_from_db()
    assert source.url == "https://www.example.com/feed.xml" and not source.is_demo


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("key", "content_type"),
    [
        ("alerts", "application/atom+xml; charset=utf-8"),
        ("reviews", "text/html; charset=utf-8"),
        ("app_store", "application/json; charset=utf-8"),
        ("competitor", "application/rss+xml; charset=utf-8"),
    ],
)
def test_documents_are_served_without_login_with_validators(client, key, content_type):
    load_demo("--base-url", BASE_URL)
    response = client.get(reverse(f"demo_{key}"))
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["ETag"].startswith('"')
    assert response["Last-Modified"].endswith(" GMT")


@pytest.mark.django_db
def test_conditional_requests_for_an_unchanged_document_get_304(client):
    load_demo("--base-url", BASE_URL)
    first = client.get(reverse("demo_reviews"))
    again = client.get(reverse("demo_reviews"), headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 304
    assert again["ETag"] == first["ETag"]
    since = client.get(
        reverse("demo_reviews"), headers={"If-Modified-Since": first["Last-Modified"]}
    )
    assert since.status_code == 304


@pytest.mark.django_db
def test_documents_answer_404_until_the_demo_is_loaded(client):
    response = client.get(reverse("demo_alerts"))
    assert response.status_code == 404
    assert b"load_demo" in response.content


@pytest.mark.django_db
def test_review_page_gains_a_one_star_review_which_is_later_edited_to_five(client):
    load_demo("--base-url", BASE_URL)
    started = demo_start().created_at
    url = reverse("demo_reviews")
    at_start = client.get(url)
    assert LOAD_TIME_REVIEW.encode() not in at_start.content
    with time_machine.travel(started + NEW_REVIEW_AFTER + timedelta(seconds=1)):
        new_review = client.get(url, headers={"If-None-Match": at_start["ETag"]})
        alerts = client.get(reverse("demo_alerts")).content.decode()
    assert new_review.status_code == 200
    assert '"url": "#load-time"' in new_review.content.decode()
    assert '"ratingValue": 1' in new_review.content.decode()
    assert "reviews.html%23load-time" in alerts
    with time_machine.travel(started + EDIT_AFTER + timedelta(seconds=1)):
        edited = client.get(url, headers={"If-None-Match": new_review["ETag"]}).content.decode()
    assert "Improved. More Responsive." in edited
    assert "Load time" not in edited


def test_polling_the_demo_shows_mentions_arrive_get_flagged_and_get_edited(live_server):
    revised = []

    def on_revised(sender, mention, revision, old, new, **kwargs):
        revised.append((mention.pk, old, new))

    mention_revised.connect(on_revised)
    try:
        load_demo("--base-url", live_server.url)
        sources = list(Source.objects.filter(name__in=DEMO_SOURCE_NAMES))
        started = demo_start().created_at
        assert {poll_source_now(s.pk).status for s in sources} == {"ok"}
        assert Mention.objects.count() == 15
        flagged = Mention.objects.filter(label=Label.NEGATIVE)
        assert flagged.count() >= 4
        assert all(m.reason for m in flagged)

        with time_machine.travel(started + NEW_REVIEW_AFTER + timedelta(seconds=30)):
            outcomes = {s.name: poll_source_now(s.pk).status for s in sources}
        assert sorted(outcomes.values()) == ["not_modified", "not_modified", "ok", "ok"]
        one_star = Mention.objects.get(external_id__endswith=LOAD_TIME_REVIEW)
        assert (one_star.rating, one_star.label) == (Decimal(1), Label.NEGATIVE)
        assert one_star.reason == "rating 1/5"

        with time_machine.travel(started + EDIT_AFTER + timedelta(seconds=30)):
            for source in sources:
                poll_source_now(source.pk)
        revision = Revision.objects.get(mention=one_star)
        assert (revision.old_rating, revision.new_rating) == (Decimal(1), Decimal(5))
        assert [(pk, old["rating"], new["rating"]) for pk, old, new in revised] == [
            (one_star.pk, Decimal(1), Decimal(5))
        ]
        assert set(revision.changed) == {"title", "text", "rating"}
    finally:
        mention_revised.disconnect(on_revised)
