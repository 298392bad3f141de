"""parse_feed over real feeds (feedparser's, feedjira's, Google Alerts) and hostile ones."""

from __future__ import annotations

import ast
import json
import re
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from monitors.parsers.base import ParseError, ParseResult
from monitors.parsers.feeds import BOZO_WARNING_PREFIX, parse_feed, unwrap_google_redirect
from monitors.sanitize import html_to_text
from monitors.xmlsafety import assert_xml_parser_safe

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
FEEDPARSER = FIXTURES / "feeds" / "feedparser"
FEEDJIRA = FIXTURES / "feeds" / "feedjira"
ALERTS_FEED = FIXTURES / "alerts" / "degru82_google_alerts.xml"
FEED_URL = "https://feeds.example/feed"

ILLFORMED_AND_ENCODING = sorted(
    [*FEEDPARSER.glob("illformed/**/*.xml"), *FEEDPARSER.glob("encoding/*.xml")]
)


def _fixture_id(path: Path) -> str:
    return str(path.relative_to(FIXTURES))


def _comment_fields(body: bytes) -> dict[str, str]:
    """The `Name: value` lines of a feedparser test file's leading comment (any encoding)."""
    ascii_view = body.replace(b"\x00", b"").decode("latin-1")
    return dict(re.findall(r"^\s*(Header|Expect):\s*(.*?)\s*$", ascii_view, re.MULTILINE))


def _response_headers(fields: dict[str, str]) -> dict[str, str]:
    name, _, value = fields.get("Header", "").partition(":")
    return {name.strip(): value.strip()} if value else {}


# Which ReviewRecord field stands for a feedparser entry key, and how the expected value
# is brought into the same form (records keep plain-text titles and text).
_RECORD_FIELD_FOR_ENTRY_KEY = {
    "description": ("text", html_to_text),
    "summary": ("text", html_to_text),
    "title": ("title", html_to_text),
    "link": ("url", str),
}


def _first_entry_key(node: ast.expr) -> str | None:
    """'description' for entries[0]['description'] or entries[0].description, else None."""
    match = re.fullmatch(r"entries\[0\](?:\.(\w+)|\['(\w+)'\])", ast.unparse(node))
    key = match and (match[1] or match[2])
    return key if key in _RECORD_FIELD_FOR_ENTRY_KEY else None


def _checkable_clauses(expect: str) -> list[tuple[str, object]]:
    """Translate the parts of an `Expect:` expression that a ParseResult can answer.

    ("bozo", bool) for bozo / not bozo; (entry key, value) for comparisons on entries[0];
    clauses about feedparser internals (encoding, feed title, geo) are left out.
    """
    if not expect:
        return []
    tree = ast.parse(expect, mode="eval").body
    clauses = tree.values if isinstance(tree, ast.BoolOp) else [tree]
    checkable: list[tuple[str, object]] = []
    for clause in clauses:
        if isinstance(clause, ast.Name) and clause.id == "bozo":
            checkable.append(("bozo", True))
        elif isinstance(clause, ast.UnaryOp) and getattr(clause.operand, "id", "") == "bozo":
            checkable.append(("bozo", False))
        elif isinstance(clause, ast.Compare) and isinstance(clause.comparators[0], ast.Constant):
            left, expected = clause.left, clause.comparators[0].value
            if isinstance(left, ast.Call) and getattr(left.func, "id", "") == "ord":
                left, expected = left.args[0], chr(expected)
            key = _first_entry_key(left)
            if key:
                checkable.append((key, expected))
    return checkable


# Expectations that encode feedparser's own sanitiser, which parse_feed switches off.
KNOWN_DIFFERENCES = {
    "encoding/bozo_linenoise.xml": "feedparser's sanitiser drops a stray '<>' that HTML "
    "parsing (and so html_to_text) keeps as text",
}


def _with_known_differences(paths: list[Path]) -> list[object]:
    return [
        pytest.param(
            path,
            id=_fixture_id(path),
            marks=pytest.mark.xfail(reason=KNOWN_DIFFERENCES[key], strict=True),
        )
        if (key := str(path.relative_to(FEEDPARSER))) in KNOWN_DIFFERENCES
        else pytest.param(path, id=_fixture_id(path))
        for path in paths
    ]


def _is_reported_bozo(result: ParseResult | None) -> bool:
    return result is None or any(w.startswith(BOZO_WARNING_PREFIX) for w in result.warnings)


@pytest.mark.parametrize("path", _with_known_differences(ILLFORMED_AND_ENCODING))
def test_illformed_and_oddly_encoded_feeds_give_their_expected_entries_or_a_parse_error(
    path: Path,
) -> None:
    body = path.read_bytes()
    fields = _comment_fields(body)
    try:
        result: ParseResult | None = parse_feed(body, _response_headers(fields), FEED_URL)
    except ParseError as error:
        assert str(error), "a ParseError must say what is wrong"
        result = None

    for key, expected in _checkable_clauses(fields.get("Expect", "")):
        if key == "bozo":
            assert _is_reported_bozo(result) is expected, result
            continue
        field, normalise = _RECORD_FIELD_FOR_ENTRY_KEY[key]
        if not normalise(expected):
            continue  # nothing a record could hold: such entries are skipped by design
        assert result is not None and result.records, f"{key} expected, no entries parsed"
        assert getattr(result.records[0], field) == normalise(expected)


def test_google_alerts_links_are_unwrapped_and_titles_are_plain_text() -> None:
    result = parse_feed(ALERTS_FEED.read_bytes(), {"Content-Type": "application/atom+xml"}, "")

    assert [(r.url, r.title) for r in result.records] == [
        (
            "https://www.linkedin.com/posts/example-post-123?utm_source=share",
            "Sample LLM post on LinkedIn",
        ),
        ("https://example.com/news/genai-1", "Sample news article about generative AI"),
        ("https://www.linkedin.com/posts/old-post-456", "Sample stale post"),
    ]
    first = result.records[0]
    assert first.external_id == "tag:google.com,2013:googlealerts/feed:1"
    assert first.text == "Sample snippet about an AI agent rollout."
    assert first.html == "Sample snippet about an <b>AI agent</b> rollout."
    assert first.published_at == datetime(2026, 9, 29, 2, 10, tzinfo=UTC)
    assert first.rating is None
    assert result.warnings == []


@pytest.mark.parametrize(
    ("link", "expected"),
    [
        (
            "https://www.google.com/url?rct=j&url=https://a.example/x%3Fy%3D1&ct=ga",
            "https://a.example/x?y=1",
        ),
        ("https://google.co.uk/url?q=http://b.example/&sa=U", "http://b.example/"),
        ("https://www.google.com/url?url=javascript:alert(1)", None),
        ("https://www.google.com/search?url=https://c.example/", None),
        ("https://notgoogle.example/url?url=https://d.example/", None),
        ("http://[broken/url?url=https://e.example/", None),
    ],
)
def test_only_google_redirect_links_to_web_pages_are_unwrapped(
    link: str, expected: str | None
) -> None:
    assert unwrap_google_redirect(link) == (expected or link)


@pytest.mark.parametrize(
    ("name", "headers", "entry_count"),
    [
        ("HREFConsideredHarmful.xml", {"Content-Type": "application/rss+xml"}, 10),
        ("itunes.xml", {}, 3),
        ("RSSWithComments.xml", {"Content-Type": "text/xml; charset=utf-8"}, 30),
        ("PaulDixExplainsNothing.xml", {"Content-Type": "application/atom+xml"}, 5),
        ("TrotterCashionHome.xml", {}, 14),
        ("DuplicateContentAtomFeed.xml", {}, 10),
        ("json_feed.json", {"Content-Type": "application/feed+json"}, 20),
        ("json_feed.json", {"Content-Type": "text/plain"}, 20),
    ],
)
def test_real_feeds_give_every_entry(name: str, headers: dict[str, str], entry_count: int) -> None:
    result = parse_feed((FEEDJIRA / name).read_bytes(), headers, FEED_URL)

    assert len(result.records) == entry_count
    assert len({record.external_id for record in result.records}) == entry_count
    assert all(record.title and record.url.startswith("http") for record in result.records)
    assert all(record.published_at and record.published_at.tzinfo for record in result.records)


@pytest.mark.parametrize(
    "body",
    [
        '<feed xmlns="http://www.w3.org/2005/Atom"><entry><id>urn:x:1</id><title>t</title>'
        "<summary>short</summary>"
        '<content type="html">&lt;p&gt;full &lt;b&gt;text&lt;/b&gt;&lt;/p&gt;</content>'
        "</entry></feed>",
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">'
        "<channel><title>c</title><item><guid>g</guid><title>t</title>"
        "<description>short</description>"
        "<content:encoded><![CDATA[<p>full <b>text</b></p>]]></content:encoded>"
        "</item></channel></rss>",
    ],
    ids=["atom", "rss content:encoded"],
)
def test_entry_content_is_preferred_over_the_summary(body: str) -> None:
    (record,) = parse_feed(body.encode(), {}, FEED_URL).records

    assert (record.text, record.html) == ("full text", "<p>full <b>text</b></p>")


def test_json_feed_items_map_to_records() -> None:
    (record, *_) = parse_feed((FEEDJIRA / "json_feed.json").read_bytes(), {}, FEED_URL).records

    assert record.external_id == (
        "http://inessential.com/2017/06/02/james_dempsey_and_the_breakpoints_benefi"
    )
    assert record.title == "James Dempsey and the Breakpoints Benefit App Camp for Girls"
    assert record.author == "Brent Simmons"  # the feed-level author, as JSON Feed specifies
    assert record.published_at == datetime(2017, 6, 3, 5, 5, 47, tzinfo=UTC)
    assert record.text.startswith("On Wednesday night I know where I’ll be")
    assert 'href="https://www.classy.org/events/-/e126329"' in record.html


def test_json_feed_1_1_reads_authors_summary_text_and_modified_date() -> None:
    document = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": "t",
        "items": [
            {
                "id": 42,
                "url": "https://e.example/42",
                "content_text": "Terrible <service>.\n\nNever again.",
                "authors": [{"name": "Ann"}, {"name": "Bob"}],
                "date_modified": "2024-02-29T23:30:00+02:00",
            },
            {"id": "s", "summary": "Only a summary", "author": {"name": "Old-style"}},
        ],
    }

    first, second = parse_feed(json.dumps(document).encode(), {}, FEED_URL).records

    assert first.external_id == "42"
    assert first.author == "Ann, Bob"
    assert first.text == "Terrible <service>. Never again."
    assert first.html == "<p>Terrible &lt;service&gt;.</p><p>Never again.</p>"
    assert first.published_at == datetime(2024, 2, 29, 21, 30, tzinfo=UTC)
    assert (second.text, second.author, second.published_at) == (
        "Only a summary",
        "Old-style",
        None,
    )


def test_repeated_entry_ids_in_one_feed_get_distinct_external_ids() -> None:
    items = "".join(
        f"<item><guid isPermaLink='false'>same</guid><title>t{n}</title>{link}</item>"
        for n, link in enumerate(
            [
                "<link>https://e.example/a</link>",
                "<link>https://e.example/b</link>",
                "<link>https://e.example/b</link>",
                "",
            ]
        )
    )
    body = f'<rss version="2.0"><channel><title>t</title>{items}</channel></rss>'.encode()

    ids = [record.external_id for record in parse_feed(body, {}, FEED_URL).records]

    assert ids == ["same", "same#https://e.example/b", "same#https://e.example/b#2", "same#3"]


@pytest.mark.parametrize(
    ("link", "url"),
    [
        ("/posts/1", "https://feeds.example/posts/1"),
        ("javascript:alert(1)", ""),
        ("http://[broken", ""),
        ("mailto:x@example.com", ""),
    ],
)
def test_entry_links_are_made_absolute_and_limited_to_web_urls(link: str, url: str) -> None:
    body = (
        '<rss version="2.0"><channel><title>t</title>'
        f"<item><guid>g</guid><title>x</title><link>{link}</link></item></channel></rss>"
    ).encode()

    (record,) = parse_feed(body, {}, FEED_URL).records

    assert record.url == url


def test_entries_without_id_or_link_get_a_content_hash_id() -> None:
    body = (
        b'<rss version="2.0"><channel><title>t</title>'
        b"<item><title>A</title><description>one</description></item>"
        b"<item><title>A</title><description>two</description></item>"
        b"</channel></rss>"
    )

    first, second = parse_feed(body, {}, FEED_URL).records

    assert first.external_id.startswith("sha256:") and len(first.external_id) == 7 + 64
    assert first.external_id != second.external_id
    assert parse_feed(body, {}, FEED_URL).records[0].external_id == first.external_id


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"   \n",
        bytes(range(256)) * 8,
        b"<!DOCTYPE html><html><head><title>Shop</title></head><body><p>Hi</p></body></html>",
        b"just some words",
        b'{"version": "https://jsonfeed.org/version/1", "title": "no items"}',
        b'{"not": "a feed"}',
        b"{broken json",
    ],
    ids=["empty", "blank", "garbage", "html page", "text", "json no items", "json", "bad json"],
)
def test_documents_with_no_feed_raise_parse_error(body: bytes) -> None:
    with pytest.raises(ParseError, match=r"\w"):
        parse_feed(body, {}, FEED_URL)


def test_bozo_feed_with_entries_is_ingested_with_a_warning() -> None:
    body = (FEEDPARSER / "illformed" / "rss_item_link_corrupted_ampersands.xml").read_bytes()

    result = parse_feed(body, {}, FEED_URL)

    assert [record.url for record in result.records] == ["http://link/get?a=1&b=2"]
    assert len(result.warnings) == 1 and "not well-formed" in result.warnings[0]


def test_parse_feed_never_fetches_external_entities_stylesheets_or_urls(
    httpserver: HTTPServer,
) -> None:
    httpserver.expect_request("/").respond_with_data("<rss/>")
    external = httpserver.url_for("/")
    body = f"""<?xml version="1.0"?>
<?xml-stylesheet type="text/xsl" href="{external}style.xsl"?>
<!DOCTYPE rss [
  <!ENTITY remote SYSTEM "{external}entity">
  <!ENTITY % dtd SYSTEM "{external}dtd"> %dtd;
]>
<rss version="2.0"><channel><title>t</title>
<item><title>x &remote;</title><link>https://e.example/1</link>
<description>&lt;img src="{external}img"&gt;&lt;a href="/rel"&gt;r&lt;/a&gt;</description></item>
</channel></rss>""".encode()

    parse_feed(body, {"Content-Location": external}, external)
    with pytest.raises(ParseError):
        parse_feed(external.encode(), {}, external)
    with pytest.raises(ParseError):
        parse_feed(b"/etc/hostname", {}, external)

    assert httpserver.log == []


def test_entity_expansion_bomb_is_not_expanded() -> None:
    entities = "".join(f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">' for n in range(1, 10))
    body = (
        f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY lol0 "lol">{entities}]>'
        '<rss version="2.0"><channel><title>t</title><item><title>&lol9;</title>'
        "<link>https://e.example/1</link></item></channel></rss>"
    ).encode()
    started = time.monotonic()

    result = parse_feed(body, {}, FEED_URL)

    assert time.monotonic() - started < 5
    assert all(len(record.title) < 1000 for record in result.records)


@pytest.mark.parametrize(
    ("version", "safe"),
    [((2, 2, 10), False), ((2, 4, 0), False), ((2, 4, 1), True), (None, True)],
    ids=["2.2.10", "2.4.0", "2.4.1", "running expat"],
)
def test_xml_parser_check_refuses_expat_older_than_2_4_1(
    version: tuple[int, int, int] | None, safe: bool
) -> None:
    if safe:
        assert_xml_parser_safe(version)
    else:
        with pytest.raises(RuntimeError, match=r"entity-expansion.*2\.4\.1"):
            assert_xml_parser_safe(version)
