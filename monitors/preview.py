"""Fetch a URL now and show what would be extracted, without saving anything.

Used by the "Test this source" step of the source form and by `manage.py fetch_preview`.
"""

from __future__ import annotations

from dataclasses import dataclass

from monitors.ingest import classify_mention, owner_rules
from monitors.netguard import validate_source_url
from monitors.parsers.base import ParseResult, ReviewRecord
from monitors.polling import address_policy, check_robots, fetch_url, parse_body
from monitors.storable import storable


@dataclass
class PreviewItem:
    record: ReviewRecord
    label: str
    reason: str

    def as_json(self) -> dict:
        r = self.record
        return {
            "external_id": r.external_id,
            "url": r.url,
            "author": r.author,
            "title": r.title,
            "text": r.text,
            "rating": None if r.rating is None else float(r.rating),
            "published_at": r.published_at.isoformat() if r.published_at else None,
            "label": self.label,
            "reason": self.reason,
        }


@dataclass
class Preview:
    items: list[PreviewItem]
    parsed: ParseResult


def preview(url: str, kind: str) -> Preview:
    """Raises UnsafeURL, RobotsDisallowed, FetchError or ParseError with a message for a person."""
    url = validate_source_url(url, allow_private=address_policy())
    if kind == "review_page":
        check_robots(url)
    parsed = parse_body(kind, fetch_url(url))
    rules = owner_rules()
    items = []
    for record in map(storable, parsed.records):  # as ingest would store it
        verdict = classify_mention(record.title, record.text, record.rating, rules)
        items.append(PreviewItem(record, verdict.label, verdict.reason))
    return Preview(items, parsed)
