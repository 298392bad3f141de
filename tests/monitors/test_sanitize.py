"""sanitize_html, html_to_text and text_to_html against hostile and ordinary markup."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from monitors.parsers.feeds import parse_feed
from monitors.sanitize import html_to_text, sanitize_html, text_to_html

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
SANITIZE_FEEDS = sorted((FIXTURES / "feeds" / "feedparser").glob("wellformed/sanitize/*.xml"))
FEED_URL = "https://feeds.example/feed"

HOSTILE_MARKUP = {
    "script element": '<p>kept</p><script>alert("x")</script>',
    "script in svg": "<p>kept</p><svg><script>alert(1)</script></svg>",
    "event handler on allowed tag": '<p onclick="alert(1)">kept</p>',
    "event handler on dropped tag": "<p>kept</p><img src=x onerror=alert(1)>",
    "javascript link": '<p>kept</p><a href="javascript:alert(1)">x</a>',
    "javascript link, mixed case": '<p>kept</p><a href="JaVa&#x09;ScRiPt:alert(1)">x</a>',
    "data link": '<p>kept</p><a href="data:text/html;base64,PHNjcmlwdD4=">x</a>',
    "vbscript link": '<p>kept</p><a href="vbscript:msgbox(1)">x</a>',
    "unparseable link": '<p>kept</p><a href="//[broken">x</a>',
    "iframe": '<p>kept</p><iframe src="https://evil.example/"></iframe>',
    "style element": "<style>body{display:none}</style><p>kept</p>",
    "style attribute": '<p style="position:fixed;top:0">kept</p>',
    "object and embed": '<p>kept</p><object data="x.swf"></object><embed src="x.swf">',
    "form": '<p>kept</p><form action="https://evil.example/"><input name="pw"></form>',
}

FORBIDDEN_IN_SANITISED = re.compile(
    r"<script|<style|<iframe|<object|<embed|<form|\son\w+\s*=|javascript:|vbscript:|data:|style=",
    re.IGNORECASE,
)


@pytest.mark.parametrize("markup", HOSTILE_MARKUP.values(), ids=HOSTILE_MARKUP.keys())
def test_sanitize_html_removes_active_content_and_keeps_the_text(markup: str) -> None:
    cleaned = sanitize_html(markup)

    assert not FORBIDDEN_IN_SANITISED.search(cleaned), cleaned
    assert "kept" in cleaned


@pytest.mark.parametrize(
    "markup",
    [
        "<p>para</p>",
        "<b>b</b><i>i</i><em>em</em><strong>strong</strong>",
        "<ul><li>one</li></ul><ol><li>two</li></ol>",
        "<blockquote>quoted</blockquote>",
        "<pre><code>x = 1</code></pre>",
        "line<br>break",
    ],
)
def test_sanitize_html_keeps_basic_formatting(markup: str) -> None:
    assert sanitize_html(markup) == markup


@pytest.mark.parametrize(
    ("href", "kept"),
    [
        ("https://example.com/a?b=1", True),
        ("http://example.com/", True),
        ("mailto:someone@example.com", True),
        ("ftp://example.com/file", False),
        ("tel:+15555550100", False),
    ],
)
def test_sanitize_html_keeps_only_http_https_and_mailto_links(href: str, kept: bool) -> None:
    cleaned = sanitize_html(f'<a href="{href}">link</a>')

    assert ("href=" in cleaned) is kept, cleaned


def test_sanitize_html_marks_links_noopener_noreferrer() -> None:
    cleaned = sanitize_html('<a href="https://example.com/" rel="opener" target="_blank">x</a>')

    assert cleaned == '<a href="https://example.com/" rel="noopener noreferrer">x</a>'


@pytest.mark.parametrize(
    ("base_url", "expected_href"),
    [
        ("https://blog.example/posts/1", 'href="https://blog.example/about"'),
        ("", None),
        ("http://[broken", None),
    ],
)
def test_sanitize_html_resolves_relative_links_against_the_base_or_drops_them(
    base_url: str, expected_href: str | None
) -> None:
    cleaned = sanitize_html('<a href="/about">about</a>', base_url=base_url)

    if expected_href is None:
        assert "href=" not in cleaned
    else:
        assert expected_href in cleaned


@pytest.mark.parametrize(
    ("markup", "text"),
    [
        ("<p>First</p><p>Second</p>", "First Second"),
        ("Sample <b>LLM</b> post", "Sample LLM post"),
        ("Fish &amp; chips &lt;3 &eacute;t&eacute; &#8230;", "Fish & chips <3 été …"),
        ("  lots \n\n of \t space  ", "lots of space"),
        ("one<br>two<br/>three", "one two three"),
        ("<ul><li>a</li><li>b</li></ul>", "a b"),
        ("visible<script>var hidden = 1;</script><style>p{}</style>", "visible"),
        ("<!-- a comment -->text", "text"),
        ("AT&T < 5 > 3", "AT&T < 5 > 3"),
        ("", ""),
    ],
)
def test_html_to_text_gives_visible_text_with_entities_decoded_and_spaces_collapsed(
    markup: str, text: str
) -> None:
    assert html_to_text(markup) == text


@pytest.mark.parametrize(
    ("text", "html"),
    [
        ("plain", "<p>plain</p>"),
        ("<script>alert(1)</script>", "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>"),
        ('Tom & Jerry say "hi"', "<p>Tom &amp; Jerry say &quot;hi&quot;</p>"),
        ("line one\nline two", "<p>line one<br>line two</p>"),
        ("para one\r\n\r\npara two\r\nsame para", "<p>para one</p><p>para two<br>same para</p>"),
        ("  \n ", ""),
    ],
)
def test_text_to_html_escapes_and_keeps_line_breaks(text: str, html: str) -> None:
    assert text_to_html(text) == html


def test_text_to_html_output_survives_sanitising_unchanged() -> None:
    rendered = text_to_html("a < b\n\nc & d")

    assert sanitize_html(rendered) == rendered


@pytest.mark.parametrize("path", SANITIZE_FEEDS, ids=lambda path: path.name)
def test_stored_html_from_sanitize_feeds_has_no_script_handler_or_javascript_url(
    path: Path,
) -> None:
    result = parse_feed(path.read_bytes(), {}, FEED_URL)

    for record in result.records:
        assert "<script" not in record.html.lower()
        assert not re.search(r"\son\w+\s*=", record.html, re.IGNORECASE)
        assert "javascript:" not in record.html.lower()


HOSTILE_CONTENT = [
    '<p>kept</p><script>alert("x")</script>',
    '<p onmouseover="alert(1)">kept</p>',
    '<a href="javascript:alert(1)">kept</a>',
    '<a href="data:text/html,&lt;script&gt;">kept</a>',
    '<iframe src="https://evil.example/"></iframe><p>kept</p>',
    '<style>*{display:none}</style><p style="color:red">kept</p>',
]


@pytest.mark.parametrize("content", HOSTILE_CONTENT)
@pytest.mark.parametrize("layout", ["rss", "atom"])
def test_hostile_entry_content_is_stored_sanitised(layout: str, content: str) -> None:
    escaped = content.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if layout == "rss":
        body = (
            '<rss version="2.0"><channel><title>t</title><item><title>x</title>'
            f"<link>https://e.example/1</link><description>{escaped}</description>"
            "</item></channel></rss>"
        )
    else:
        body = (
            '<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><entry><id>urn:x:1</id>'
            f'<title>x</title><content type="html">{escaped}</content></entry></feed>'
        )

    (record,) = parse_feed(body.encode(), {}, FEED_URL).records

    assert not re.search(
        r"<script|<iframe|<style|style=|\son\w+\s*=|javascript:|data:", record.html, re.I
    )
    assert "kept" in record.html
    assert record.text == "kept"


def test_text_plain_entry_content_is_escaped_not_interpreted() -> None:
    body = (
        '<feed xmlns="http://www.w3.org/2005/Atom"><entry><id>urn:x:1</id><title>t</title>'
        '<content type="text">5 &lt; 6 &amp; &lt;b&gt;no tags&lt;/b&gt;</content>'
        "</entry></feed>"
    )

    (record,) = parse_feed(body.encode(), {}, FEED_URL).records

    assert record.html == "<p>5 &lt; 6 &amp; &lt;b&gt;no tags&lt;/b&gt;</p>"
    assert record.text == "5 < 6 & <b>no tags</b>"
