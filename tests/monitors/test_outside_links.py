"""Only http(s) links from the outside world: stored, rendered, and let in through the admin."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.urls import reverse

from monitors.models import Mention, Source
from monitors.polling import ROBOTS, poll_source_now
from responses.cases import open_case

pytestmark = pytest.mark.django_db
HOSTILE_LINKS = [
    "javascript:alert(document.cookie)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
]


@pytest.fixture(autouse=True)
def fresh_robots_cache():
    ROBOTS._entries.clear()
    yield
    ROBOTS._entries.clear()


def app_store_review(review_id: str, href: str) -> dict:
    return {
        "id": {"label": review_id},
        "title": {"label": f"Review {review_id}"},
        "im:rating": {"label": "1"},
        "content": {"label": "Crashes on start.", "attributes": {"type": "text"}},
        "link": {"attributes": {"rel": "related", "href": href}},
    }


def serve_app_store(httpserver, entries: list[dict]) -> None:
    httpserver.clear()
    httpserver.expect_request("/reviews").respond_with_json({"feed": {"entry": entries}})


def test_app_store_links_that_are_not_http_are_stored_as_no_link(httpserver):
    entries = [app_store_review(str(n), href) for n, href in enumerate(HOSTILE_LINKS)]
    entries.append(app_store_review("web", "https://apps.apple.com/us/review/web"))
    serve_app_store(httpserver, entries)
    source = Source.objects.create(name="App", kind="app_store", url=httpserver.url_for("/reviews"))
    assert poll_source_now(source.pk).status == "ok"
    links = dict(Mention.objects.values_list("external_id", "url"))
    assert links == {"0": "", "1": "", "web": "https://apps.apple.com/us/review/web"}


def test_a_revised_review_cannot_swap_its_link_for_javascript(httpserver):
    serve_app_store(httpserver, [app_store_review("1", "https://apps.apple.com/r/1")])
    source = Source.objects.create(name="App", kind="app_store", url=httpserver.url_for("/reviews"))
    poll_source_now(source.pk)
    edited = app_store_review("1", HOSTILE_LINKS[0])
    edited["content"]["label"] = "Crashes on start. Still."
    serve_app_store(httpserver, [edited])
    assert poll_source_now(source.pk).log.updated_count == 1
    assert Mention.objects.get().url == "https://apps.apple.com/r/1"


def test_review_page_links_that_are_not_http_are_stored_as_no_link(httpserver):
    reviews = [
        {"@type": "Review", "name": f"Page review {n}", "url": href, "reviewBody": "Bad."}
        for n, href in enumerate(HOSTILE_LINKS)
    ]
    page = f'<script type="application/ld+json">{json.dumps(reviews)}</script>'
    httpserver.expect_request("/robots.txt").respond_with_data("", status=404)
    httpserver.expect_request("/page").respond_with_data(page, content_type="text/html")
    source = Source.objects.create(name="P", kind="review_page", url=httpserver.url_for("/page"))
    assert poll_source_now(source.pk).log.new_count == 2
    assert set(Mention.objects.values_list("url", flat=True)) == {""}


def test_a_stored_javascript_link_is_not_clickable_anywhere(staff_client):
    """Rows stored before the rule (or by any other path) still render no hostile link."""
    source = Source.objects.create(name="Old", url="https://example.com/feed")
    mention = Mention.objects.create(
        source=source,
        external_id="old",
        url=HOSTILE_LINKS[0],
        title="Stored long ago",
        text="Broken on arrival.",
        rating=Decimal(1),
        label="negative",
        content_hash="x",
    )
    case, _ = open_case(mention)
    pages = [
        staff_client.get(reverse("source_detail", args=[source.pk])),
        staff_client.get(reverse("case", args=[case.pk])),
    ]
    for page in pages:
        html = page.content.decode()
        assert page.status_code == 200
        assert "Stored long ago" in html or "Broken on arrival" in html
        assert "javascript:" not in html


APP_STORE_ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns:im="http://itunes.apple.com/rss" xmlns="http://www.w3.org/2005/Atom">
<title>Customer reviews</title>
<entry><id>42</id><title>Secret from the server's disk</title>
<updated>2026-11-01T10:00:00-07:00</updated>
<im:rating>1</im:rating><author><name>nobody</name></author>
<content type="text">read from a local file</content></entry></feed>"""


def test_app_store_body_naming_a_local_file_is_not_read_as_that_file(httpserver, tmp_path):
    local_file = tmp_path / "reviews.xml"
    local_file.write_text(APP_STORE_ATOM)
    httpserver.expect_request("/reviews").respond_with_data(
        str(local_file), content_type="text/plain"
    )
    source = Source.objects.create(name="App", kind="app_store", url=httpserver.url_for("/reviews"))
    outcome = poll_source_now(source.pk)
    assert outcome.status == "failed" and "could not be read" in outcome.log.error
    assert not Mention.objects.exists()


# --- the Django admin ------------------------------------------------------------------------


def admin_source_data(url: str) -> dict:
    return {
        "name": "Metadata",
        "kind": "feed",
        "url": url,
        "subject": "ours",
        "competitor_name": "",
        "enabled": "on",
        "paused_reason": "",
        "poll_interval_minutes": "15",
        "history_days": "7",
        "created_at_0": "2026-12-01",
        "created_at_1": "10:00:00",
        "next_poll_at_0": "2026-12-01",
        "next_poll_at_1": "10:00:00",
        "etag": "",
        "last_modified": "",
        "content_hash": "",
        "last_status": "",
        "consecutive_failures": "0",
        "last_error": "",
        "poll_lock_until_0": "",
        "poll_lock_until_1": "",
        "last_polled_at_0": "",
        "last_polled_at_1": "",
        "last_success_at_0": "",
        "last_success_at_1": "",
    }


@pytest.mark.parametrize(
    "url",
    [
        "http://169.254.169.254/latest/meta-data/",
        "ftp://example.com/feed",
        "http://user:pw@example.com/",
    ],
    ids=["cloud-metadata", "ftp", "credentials"],
)
def test_admin_refuses_a_source_address_the_app_refuses(owner_client, settings, url):
    settings.RW_ALLOW_PRIVATE_SOURCES = False
    response = owner_client.post(reverse("admin:monitors_source_add"), admin_source_data(url))
    assert response.status_code == 200, "the admin saved the source"
    assert not Source.objects.exists()


def test_admin_accepts_a_public_web_address(owner_client):
    response = owner_client.post(
        reverse("admin:monitors_source_add"), admin_source_data("https://example.com/feed")
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Source.objects.get().url == "https://example.com/feed"


def test_admin_sanitises_mention_html_and_refuses_links_that_are_not_http(owner_client):
    source = Source.objects.create(name="Feed", url="https://example.com/feed")
    mention = Mention.objects.create(source=source, external_id="1", title="T", content_hash="x")
    data = {
        "source": str(source.pk),
        "external_id": "1",
        "url": "https://example.com/review/1",
        "author": "",
        "title": "T",
        "text": "Nice.",
        "html": '<p onclick="steal()">Nice.</p><img src=x onerror="steal()"><script>x()</script>',
        "rating": "",
        "first_seen_at_0": "2026-12-01",
        "first_seen_at_1": "10:00:00",
        "last_seen_at_0": "2026-12-01",
        "last_seen_at_1": "10:00:00",
        "content_hash": "x",
        "subject": "ours",
        "label": "neutral",
        "score": "0",
        "reason": "",
    }
    change = reverse("admin:monitors_mention_change", args=[mention.pk])
    refused = owner_client.post(change, {**data, "url": "ftp://example.com/review/1"})
    assert refused.status_code == 200
    assert "Only http:// and https:// links" in refused.content.decode()
    assert owner_client.post(change, data).status_code == 302
    mention.refresh_from_db()
    assert mention.html == "<p>Nice.</p>"
