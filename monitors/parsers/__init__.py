"""Parsers: one pure function per source kind, bytes and headers in, ParseResult out.

A new kind is one module with a `parse_*` function plus one line here and a Source.Kind choice.
"""

from __future__ import annotations

from monitors.parsers.app_store import parse_app_store
from monitors.parsers.base import Parser
from monitors.parsers.feeds import parse_feed
from monitors.parsers.review_pages import parse_review_page

PARSERS: dict[str, Parser] = {
    "feed": parse_feed,
    "review_page": parse_review_page,
    "app_store": parse_app_store,
}


def parser_for(kind: str) -> Parser:
    try:
        return PARSERS[kind]
    except KeyError:
        raise ValueError(
            f"Unknown source kind {kind!r}: use one of {', '.join(PARSERS)}."
        ) from None
