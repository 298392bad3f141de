"""Apple's customer-reviews feed in its JSON and Atom layouts, and building the feed URL."""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from monitors.parsers.app_store import app_store_feed_url, parse_app_store
from monitors.parsers.base import ParseError, ParseResult

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "appstore"
JSON_FEED = FIXTURES / "webster_bank_us_customerreviews.json"
ATOM_FEED = FIXTURES / "webster_bank_us_customerreviews_excerpt.xml"
FEED_URL = "https://itunes.apple.com/us/rss/customerreviews/id=1321994487/sortBy=mostRecent/json"
REVIEWS_LINK = "https://itunes.apple.com/us/review?id=1321994487&type=Purple%20Software"


def parse_json_feed(document: object) -> ParseResult:
    body = json.dumps(document).encode()
    return parse_app_store(body, {"Content-Type": "application/json"}, FEED_URL)


@pytest.fixture(scope="module")
def json_feed() -> ParseResult:
    return parse_app_store(JSON_FEED.read_bytes(), {"Content-Type": "text/javascript"}, FEED_URL)


def test_json_feed_gives_fifty_rated_reviews(json_feed: ParseResult) -> None:
    stars = Counter(record.rating for record in json_feed.records)

    assert len(json_feed.records) == 50
    assert stars == {
        Decimal(1): 11,
        Decimal(2): 9,
        Decimal(3): 3,
        Decimal(4): 7,
        Decimal(5): 20,
    }
    assert len({record.external_id for record in json_feed.records}) == 50
    assert json_feed.warnings == []


def test_json_entry_fields(json_feed: ParseResult) -> None:
    first = json_feed.records[0]

    assert first.external_id == "7175647643"
    assert first.author == "WB-SBB"
    assert first.title == "Mobile app cannot recognize endorsement on business size checks."
    assert first.text.startswith("I use the mobile app to deposit checks.")
    assert first.text.endswith("Newer is not always better.")
    assert first.html.startswith("<p>I use the mobile app")
    assert first.url == REVIEWS_LINK


def test_atom_layout_gives_the_same_fields_as_json(json_feed: ParseResult) -> None:
    atom = parse_app_store(ATOM_FEED.read_bytes(), {"Content-Type": "text/xml"}, FEED_URL)

    def fields(records: list) -> list[tuple]:
        return [(r.external_id, r.author, r.title, r.text, r.rating, r.url) for r in records]

    assert fields(atom.records) == fields(json_feed.records[:3])  # metadata entry left out
    assert [r.rating for r in atom.records] == [Decimal(2), Decimal(1), Decimal(5)]
    assert atom.records[0].published_at == datetime(2021, 4, 12, 12, 23, 3, tzinfo=UTC)
    assert atom.warnings == []


def test_atom_layout_is_recognised_without_content_type() -> None:
    result = parse_app_store(ATOM_FEED.read_bytes(), {}, FEED_URL)

    assert [r.author for r in result.records] == ["WB-SBB", "Poopdolla108", "SE Wood"]


def test_single_json_entry_and_metadata_entry() -> None:
    review = json.loads(JSON_FEED.read_bytes())["feed"]["entry"][1]
    review["updated"] = {"label": "2021-04-11T09:02:41-07:00"}
    metadata = {"im:name": {"label": "Webster Bank"}, "id": {"label": "https://apps.apple.com/x"}}

    single = parse_json_feed({"feed": {"entry": review}})
    with_metadata = parse_json_feed({"feed": {"entry": [metadata, review]}})

    assert single.records == with_metadata.records
    (record,) = single.records
    assert (record.external_id, record.rating) == ("7172481002", Decimal(1))
    assert record.published_at == datetime(2021, 4, 11, 16, 2, 41, tzinfo=UTC)


def test_feed_without_entries_is_an_empty_result() -> None:
    assert parse_json_feed({"feed": {"title": {"label": "iTunes Store: Customer Reviews"}}}) == (
        ParseResult()
    )


def test_rating_outside_one_to_five_is_dropped_with_warning() -> None:
    review = json.loads(JSON_FEED.read_bytes())["feed"]["entry"][0]
    review["im:rating"] = {"label": "7"}

    result = parse_json_feed({"feed": {"entry": [review]}})

    assert result.records[0].rating is None
    assert "not 1 to 5 stars" in result.warnings[0]


@pytest.mark.parametrize(
    "body", [b"{not json", b'{"results": []}', b"[1, 2]", b"<html><body>Not found</body></html>"]
)
def test_other_documents_are_parse_errors(body: bytes) -> None:
    with pytest.raises(ParseError):
        parse_app_store(body, {}, FEED_URL)


@pytest.mark.parametrize(
    ("app", "country", "fmt", "expected"),
    [
        ("https://apps.apple.com/us/app/webster-bank/id1321994487", "us", "json", FEED_URL),
        ("https://apps.apple.com/gb/app/webster-bank/id1321994487?l=en", "gb", "json",
         "https://itunes.apple.com/gb/rss/customerreviews/id=1321994487/sortBy=mostRecent/json"),
        ("https://itunes.apple.com/us/app/id1321994487?mt=8", "US", "xml",
         "https://itunes.apple.com/us/rss/customerreviews/id=1321994487/sortBy=mostRecent/xml"),
        ("https://itunes.apple.com/WebObjects/MZStore.woa/wa/viewSoftware?id=1321994487",
         "us", "json", FEED_URL),
        ("1321994487", "us", "json", FEED_URL),
        (" id1321994487 ", "us", "json", FEED_URL),
    ],
)  # fmt: skip
def test_feed_url_from_app_link_or_id(app: str, country: str, fmt: str, expected: str) -> None:
    assert app_store_feed_url(app, country, fmt) == expected


@pytest.mark.parametrize(
    ("app", "country", "fmt", "message"),
    [
        ("https://play.google.com/store/apps/details?id=123", "us", "json", "App Store link"),
        ("https://apps.apple.com/us/app/webster-bank", "us", "json", "App Store link"),
        ("webster bank", "us", "json", "App Store link"),
        ("", "us", "json", "App Store link"),
        ("id12x", "us", "json", "App Store link"),
        ("1321994487", "usa", "json", "two-letter"),
        ("1321994487", "u1", "json", "two-letter"),
        ("1321994487", "us", "rss", "'json' or 'xml'"),
    ],
)
def test_feed_url_refuses_bad_input(app: str, country: str, fmt: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        app_store_feed_url(app, country, fmt)
