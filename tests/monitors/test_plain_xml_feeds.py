"""The fast reader of plain feeds gives exactly what feedparser gives, or steps aside.

The fixtures are real feeds and feedparser's and feedjira's own test feeds (copied from
../shared/corpus/feeds/, licences beside them): a few hundred ways of writing RSS and Atom.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from monitors.parsers import parse_feed
from monitors.parsers.feeds import read_with_feedparser
from monitors.parsers.plain_xml_feeds import read_plain_xml_feed

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
FEEDS = sorted(path for path in (FIXTURES / "feeds").rglob("*.xml") if path.is_file()) + [
    FIXTURES / "alerts" / "degru82_google_alerts.xml"
]
CONTENT_TYPES = ("application/atom+xml", "application/rss+xml", "text/xml; charset=UTF-8")
ATOM = '<?xml version="1.0" encoding="{encoding}"?><feed xmlns="http://www.w3.org/2005/Atom">'


def as_feedparser_reads_it(body: bytes, headers: dict) -> tuple[list, list[str]]:
    """feedparser's entries and warnings for the same document without blank lines before
    the XML declaration (the one flaw the fast reader forgives)."""
    warnings: list[str] = []
    return read_with_feedparser(body.lstrip(), headers, warnings), warnings


def test_every_fixture_feed_the_fast_reader_accepts_reads_exactly_as_feedparser_reads_it():
    accepted, differences = 0, []
    for path in FEEDS:
        body = path.read_bytes()
        for content_type in CONTENT_TYPES:
            headers = {"Content-Type": content_type}
            fast = read_plain_xml_feed(body, headers)
            if fast is None:
                continue
            accepted += 1
            entries, warnings = as_feedparser_reads_it(body, headers)
            if fast != entries or warnings:
                differences.append(f"{path.name} ({content_type})")
    assert differences == []
    assert accepted >= len(FEEDS), "most fixtures are plain feeds, read fast under all 3 types"


def test_google_alerts_and_real_blog_feeds_take_the_fast_path():
    for name in ("alerts/degru82_google_alerts.xml", "feeds/feedjira/TrotterCashionHome.xml"):
        body = (FIXTURES / name).read_bytes()
        entries = read_plain_xml_feed(body, {"content-type": "application/atom+xml"})
        assert entries, name
    rdf = (FIXTURES / "feeds/feedjira/HREFConsideredHarmful.xml").read_bytes()
    assert len(read_plain_xml_feed(rdf, {"content-type": "application/rdf+xml"})) == 10


def entry(inner: str) -> str:
    return f"<entry><id>tag:x,2026:1</id><title>Late again</title>{inner}</entry></feed>"


@pytest.mark.parametrize(
    "document, content_type",
    [
        # an entity defined in a DOCTYPE
        (
            '<?xml version="1.0"?><!DOCTYPE feed [<!ENTITY w "worst">]>'
            '<feed xmlns="http://www.w3.org/2005/Atom">' + entry("<summary>&w;</summary>"),
            "application/atom+xml",
        ),
        # another encoding, declared or sent
        (ATOM.format(encoding="iso-8859-1") + entry("<summary>caf\xe9</summary>"), "text/xml"),
        (ATOM.format(encoding="utf-8") + entry(""), "application/xml; charset=windows-1252"),
        # text/xml without a charset is US-ASCII to feedparser
        (ATOM.format(encoding="utf-8") + entry(""), "text/xml"),
        # XHTML content, and an element the fast reader does not know
        (
            ATOM.format(encoding="utf-8")
            + entry(
                '<content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">'
                "<p>Cold soup</p></div></content>"
            ),
            "application/atom+xml",
        ),
        (
            ATOM.format(encoding="utf-8")
            + entry('<media:title xmlns:media="http://search.yahoo.com/mrss/">T</media:title>'),
            "application/atom+xml",
        ),
        # HTML entities that only a lenient parser accepts
        (ATOM.format(encoding="utf-8") + entry("<summary>Cold&nbsp;soup</summary>"), "text/xml"),
    ],
    ids=["doctype", "latin-1", "charset", "text-xml", "xhtml", "unknown", "html-entity"],
)
def test_documents_that_need_feedparser_are_left_to_it_and_still_read(document, content_type):
    body = document.encode("latin-1" if "iso-8859-1" in document else "utf-8")
    headers = {"content-type": content_type}
    assert read_plain_xml_feed(body, headers) is None
    [record] = parse_feed(body, headers, "https://blog.example/feed").records
    assert record.title == "Late again"
