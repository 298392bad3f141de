"""Schema.org reviews from real pages: JSON-LD, microdata and RDFa, broken JSON-LD, odd bodies."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from monitors.parsers.base import AggregateRatingRecord, ParseError, ParseResult
from monitors.parsers.jsonld_repair import JsonLdRepairError, load_jsonld
from monitors.parsers.review_pages import normalise_rating, parse_review_page

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "review_pages"
SCHEMAORG = FIXTURES / "schemaorg"
INVALID = FIXTURES / "jsonld_invalid"
PAGE_URL = "https://shop.example.com/reviews/page.html"
HTML_HEADERS = {"Content-Type": "text/html"}

# file -> sorted (author, rating) of its reviews, and its AggregateRating (rating, count)
EXPECTED_SCHEMAORG = {
    "eg-0010-json.html": ([("Ellie", "1"), ("Lucas", "4")], ("3.5", 11)),
    "eg-0010-microdata.html": ([("Ellie", "1"), ("Lucas", "4")], ("3.5", 11)),
    "eg-0010-rdfa.html": ([("Ellie", "1"), ("Lucas", "4")], ("3.5", 11)),
    "eg-0052-json.html": ([("", None)], None),
    "eg-0248-json.html": ([("", "5")], None),
    "eg-0291-json.html": ([("", "3.8"), ("", "4.1")], None),  # 7.6 and 8.2 of 10
    "eg-0293-json.html": ([("", "3.8"), ("", "4.1")], None),
    "eg-0324-json.html": ([("", "0.83")], None),  # 1 of 6; the Organization has no name
    "eg-0324-microdata.html": ([("Politifact", "0.83")], None),
    "eg-0347-json.html": ([("David", "4"), ("Liam", "5")], ("4.5", 22)),
    "eg-0462-json.html": ([("Bob Smith", "4"), ("John Doe", "5")], ("4", 3077)),
    "eg-0462-microdata.html": ([("Bob Smith", "4"), ("John Doe", "5")], ("4", 3077)),
    "eg-0462-rdfa.html": ([("Bob Smith", "4"), ("John Doe", "5")], ("4", 3077)),
    "eg-0468-json.html": ([("", None)], None),
    "eg-4505-json.html": ([("Jean d'Eau", "5")], ("4.7", 33)),
}
SAME_EXAMPLE_IN_SEVERAL_SYNTAXES = [
    ("eg-0010-json.html", "eg-0010-microdata.html", "eg-0010-rdfa.html"),
    ("eg-0462-json.html", "eg-0462-microdata.html", "eg-0462-rdfa.html"),
    ("eg-0324-json.html", "eg-0324-microdata.html"),
]


def parse_file(path: Path) -> ParseResult:
    return parse_review_page(path.read_bytes(), HTML_HEADERS, PAGE_URL)


def as_decimal(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def test_every_schemaorg_fixture_has_expectations() -> None:
    assert sorted(p.name for p in SCHEMAORG.glob("*.html")) == sorted(EXPECTED_SCHEMAORG)


@pytest.mark.parametrize("name", sorted(EXPECTED_SCHEMAORG))
def test_schemaorg_example_yields_its_reviews_and_aggregate(name: str) -> None:
    expected_reviews, expected_aggregate = EXPECTED_SCHEMAORG[name]

    result = parse_file(SCHEMAORG / name)

    assert sorted((r.author, r.rating) for r in result.records) == [
        (author, as_decimal(rating)) for author, rating in expected_reviews
    ]
    if expected_aggregate is None:
        assert result.aggregate is None
    else:
        rating, count = expected_aggregate
        assert result.aggregate == AggregateRatingRecord(rating=Decimal(rating), count=count)
    assert result.warnings == []


@pytest.mark.parametrize("names", SAME_EXAMPLE_IN_SEVERAL_SYNTAXES, ids=lambda n: n[0][:7])
def test_syntaxes_of_one_example_agree(names: tuple[str, ...]) -> None:
    def fields(name: str) -> list[tuple]:
        result = parse_file(SCHEMAORG / name)
        return sorted(
            (r.external_id, r.title, r.text, r.rating, r.published_at, r.url)
            for r in result.records
        )

    first, *others = (fields(name) for name in names)
    assert first
    for other in others:
        assert other == first


def test_unhappy_camper_is_one_of_five_with_all_fields() -> None:
    result = parse_file(SCHEMAORG / "eg-0010-microdata.html")

    camper = next(r for r in result.records if r.title == "Not a happy camper")
    assert camper.author == "Ellie"
    assert camper.rating == Decimal("1")
    assert camper.published_at == datetime(2011, 4, 1, tzinfo=UTC)
    assert camper.text == "The lamp burned out and now I have to replace it."
    assert "The lamp burned out" in camper.html
    assert camper.url == PAGE_URL
    assert camper.external_id.startswith("sha256:")


def test_description_and_headline_stand_in_for_body_and_name() -> None:
    (review,) = parse_file(SCHEMAORG / "eg-0468-json.html").records

    assert review.title == "Megaphone 11 review"
    assert review.text == "Megaphone 11 is the strongest phone in the line..."


def test_review_url_is_its_external_id() -> None:
    (review,) = parse_file(SCHEMAORG / "eg-0324-json.html").records

    assert review.external_id == review.url
    assert review.url.startswith("http://www.politifact.com/texas/statements/2014/jul/23/")


def test_same_review_in_json_ld_and_microdata_is_kept_once() -> None:
    both = (SCHEMAORG / "eg-0010-json.html").read_bytes() + (
        SCHEMAORG / "eg-0010-microdata.html"
    ).read_bytes()

    result = parse_review_page(both, HTML_HEADERS, PAGE_URL)

    assert sorted(r.author for r in result.records) == ["Ellie", "Lucas"]


@pytest.mark.parametrize(
    ("name", "rating", "count"),
    [
        ("extruct_schema.org_product.html", Decimal("4.4"), 89),  # count is "89\n   "
        ("extruct_schema.org_LocalBusiness.002.html", Decimal("4"), 250),
    ],
)
def test_microdata_aggregate_rating(name: str, rating: Decimal, count: int) -> None:
    result = parse_file(FIXTURES / name)

    assert result.aggregate == AggregateRatingRecord(rating=rating, count=count)
    assert result.records == []


@pytest.mark.parametrize(
    ("value", "best", "worst", "expected"),
    [
        ("8", "10", "1", "4.0"),
        ("1", "5", "1", "1"),
        ("5", "5", "1", "5"),
        ("0", "5", "0", "0"),
        ("7.6", "10", "1", "3.8"),
        ("1", "6", "1", "0.83"),
        ("0", "3", "-3", "2.5"),  # a scale below zero is mapped onto 0..5
        ("6", "5", "1", None),
        ("0", "5", "1", None),
        ("5", "5", "5", None),  # a scale without range
    ],
)
def test_normalise_rating(value: str, best: str, worst: str, expected: str | None) -> None:
    normalised = normalise_rating(Decimal(value), Decimal(best), Decimal(worst))

    assert normalised == as_decimal(expected)


def test_rating_numbers_given_as_padded_strings_are_read() -> None:
    page = b"""<script type="application/ld+json">
    {"@type": "Review", "author": {"@type": "Person", "name": " Ana "},
     "reviewRating": {"ratingValue": " 8 ", "bestRating": "10 ", "worstRating": " 1"},
     "datePublished": "2024-02-03T10:00:00+02:00", "url": "/r/42"}
    </script>"""

    (review,) = parse_review_page(page, HTML_HEADERS, PAGE_URL).records

    assert (review.author, review.rating) == ("Ana", Decimal("4"))
    assert review.published_at == datetime(2024, 2, 3, 8, 0, tzinfo=UTC)
    assert review.external_id == review.url == "https://shop.example.com/r/42"


def test_graph_references_and_untyped_nested_objects_are_followed() -> None:
    page = b"""<script type="application/ld+json">
    {"@context": "https://schema.org", "@graph": [
      {"@type": "Product", "@id": "#product", "name": "Anvil",
       "aggregateRating": {"ratingValue": "9", "bestRating": "10", "ratingCount": "1,204"},
       "review": [{"@id": "#review-1"}, {"author": "Cy", "reviewRating": {"ratingValue": 2}}]},
      {"@type": "Review", "@id": "#review-1", "author": {"@id": "#person-ana"},
       "reviewRating": {"@type": "Rating", "ratingValue": 3}, "reviewBody": "Heavy."},
      {"@type": "Person", "@id": "#person-ana", "name": "Ana"}
    ]}</script>"""

    result = parse_review_page(page, HTML_HEADERS, PAGE_URL)

    assert [(r.author, r.rating, r.external_id) for r in result.records] == [
        ("Ana", Decimal(3), PAGE_URL + "#review-1"),
        ("Cy", Decimal(2), result.records[1].external_id),
    ]
    assert result.aggregate == AggregateRatingRecord(rating=Decimal("4.5"), count=1204)


def test_out_of_scale_rating_is_dropped_with_a_warning() -> None:
    page = b"""<script type="application/ld+json">
    {"@type": "Review", "author": "Bo", "reviewRating": {"ratingValue": "9"}}</script>"""

    result = parse_review_page(page, HTML_HEADERS, PAGE_URL)

    assert result.records[0].rating is None
    assert "outside its scale" in result.warnings[0]


def test_declared_charset_decodes_the_page() -> None:
    page = '<script type="application/ld+json">{"@type": "Review", "author": "Zoë"}</script>'

    result = parse_review_page(
        page.encode("windows-1252"), {"content-type": "text/html; charset=windows-1252"}, PAGE_URL
    )

    assert result.records[0].author == "Zoë"


@pytest.mark.parametrize(
    ("name", "key", "value"),
    [
        ("JSONLD_with_JS_comment.html", "articleSection", "商情"),
        ("JSONLD_with_control_characters.html", "data", "line 1\n        line 2\n        line 3\n"),
        ("JSONLD_with_trailing_brace.html", "name", "Black 'Clint' FT0511 cat eye sunglasses"),
    ],
)
def test_broken_json_ld_is_repaired(name: str, key: str, value: str) -> None:
    page = (INVALID / name).read_bytes().decode("utf-8")
    block = page.split('type="application/ld+json">')[1].split("</script>")[0]

    assert load_jsonld(block)[key] == value
    assert parse_file(INVALID / name) == ParseResult()


@pytest.mark.parametrize(
    "block",
    ['{"@type": "Review", "author": "cut short', '{"a": 1} {"b": 2}', "var data = {};"],
)
def test_unrepairable_json_ld_is_refused(block: str) -> None:
    with pytest.raises(JsonLdRepairError):
        load_jsonld(block)


def test_unrepairable_block_is_skipped_with_warning_and_others_still_read() -> None:
    good = (SCHEMAORG / "eg-0347-json.html").read_bytes()
    broken = b'<script type="application/ld+json">{"@type": "Review", "author": "cut</script>'

    result = parse_review_page(broken + good, HTML_HEADERS, PAGE_URL)

    assert sorted(r.author for r in result.records) == ["David", "Liam"]
    assert len(result.warnings) == 1
    assert result.warnings[0].startswith("skipped JSON-LD block 1:")


@pytest.mark.parametrize(
    "body", [b"just some words", b'{"not": "html"}', b"\x00\x01\x02\xff\xfe\x80", b"<html></html>"]
)
def test_page_without_markup_is_an_empty_result(body: bytes) -> None:
    assert parse_review_page(body, {}, PAGE_URL) == ParseResult()


@pytest.mark.parametrize("body", [b"", b" \n\t "])
def test_empty_body_cannot_be_read(body: bytes) -> None:
    with pytest.raises(ParseError):
        parse_review_page(body, HTML_HEADERS, PAGE_URL)
