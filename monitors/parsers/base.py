"""The one small interface every source kind implements: bytes in, review records out.

Parsers never touch the database or the network; they are pure functions over the fetched
body and its headers, so they are tested with tables of real documents.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Protocol


class ParseError(Exception):
    """The document cannot be read as this kind at all (not: one bad entry, which is skipped).

    The message is for the owner; `detail`, when given, is what the parser itself said (such as
    "<unknown>:2:0: syntax error"), kept for the poll log."""

    def __init__(self, message: str, detail: str = "") -> None:
        super().__init__(message)
        self.detail = detail


@dataclass(frozen=True)
class PublicReply:
    """The business's reply to a review as a platform shows it."""

    text: str
    updated_at: datetime | None = None  # aware, UTC: the platform's own time
    state: str = "published"  # or "pending": the platform has not published it yet
    reply_id: str = ""  # where the platform gives the reply an id of its own (Apple)


@dataclass
class ReviewRecord:
    """One mention as a parser sees it, before it is stored."""

    external_id: str
    url: str = ""
    author: str = ""
    title: str = ""
    text: str = ""  # plain text
    html: str = ""  # sanitised HTML (nh3), safe to render
    rating: Decimal | None = None  # normalised to 0..5
    published_at: datetime | None = None  # aware, UTC
    # Platform APIs tell whether the business has replied; feeds and pages cannot.
    replies_known: bool = False
    reply: PublicReply | None = None


@dataclass
class AggregateRatingRecord:
    """A page's summary rating (schema.org AggregateRating), normalised to 0..5."""

    rating: Decimal
    count: int | None = None


@dataclass
class ParseResult:
    records: list[ReviewRecord] = field(default_factory=list)
    aggregate: AggregateRatingRecord | None = None
    warnings: list[str] = field(default_factory=list)  # logged, shown in the poll log


class Parser(Protocol):
    def __call__(self, body: bytes, headers: Mapping[str, str], url: str) -> ParseResult: ...
