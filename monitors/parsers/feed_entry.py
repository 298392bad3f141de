"""One feed entry's raw values, whichever reader and format they came from."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any


@dataclass
class FeedEntry:
    entry_id: str
    link: str
    author: str
    title: str  # may still contain markup
    body: str  # content, else summary
    body_is_plain_text: bool
    published_at: datetime | None


def from_struct_time(value: Any) -> datetime | None:
    """feedparser normalises dates to UTC struct_time; out-of-range values become None."""
    if not value:
        return None
    try:
        return datetime(*value[:6], tzinfo=UTC)
    except (TypeError, ValueError):
        return None
