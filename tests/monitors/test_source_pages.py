"""The owner's source pages: list with health, add after a test fetch, edit, pause, delete."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import redis
from django.conf import settings as django_settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from monitors.models import Mention, PollLog, RatingSnapshot, Source, Subject

ALERTS = Path(__file__).parents[1] / "fixtures/alerts/degru82_google_alerts.xml"
APP_URL = "https://apps.apple.com/us/app/webster-bank/id1321994487"
REVIEW_PAGE = b"""<!doctype html><html><head><title>Cafe</title>
<script type="application/ld+json">{"@context": "https://schema.org", "@type": "LocalBusiness",
 "name": "Cafe Blue", "aggregateRating": {"@type": "AggregateRating", "ratingValue": "4.4",
 "reviewCount": "89"},
 "review": [{"@type": "Review", "author": {"@type": "Person", "name": "Dana"},
   "reviewRating": {"@type": "Rating", "ratingValue": "1"}, "name": "Cold coffee",
   "reviewBody": "The coffee was cold and the staff ignored us."}]}</script>
</head><body><h1>Cafe Blue</h1></body></html>"""


def source_data(**changes) -> dict:
    data = {
        "name": "Google Alerts",
        "kind": "feed",
        "url": "https://example.com/feed",
        "country": "us",
        "subject": "ours",
        "competitor_name": "",
        "poll_interval_minutes": "15",
        "enabled": "on",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def field_error(html: str, field: str) -> str:
    """The error text shown under one field (the element its input's aria-describedby names)."""
    found = re.search(
        rf'<div class="error" id="id_{field}_error" role="alert">(.*?)</div>', html, re.S
    )
    assert found, f"no error shown next to {field}"
    assert f'aria-describedby="id_{field}_helptext id_{field}_error"' in html or (
        f'aria-describedby="id_{field}_error"' in html
    )
    return re.sub(r"<[^>]+>", " ", found.group(1))


def make_source(name: str = "Reviews", **fields) -> Source:
    defaults = {"kind": Source.Kind.FEED, "url": "https://example.com/feed"}
    return Source.objects.create(name=name, **{**defaults, **fields})


@pytest.fixture
def alerts_feed(httpserver) -> str:
    httpserver.expect_request("/alerts.xml").respond_with_data(
        ALERTS.read_bytes(), content_type="application/atom+xml"
    )
    return httpserver.url_for("/alerts.xml")


@pytest.fixture
def source(db) -> Source:
    return make_source()


# --- who may do what ------------------------------------------------------------------------

OWNER_ONLY = [
    ("get", "source_add", False),
    ("post", "source_preview", False),
    ("get", "source_edit", True),
    ("post", "source_edit_preview", True),
    ("post", "source_pause", True),
    ("post", "source_resume", True),
    ("post", "source_poll_now", True),
    ("get", "source_delete", True),
    ("post", "source_delete", True),
]
READ_ONLY = [("get", "sources", False), ("get", "source_detail", True)]


def url_of(name: str, needs_pk: bool, source: Source) -> str:
    return reverse(name, args=[source.pk] if needs_pk else [])


@pytest.mark.parametrize(("method", "name", "needs_pk"), OWNER_ONLY + READ_ONLY)
def test_anonymous_visitor_is_sent_to_login(client, source, method, name, needs_pk):
    response = getattr(client, method)(url_of(name, needs_pk, source))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(("method", "name", "needs_pk"), OWNER_ONLY)
def test_staff_is_refused_every_page_that_manages_sources(
    staff_client, source, method, name, needs_pk
):
    response = getattr(staff_client, method)(url_of(name, needs_pk, source))
    assert response.status_code == 403
    source.refresh_from_db()
    assert source.enabled and Source.objects.count() == 1


@pytest.mark.parametrize(("method", "name", "needs_pk"), READ_ONLY)
def test_staff_sees_list_and_detail_without_owner_buttons(
    staff_client, source, method, name, needs_pk
):
    response = getattr(staff_client, method)(url_of(name, needs_pk, source))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Reviews" in body
    for owner_url in (reverse("source_add"), reverse("source_edit", args=[source.pk])):
        assert owner_url not in body
    assert reverse("classification_rules") not in body


def test_owner_sees_add_button_and_rules_link_on_the_list(owner_client, source):
    body = owner_client.get(reverse("sources")).content.decode()
    assert reverse("source_add") in body
    assert f'href="{reverse("classification_rules")}"' in body
    assert "Classification rules" in body


# --- adding a source --------------------------------------------------------------------------


def test_test_this_source_shows_the_entries_and_saves_nothing(owner_client, alerts_feed):
    response = owner_client.post(reverse("source_add"), source_data(url=alerts_feed, action="test"))
    body = response.content.decode()
    assert response.status_code == 200
    assert re.search(r"Found \d+ entries", body)
    assert "Sample news article about generative AI" in body
    assert "Nothing has been saved yet" in body
    assert f'value="{alerts_feed}"' in body  # the form is still filled in
    assert Source.objects.count() == 0 and Mention.objects.count() == 0


def test_htmx_test_step_answers_with_the_form_and_preview_only(owner_client, alerts_feed):
    response = owner_client.post(
        reverse("source_preview"), source_data(url=alerts_feed), headers={"HX-Request": "true"}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith('<form id="source-form"')
    assert "<html" not in body
    assert "Sample news article about generative AI" in body
    assert Source.objects.count() == 0


def test_review_page_test_shows_the_aggregate_rating(owner_client, httpserver):
    httpserver.expect_request("/robots.txt").respond_with_data("", status=404)
    httpserver.expect_request("/cafe").respond_with_data(REVIEW_PAGE, content_type="text/html")
    data = source_data(kind="review_page", url=httpserver.url_for("/cafe"), action="test")
    body = owner_client.post(reverse("source_add"), data).content.decode()
    assert "4.4★ from 89" in body
    assert "Cold coffee" in body and "Dana" in body
    assert "Negative" in body


def test_saving_the_form_creates_the_source_with_its_fields(owner_client, alerts_feed):
    data = source_data(
        name="Rival alerts",
        url=alerts_feed,
        subject="competitor",
        competitor_name="Rival Bakery",
        poll_interval_minutes="30",
        action="save",
    )
    response = owner_client.post(reverse("source_add"), data)
    source = Source.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("source_detail", args=[source.pk])
    assert (source.name, source.kind, source.url) == ("Rival alerts", "feed", alerts_feed)
    assert (source.subject, source.competitor_name) == (Subject.COMPETITOR, "Rival Bakery")
    assert source.poll_interval_minutes == 30 and source.enabled
    assert source.host == f"localhost:{urlsplit(alerts_feed).port}"


def test_app_store_link_and_country_are_stored_as_the_reviews_feed(owner_client):
    data = source_data(kind="app_store", url=APP_URL, country="GB", action="save")
    owner_client.post(reverse("source_add"), data)
    source = Source.objects.get()
    assert source.url == (
        "https://itunes.apple.com/gb/rss/customerreviews/id=1321994487/sortBy=mostRecent/json"
    )
    edit_page = owner_client.get(reverse("source_edit", args=[source.pk])).content.decode()
    assert 'value="1321994487"' in edit_page and 'value="gb"' in edit_page


def test_app_store_country_must_be_two_letters(owner_client):
    data = source_data(kind="app_store", url=APP_URL, country="gbr", action="save")
    response = owner_client.post(reverse("source_add"), data)
    assert response.status_code == 400
    assert "two-letter" in field_error(response.content.decode(), "country")
    assert Source.objects.count() == 0


# --- bad values: an error next to the field, and the input kept ----------------------------


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"poll_interval_minutes": "3"}, "poll_interval_minutes", "enter 5 or more"),
        ({"poll_interval_minutes": "often"}, "poll_interval_minutes", "whole number"),
        ({"subject": "competitor", "competitor_name": ""}, "competitor_name", "Name the"),
        ({"url": "ftp://example.com/feed"}, "url", "Only http:// and https://"),
        ({"kind": "app_store", "url": "not an app"}, "url", "App Store link"),
    ],
)
@pytest.mark.parametrize("action", ["save", "test"])
def test_bad_value_shows_an_error_next_to_its_field_and_keeps_the_input(
    owner_client, changes, field, message, action
):
    data = source_data(name="My feed", action=action, **changes)
    response = owner_client.post(reverse("source_add"), data)
    body = response.content.decode()
    assert message in field_error(body, field)
    assert 'value="My feed"' in body
    assert Source.objects.count() == 0


def test_address_on_loopback_is_refused_unless_private_sources_are_allowed(
    owner_client, alerts_feed, settings
):
    settings.RW_ALLOW_PRIVATE_SOURCES = False
    for action in ("test", "save"):
        response = owner_client.post(
            reverse("source_add"), source_data(url=alerts_feed, action=action)
        )
        body = response.content.decode()
        assert "private or internal network address" in field_error(body, "url")
        assert f'value="{alerts_feed}"' in body
    assert Source.objects.count() == 0


def test_server_error_during_the_test_is_shown_on_the_address(owner_client, httpserver):
    httpserver.expect_request("/broken").respond_with_data("oops", status=500)
    data = source_data(url=httpserver.url_for("/broken"), action="test")
    response = owner_client.post(reverse("source_add"), data)
    assert response.status_code == 200
    assert "server error (HTTP 500)" in field_error(response.content.decode(), "url")
    assert Source.objects.count() == 0


def test_garbage_bytes_are_reported_as_not_this_kind_of_source(owner_client, httpserver):
    httpserver.expect_request("/garbage").respond_with_data(
        b"\x00\xff\xfe garbage \x89PNG", content_type="application/octet-stream"
    )
    data = source_data(url=httpserver.url_for("/garbage"))
    response = owner_client.post(reverse("source_preview"), data, headers={"HX-Request": "true"})
    error = field_error(response.content.decode(), "url")
    assert "This address answered with something that is not a feed." in error
    assert Source.objects.count() == 0


# --- editing, pausing, resuming, deleting -----------------------------------------------------


def test_editing_the_address_forgets_the_old_conditional_get_state(owner_client, source):
    source.etag, source.content_hash = '"abc"', "f" * 64
    source.save()
    data = source_data(name="Renamed", url="https://example.org/other", action="save")
    owner_client.post(reverse("source_edit", args=[source.pk]), data)
    source.refresh_from_db()
    assert (source.name, source.url, source.etag, source.content_hash) == (
        "Renamed",
        "https://example.org/other",
        "",
        "",
    )


def test_pause_then_resume_clears_the_reason_and_failures(owner_client, source):
    owner_client.post(reverse("source_pause", args=[source.pk]))
    source.refresh_from_db()
    assert not source.enabled and source.paused_reason == "Paused by the owner."
    source.consecutive_failures, source.next_poll_at = 7, timezone.now() + timedelta(days=1)
    source.save()
    before = timezone.now()
    response = owner_client.post(reverse("source_resume", args=[source.pk]))
    source.refresh_from_db()
    assert response.status_code == 302
    assert source.enabled and source.paused_reason == "" and source.consecutive_failures == 0
    assert before <= source.next_poll_at <= timezone.now()


def test_delete_asks_first_saying_mentions_go_too_then_deletes_them(owner_client, source):
    for number in range(2):
        Mention.objects.create(source=source, external_id=str(number), content_hash="x")
    page = owner_client.get(reverse("source_delete", args=[source.pk])).content.decode()
    assert "also deletes <strong>its 2 mentions</strong>" in page
    assert Source.objects.count() == 1
    response = owner_client.post(reverse("source_delete", args=[source.pk]))
    assert response["Location"] == reverse("sources")
    assert Source.objects.count() == 0 and Mention.objects.count() == 0


def test_delete_of_a_source_whose_mention_has_a_case_explains_instead_of_failing(
    owner_client, source
):
    from monitors.announce import announce_negative

    mention = Mention.objects.create(
        source=source, external_id="1", title="Awful", content_hash="x", label="negative"
    )
    assert announce_negative(mention)  # opens a case through the responses app
    response = owner_client.post(reverse("source_delete", args=[source.pk]), follow=True)
    assert "was not deleted" in response.content.decode()
    assert Source.objects.filter(pk=source.pk).exists()


def test_poll_now_enqueues_one_poll_task(owner_client, source):
    broker = redis.Redis.from_url(django_settings.CELERY_BROKER_URL)
    broker.delete("celery")
    response = owner_client.post(reverse("source_poll_now", args=[source.pk]), follow=True)
    queued = [json.loads(raw) for raw in broker.lrange("celery", 0, -1)]
    broker.delete("celery")
    assert "Polling now" in response.content.decode()
    assert [(m["headers"]["task"], m["headers"]["argsrepr"]) for m in queued] == [
        ("monitors.tasks.poll_source", f"({source.pk},)")
    ]


# --- list and detail --------------------------------------------------------------------------


def add_history(source: Source, now) -> None:
    PollLog.objects.create(source=source, started_at=now, outcome="ok", http_status=200)
    Mention.objects.create(source=source, external_id="m", title="Lovely", content_hash="x")
    RatingSnapshot.objects.create(
        source=source, taken_at=now - timedelta(days=1), rating=Decimal("4.3"), count=80
    )
    RatingSnapshot.objects.create(source=source, taken_at=now, rating=Decimal("4.4"), count=89)


def list_queries(client, count: int) -> int:
    now = timezone.now()
    for number in range(Source.objects.count(), count):
        add_history(make_source(f"Source {number}", kind="review_page"), now)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("sources"))
    assert response.content.decode().count("4.4★ from 89, was 4.3") == count
    return len(queries)


def test_list_query_count_does_not_grow_with_sources(owner_client):
    assert list_queries(owner_client, 2) == list_queries(owner_client, 20)


def test_list_shows_health_in_words(owner_client):
    now = timezone.now()
    make_source(
        "Failing",
        last_polled_at=now - timedelta(minutes=5),
        consecutive_failures=3,
        last_error="The site had a server error (HTTP 502); this is usually temporary.",
    )
    make_source("Stopped", enabled=False, paused_reason="Paused after 10 failed polls: gone")
    make_source("Rival", subject="competitor", competitor_name="Rival Bakery")
    body = owner_client.get(reverse("sources")).content.decode()
    assert "3 failed polls in a row" in body and "server error (HTTP 502)" in body
    assert "5\xa0minutes ago" in body
    assert "Paused after 10 failed polls: gone" in body
    assert "Competitor: Rival Bakery" in body


def test_detail_shows_health_poll_log_ratings_and_latest_mentions(staff_client, source):
    now = timezone.now()
    source.last_polled_at = now - timedelta(minutes=2)
    source.next_poll_at = now + timedelta(minutes=13)
    source.save()
    add_history(source, now)
    PollLog.objects.create(
        source=source,
        started_at=now - timedelta(hours=1),
        outcome="failed",
        http_status=502,
        error="The site had a server error (HTTP 502); this is usually temporary.",
    )
    body = staff_client.get(reverse("source_detail", args=[source.pk])).content.decode()
    assert "Last polled 2\xa0minutes ago (read); next poll in 1" in body
    assert "server error (HTTP 502)" in body and "Lovely" in body
    assert "4.4★" in body and "4.3★" in body


def test_changing_whose_reviews_these_are_moves_the_mentions_too(owner_client, source):
    Mention.objects.create(source=source, external_id="1", title="Meh", content_hash="x")
    data = source_data(subject="competitor", competitor_name="Rival Bakery", action="save")
    owner_client.post(reverse("source_edit", args=[source.pk]), data)
    assert list(source.mentions.values_list("subject", flat=True)) == [Subject.COMPETITOR]


def test_testing_an_edited_source_keeps_the_form_pointed_at_that_source(
    owner_client, source, alerts_feed
):
    response = owner_client.post(
        reverse("source_edit_preview", args=[source.pk]),
        source_data(url=alerts_feed),
        headers={"HX-Request": "true"},
    )
    body = response.content.decode()
    assert f'action="{reverse("source_edit", args=[source.pk])}"' in body
    assert "Sample stale post" in body
    source.refresh_from_db()
    assert source.url == "https://example.com/feed"
