"""Hostile documents, served from a real local server, through every real entry point.

Each row is one document that once crashed, hung or poisoned a source. Through a poll it must
give an "ok" poll that keeps the good entries and says what it skipped in the poll log, or one
clear failure for the document; through `manage.py fetch_preview` and "Test this source" a
clear answer; never a traceback, and always in bounded time (generous bounds, not targets).
"""

from __future__ import annotations

import io
import json
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from monitors.models import HostState, Mention, PollLog, RatingSnapshot, Source
from monitors.parsers.limits import MAX_ENTRIES
from monitors.polling import ROBOTS, poll_source_now
from tests.rss import Item, rss_feed

pytestmark = pytest.mark.django_db
BOUND_SECONDS = 60  # far above what a bounded document costs, far below what the bugs cost
GOOD = "Good lamp, works fine"
DEEP = 100_000


@dataclass
class Hostile:
    kind: str  # Source.Kind
    body: bytes
    content_type: str
    kept: set[str] = field(default_factory=set)  # titles of good entries that must be stored
    warning: str = ""  # in the poll log of an "ok" poll
    error: str = ""  # the one clear failure for the whole document, instead
    count: int | None = None  # exactly this many mentions stored


def json_feed(items: list[dict]) -> bytes:
    return json.dumps({"version": "https://jsonfeed.org/version/1.1", "items": items}).encode()


def app_store_json(entries: list[dict]) -> bytes:
    return json.dumps({"feed": {"entry": entries}}).encode()


def app_store_entry(review_id: str, title: str, rating: str = "5", **extra: object) -> dict:
    return {
        "id": {"label": review_id},
        "title": {"label": title},
        "im:rating": {"label": rating},
        "content": {"label": "Text of " + title, "attributes": {"type": "text"}},
        **extra,
    }


def review_page(*blocks: str) -> bytes:
    scripts = "".join(f'<script type="application/ld+json">{block}</script>' for block in blocks)
    return f"<!doctype html><html><head>{scripts}</head><body>Shop</body></html>".encode()


def jsonld_review(title: str, rating: object = "5", **extra: object) -> str:
    return json.dumps(
        {
            "@context": "https://schema.org",
            "@type": "Review",
            "name": title,
            "reviewBody": "Body of " + title,
            "reviewRating": {"@type": "Rating", "ratingValue": rating},
            **extra,
        }
    )


def deep_json(depth: int = DEEP) -> str:
    return "[" * depth + "]" * depth


JSON = "application/json"
FEED_JSON = "application/feed+json"
HTML = "text/html; charset=utf-8"
RSS = "application/rss+xml"
GOOD_ITEM = {"id": "good", "title": GOOD, "content_text": "It works.", "url": "https://r.test/1"}

HOSTILE = {
    # JSON nested 100,000 levels deep: RecursionError, 500s and a poisoned source before.
    "json-feed-nested-100k-deep": Hostile(
        "feed",
        b'{"version": "https://jsonfeed.org/version/1.1", "items": ' + deep_json().encode() + b"}",
        FEED_JSON,
        error="nested more than 64 levels deep",
    ),
    "app-store-json-nested-100k-deep": Hostile(
        "app_store", b'{"feed": ' + deep_json().encode() + b"}", JSON, error="nested more than"
    ),
    "json-ld-block-nested-100k-deep": Hostile(
        "review_page",
        review_page(deep_json(), jsonld_review(GOOD)),
        HTML,
        kept={GOOD},
        warning="skipped JSON-LD block 1: JSON nested more than 64 levels deep",
    ),
    # Values of the wrong type where an object or a string is expected (AttributeError before).
    "app-store-values-of-the-wrong-type": Hostile(
        "app_store",
        app_store_json(
            [
                app_store_entry("1", "Odd types", content={"label": "x", "attributes": "html"}),
                app_store_entry("2", "Link is text", link=["https://apps.apple.com/r/2"]),
                app_store_entry("3", GOOD),
            ]
        ),
        JSON,
        kept={"Odd types", "Link is text", GOOD},
    ),
    "json-ld-values-of-the-wrong-type": Hostile(
        "review_page",
        review_page(
            jsonld_review("Listed id", author={"@id": ["x"]}, url={"@id": {"a": 1}}),
            jsonld_review(GOOD, url={"@id": 5}),
        ),
        HTML,
        kept={"Listed id", GOOD},
    ),
    # Numbers far out of range: decimal Overflow, a billion-digit int, a database overflow.
    "json-ld-rating-and-scale-of-1e999999999": Hostile(
        "review_page",
        review_page(
            jsonld_review(
                "Huge",
                {"@type": "Rating", "ratingValue": "1e999999999", "bestRating": "1e999999999"},
            ),
            jsonld_review(GOOD),
        ),
        HTML,
        kept={"Huge", GOOD},
    ),
    "aggregate-review-count-of-1e999999999": Hostile(
        "review_page",
        review_page(
            json.dumps(
                {
                    "@type": "Product",
                    "aggregateRating": {"ratingValue": "4", "reviewCount": "1e999999999"},
                }
            ),
            jsonld_review(GOOD),
        ),
        HTML,
        kept={GOOD},
    ),
    "aggregate-review-count-beyond-the-column": Hostile(
        "review_page",
        review_page(
            json.dumps(
                {
                    "@type": "Product",
                    "aggregateRating": {"ratingValue": "4", "reviewCount": "3000000000"},
                }
            ),
            jsonld_review(GOOD),
        ),
        HTML,
        kept={GOOD},
    ),
    "app-store-rating-nan-and-1e999999999": Hostile(
        "app_store",
        app_store_json(
            [
                app_store_entry("1", "Not a number", rating="NaN"),
                app_store_entry("2", "Too many stars", rating="1e999999999"),
                app_store_entry("3", GOOD),
            ]
        ),
        JSON,
        kept={"Not a number", "Too many stars", GOOD},
        warning="ignored rating 'NaN', not 1 to 5 stars",
    ),
    # Characters PostgreSQL refuses: one entry used to fail the insert of the whole document.
    "json-feed-nul-in-one-entry": Hostile(
        "feed",
        json_feed([{"id": "nul", "title": "Bad\u0000lamp", "content_text": "a\u0000b"}, GOOD_ITEM]),
        FEED_JSON,
        kept={"Badlamp", GOOD},
    ),
    "json-feed-lone-surrogate-in-one-entry": Hostile(
        "feed",
        b'{"version": "https://jsonfeed.org/version/1.1", "items": [{"id": "s", '
        b'"title": "Half\\ud800 a character", "content_text": "x"}, '
        + json.dumps(GOOD_ITEM).encode()
        + b"]}",
        FEED_JSON,
        kept={"Half a character", GOOD},
    ),
    "app-store-nul-in-one-entry": Hostile(
        "app_store",
        app_store_json([app_store_entry("1\u0000", "Nul\u0000title"), app_store_entry("2", GOOD)]),
        JSON,
        kept={"Nultitle", GOOD},
    ),
    # Sheer size: each used to take longer per poll than the task's time limit.
    "json-feed-with-200k-tiny-entries": Hostile(
        "feed",
        json_feed([{"id": str(n), "title": f"t{n}"} for n in range(200_000)]),
        FEED_JSON,
        kept={"t0", f"t{MAX_ENTRIES - 1}"},
        warning=f"the feed has 200,000 entries; only the first {MAX_ENTRIES} were read",
        count=MAX_ENTRIES,
    ),
    "rss-with-5000-tiny-entries": Hostile(
        "feed",
        rss_feed([Item(str(n), f"r{n}", "") for n in range(5_000)]),
        RSS,
        kept={"r0"},
        warning=f"only the first {MAX_ENTRIES} were read",
        count=MAX_ENTRIES,
    ),
    "rss-with-a-9-mb-title": Hostile(
        "feed",
        rss_feed([Item("big", "awful " * 1_500_000, "x"), Item("good", GOOD, "")]),
        RSS,
        kept={GOOD},
    ),
}


@pytest.fixture(autouse=True)
def fresh_robots_cache() -> Iterator[None]:
    ROBOTS._entries.clear()
    yield
    ROBOTS._entries.clear()


def serve(httpserver, hostile: Hostile) -> str:
    httpserver.expect_request("/robots.txt").respond_with_data("", status=404)
    httpserver.expect_request("/doc").respond_with_data(
        hostile.body, content_type=hostile.content_type
    )
    return httpserver.url_for("/doc")


@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_document_poll_keeps_the_good_entries_or_fails_in_words(httpserver, name):
    hostile = HOSTILE[name]
    source = Source.objects.create(name=name, kind=hostile.kind, url=serve(httpserver, hostile))
    started = time.monotonic()
    outcome = poll_source_now(source.pk)
    assert time.monotonic() - started < BOUND_SECONDS
    log = PollLog.objects.get(source=source)
    assert "Unexpected error" not in log.error
    if hostile.error:
        assert outcome.status == "failed" and hostile.error in log.error
        return
    assert outcome.status == "ok", log.error
    titles = set(Mention.objects.filter(source=source).values_list("title", flat=True))
    assert hostile.kept <= titles
    assert hostile.warning in log.error
    if hostile.count is not None:
        assert len(titles) == hostile.count


@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_document_fetch_preview_answers_in_one_clear_line(httpserver, name):
    hostile = HOSTILE[name]
    url = serve(httpserver, hostile)
    out, err = io.StringIO(), io.StringIO()
    started = time.monotonic()
    if hostile.error:
        with pytest.raises(CommandError, match=hostile.error):
            call_command("fetch_preview", url, "--kind", hostile.kind, stdout=out, stderr=err)
    else:
        call_command("fetch_preview", url, "--kind", hostile.kind, stdout=out, stderr=err)
        titles = {json.loads(line)["title"] for line in out.getvalue().splitlines()}
        assert hostile.kept <= titles
        assert hostile.warning in err.getvalue()
    assert time.monotonic() - started < BOUND_SECONDS


@pytest.mark.parametrize(
    "name", [name for name, hostile in HOSTILE.items() if hostile.kind != "app_store"]
)
def test_hostile_document_test_this_source_shows_the_form_not_a_500(owner_client, httpserver, name):
    hostile = HOSTILE[name]
    data = {
        "name": name,
        "kind": hostile.kind,
        "url": serve(httpserver, hostile),
        "subject": "ours",
        "poll_interval_minutes": "15",
        "enabled": "on",
    }
    started = time.monotonic()
    response = owner_client.post(reverse("source_preview"), data, headers={"HX-Request": "true"})
    assert time.monotonic() - started < BOUND_SECONDS
    assert response.status_code == 200
    page = response.content.decode()
    if hostile.error:
        assert hostile.error in page
    else:
        assert "could not be read" not in page and (GOOD in page or GOOD not in hostile.kept)
    assert not Source.objects.exists()


def test_review_count_beyond_the_column_is_kept_as_no_count(httpserver):
    hostile = HOSTILE["aggregate-review-count-beyond-the-column"]
    source = Source.objects.create(name="p", kind="review_page", url=serve(httpserver, hostile))
    assert poll_source_now(source.pk).status == "ok"
    assert list(RatingSnapshot.objects.values_list("rating", "count")) == [(4, None)]


# --- the server, not the document --------------------------------------------------------------


@pytest.fixture
def dripping_server() -> Iterator[str]:
    """Answers every request with a status line, then one header byte every 0.2 s, forever."""
    listener = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()

    def drip(conn: socket.socket) -> None:
        with conn:
            conn.recv(65536)
            conn.sendall(b"HTTP/1.1 200 OK\r\nX-Slow: ")
            while not stop.is_set():
                try:
                    conn.sendall(b"a")
                except OSError:
                    return
                time.sleep(0.2)

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            threading.Thread(target=drip, args=(conn,), daemon=True).start()

    threading.Thread(target=accept, daemon=True).start()
    yield f"http://localhost:{listener.getsockname()[1]}/feed"
    stop.set()
    listener.close()


def test_server_dripping_header_bytes_is_cut_off_at_the_total_deadline(dripping_server):
    source = Source.objects.create(name="Drip", url=dripping_server)
    started = time.monotonic()
    outcome = poll_source_now(source.pk)
    assert time.monotonic() - started < 30  # the fetch's total deadline is 20 s
    assert outcome.status == "failed"
    assert "did not answer in full within 20 s" in outcome.log.error


@pytest.mark.parametrize(
    "retry_after",
    ["Fri, 31 Dec 9999 23:59:59 GMT", "99999999999999999999", "\u00b2"],
    ids=["year-9999-date", "20-digits", "superscript-two"],
)
def test_retry_after_far_away_defers_the_host_for_a_day_at_most(httpserver, retry_after):
    httpserver.expect_request("/feed").respond_with_data(
        "slow down", status=429, headers={"Retry-After": retry_after}
    )
    source = Source.objects.create(name="Busy", url=httpserver.url_for("/feed"))
    assert poll_source_now(source.pk).status == "deferred"
    source.refresh_from_db()
    within_a_day = timezone.now() + timedelta(days=1, minutes=5)
    assert source.next_poll_at < within_a_day
    assert HostState.objects.get(host=source.host).next_allowed_at < within_a_day
    until = HostState.objects.get(host=source.host).next_allowed_at
    assert f"Waiting until {until:%Y-%m-%d %H:%M} UTC" in source.last_error
