"""Turn untrusted HTML from review sources into safe HTML or plain text.

Everything a source sends is hostile until it has passed through here: stored HTML is
rendered in the triage UI, so only a small allow-list of formatting tags survives.
"""

from __future__ import annotations

import html
import re
from functools import cache
from urllib.parse import urljoin, urlsplit

import nh3

ALLOWED_TAGS = frozenset(
    {
        "a",
        "abbr",
        "b",
        "blockquote",
        "br",
        "code",
        "del",
        "em",
        "i",
        "ins",
        "li",
        "ol",
        "p",
        "pre",
        "q",
        "s",
        "strong",
        "sub",
        "sup",
        "u",
        "ul",
    }
)
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}}
ALLOWED_URL_SCHEMES = frozenset({"http", "https", "mailto"})
# Tags removed together with their content (the rest are unwrapped, keeping their text).
DROPPED_WITH_CONTENT = frozenset({"script", "style", "template", "noscript", "title"})

# Elements after which plain text needs a word break, so "<p>a</p><p>b</p>" is "a b".
_BLOCK_TAGS = frozenset(
    {
        "address",
        "article",
        "aside",
        "blockquote",
        "br",
        "dd",
        "div",
        "dl",
        "dt",
        "figcaption",
        "figure",
        "footer",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "li",
        "ol",
        "p",
        "pre",
        "section",
        "table",
        "td",
        "th",
        "tr",
        "ul",
    }
)
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
# Where a block tag opens or closes: a look-ahead, so the space goes in without a group to copy
# (a replacement with a group runs Python code per match: half the cost of the text pass).
_BLOCK_TAG = re.compile(r"<(?=/?(?:" + "|".join(sorted(_BLOCK_TAGS)) + r")\b)", re.IGNORECASE)


def sanitize_html(html_fragment: str, base_url: str = "") -> str:
    """Return the fragment with only basic formatting and safe links left.

    Relative link targets are resolved against ``base_url``; without one they are dropped,
    because they would otherwise point into ReviewWatch itself.
    """

    def resolve_relative_href(tag: str, attribute: str, value: str) -> str | None:
        if tag != "a" or attribute != "href":
            return value
        try:
            if urlsplit(value).scheme:
                return value  # nh3 checks the scheme against ALLOWED_URL_SCHEMES
            absolute = urljoin(base_url, value) if base_url else ""
            return absolute if urlsplit(absolute).scheme in ALLOWED_URL_SCHEMES else None
        except ValueError:  # unparseable, e.g. a broken IPv6 literal
            return None

    return nh3.clean(
        html_fragment,
        tags=set(ALLOWED_TAGS),
        clean_content_tags=set(DROPPED_WITH_CONTENT),
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        attribute_filter=resolve_relative_href,
        url_schemes=set(ALLOWED_URL_SCHEMES),
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


def html_to_text(html_fragment: str) -> str:
    """Return the visible text of an HTML fragment: entities decoded, whitespace collapsed.

    nh3 (an HTML5 parser in Rust) drops every tag and the content of script-like ones; a space
    put before each block tag first keeps "<p>a</p><p>b</p>" apart as "a b".
    """
    if "<" not in html_fragment and "&" not in html_fragment:
        return " ".join(html_fragment.split())
    bare = _text_only().clean(_BLOCK_TAG.sub(" <", html_fragment))
    return " ".join(html.unescape(bare).split())


@cache
def _text_only() -> nh3.Cleaner:
    """No tags kept, script-like content dropped: built once, as every entry's text needs it."""
    return nh3.Cleaner(
        tags=set(), clean_content_tags=set(DROPPED_WITH_CONTENT), strip_comments=True
    )


def text_to_html(text: str) -> str:
    """Render text/plain content as HTML: escaped, blank lines as paragraphs, newlines as <br>."""
    normalised = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    paragraphs = [part.strip() for part in _PARAGRAPH_BREAK.split(normalised) if part.strip()]
    return "".join(
        "<p>" + "<br>".join(html.escape(line) for line in paragraph.split("\n")) + "</p>"
        for paragraph in paragraphs
    )
