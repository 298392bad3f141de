"""Read fetched bytes as an HTML tree the way browsers would, for the structured-data readers.

The encoding comes from the Content-Type header, then the document itself (bs4's UnicodeDammit);
the tree is built by extruct's DOM-like parser, which its RDFa reader needs.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from html.parser import HTMLParser

import lxml.etree
import lxml.html
from bs4 import UnicodeDammit
from extruct.xmldom import XmlDomHTMLParser

from monitors.parsers.base import ParseError

_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_CHARSET = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.IGNORECASE)


def parse_html_document(body: bytes, headers: Mapping[str, str]) -> lxml.html.HtmlElement:
    """The document as a tree; raises ParseError when it cannot be decoded or parsed at all."""
    content_type = next((v for k, v in headers.items() if k.lower() == "content-type"), "")
    declared = _CHARSET.search(content_type)
    dammit = UnicodeDammit(
        body, known_definite_encodings=[declared.group(1)] if declared else [], is_html=True
    )
    text = dammit.unicode_markup
    if not text or not text.strip():
        raise ParseError("empty or undecodable document")
    text = _XML_DECLARATION.sub("", text)
    try:
        # extruct's RDFa reader needs the DOM-like tree of its own parser.
        tree = lxml.html.fromstring(text, parser=XmlDomHTMLParser())
    except (lxml.etree.ParserError, ValueError) as error:
        raise ParseError(f"cannot parse document as HTML: {error}") from error
    _merge_repeated_start_tag_attributes(tree, text)
    return tree


class _StartTagAttributes(HTMLParser):
    def __init__(self, tag: str) -> None:
        super().__init__()
        self.tag = tag
        self.attributes: list[tuple[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == self.tag:
            self.attributes.extend(attrs)


def _merge_repeated_start_tag_attributes(tree: lxml.html.HtmlElement, text: str) -> None:
    """Apply the HTML5 rule libxml2 skips: attributes of a second <html>/<body> tag are added to
    the first one. Pages that open <body> twice would otherwise lose e.g. their RDFa vocab."""
    for tag in ("html", "body"):
        tags = re.findall(rf"<{tag}\b(?:[^>\"']|\"[^\"]*\"|'[^']*')*>", text, re.IGNORECASE)
        element = tree if tag == "html" else tree.find(".//body")
        if len(tags) < 2 or element is None:
            continue
        reader = _StartTagAttributes(tag)
        for start_tag in tags[1:]:
            reader.feed(start_tag)
        for name, value in reader.attributes:
            if name not in element.attrib:
                element.set(name, value or "")
