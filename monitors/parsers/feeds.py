"""Parse RSS, Atom and JSON Feed documents (including Google Alerts) into review records.

Plain, well-formed RSS 2.0 and Atom 1.0 are read with the standard library's XML parser
(monitors.parsers.plain_xml_feeds), the rest by feedparser. feedparser only ever sees the
fetched bytes wrapped in a stream, never a string it could treat as a URL or a file name, and
its own sanitiser and URI resolver are off: nh3 in monitors.sanitize does the sanitising, with
the feed URL as the base for relative links.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs, urljoin, urlsplit

import feedparser

from monitors.parsers.base import ParseError, ParseResult, ReviewRecord
from monitors.parsers.feed_entry import FeedEntry, from_struct_time
from monitors.parsers.limits import ENTRY_ERRORS, MAX_ENTRIES, clip, load_json
from monitors.parsers.plain_xml_feeds import read_plain_xml_feed
from monitors.sanitize import html_to_text, sanitize_html, text_to_html

JSON_FEED_VERSION_PREFIX = "https://jsonfeed.org/version/"
BOZO_WARNING_PREFIX = "feed is not well-formed: "
NOT_A_FEED = "This address answered with something that is not a feed"
EMPTY_DOCUMENT = "This address answered with an empty document, not a feed."
_WEB_SCHEMES = ("http", "https")
_PLAIN_TEXT_TYPES = ("text/plain", "text")


def parse_feed(body: bytes, headers: Mapping[str, str], url: str) -> ParseResult:
    """Parse a fetched feed; raise ParseError when the body holds no feed at all."""
    content_type = _header(headers, "content-type").lower()
    warnings: list[str] = []
    if _looks_like_json(body, content_type):
        entries = _read_json_feed(body, warnings)
    else:
        entries = _read_xml_feed(body, headers, warnings)
    records, skipped = _to_records(entries, url, warnings)
    if skipped:
        warnings.append(f"entries skipped for having no id, link, title or text: {skipped}")
    return ParseResult(records=records, warnings=warnings)


def unwrap_google_redirect(link: str) -> str:
    """Return the article URL behind a Google redirect (https://www.google.com/url?...&url=X)."""
    try:
        parts = urlsplit(link)
        host = (parts.hostname or "").removeprefix("www.")
    except ValueError:  # e.g. a broken IPv6 literal
        return link
    if not host.startswith("google.") or parts.path != "/url":
        return link
    query = parse_qs(parts.query)
    for name in ("url", "q"):
        target = (query.get(name) or [""])[0]
        if _is_web_url(target):
            return target
    return link


def _header(headers: Mapping[str, str], name: str) -> str:
    for key, value in headers.items():
        if key.lower() == name:
            return value
    return ""


def _looks_like_html(body: bytes) -> bool:
    start = body[:2048].lower()
    return b"<html" in start or b"<!doctype html" in start or b"<body" in start


def _looks_like_json(body: bytes, content_type: str) -> bool:
    start = body.removeprefix(b"\xef\xbb\xbf").lstrip()[:1]
    return start == b"{" or ("json" in content_type and start != b"<")


# --- XML feeds: plain RSS 2.0 and Atom 1.0 read directly (monitors.parsers.plain_xml_feeds),
# the rest (RSS 0.9x/1.0, Atom 0.3, anything unusual or broken) by feedparser --------------


def _capped(items: list[Any], warnings: list[str]) -> list[Any]:
    if len(items) > MAX_ENTRIES:
        warnings.append(
            f"the feed has {len(items):,} entries; only the first {MAX_ENTRIES} were read"
        )
    return items[:MAX_ENTRIES]


def _converted(
    items: list[Any], convert: Callable[[Any], FeedEntry], warnings: list[str]
) -> list[FeedEntry]:
    """Each item read on its own: one malformed entry is skipped with a warning."""
    entries = []
    for number, item in enumerate(items, start=1):
        try:
            entries.append(convert(item))
        except ENTRY_ERRORS as error:
            warnings.append(f"skipped entry {number}: {type(error).__name__}: {error}")
    return entries


def _read_xml_feed(body: bytes, headers: Mapping[str, str], warnings: list[str]) -> list[FeedEntry]:
    plain = read_plain_xml_feed(body, headers)
    if plain is not None:
        return _capped(plain, warnings)
    return read_with_feedparser(body, headers, warnings)


def read_with_feedparser(
    body: bytes, headers: Mapping[str, str], warnings: list[str]
) -> list[FeedEntry]:
    try:
        parsed = feedparser.parse(
            io.BytesIO(body),
            response_headers={key.lower(): value for key, value in headers.items()},
            sanitize_html=False,
            resolve_relative_uris=False,
        )
    except Exception as error:  # a third-party parser fed untrusted bytes: never crash a poll
        raise ParseError(f"feed parser failed: {error!r}") from error
    problem = str(parsed.get("bozo_exception", "")) if parsed.get("bozo") else ""
    if not parsed.get("version") and not parsed.entries:
        if not body.strip():
            raise ParseError(EMPTY_DOCUMENT)
        guess = " (an HTML page?)" if _looks_like_html(body) else "."
        detail = f"not an RSS, Atom or JSON feed: {problem or 'no feed elements'}"
        raise ParseError(NOT_A_FEED + guess, detail=detail)
    if problem:
        warnings.append(BOZO_WARNING_PREFIX + problem)
    feed_author = _feedparser_author(parsed.feed)
    items = _capped(parsed.entries, warnings)
    return _converted(items, lambda entry: _from_feedparser_entry(entry, feed_author), warnings)


def _from_feedparser_entry(entry: Mapping[str, Any], feed_author: str) -> FeedEntry:
    body, body_type = _feedparser_body(entry)
    return FeedEntry(
        entry_id=str(entry.get("id") or "").strip(),
        link=str(entry.get("link") or ""),
        author=_feedparser_author(entry) or feed_author,
        title=str(entry.get("title") or ""),
        body=body,
        body_is_plain_text=body_type in _PLAIN_TEXT_TYPES,
        published_at=from_struct_time(entry.get("published_parsed"))
        or from_struct_time(entry.get("updated_parsed")),
    )


def _feedparser_body(entry: Mapping[str, Any]) -> tuple[str, str]:
    """Return (value, MIME type) of the richest content, falling back to the summary."""
    contents = [item for item in entry.get("content") or [] if item.get("value")]
    if contents:
        html_first = sorted(contents, key=lambda item: item.get("type") in _PLAIN_TEXT_TYPES)
        return str(html_first[0]["value"]), str(html_first[0].get("type") or "")
    detail = entry.get("summary_detail") or {}
    return str(entry.get("summary") or ""), str(detail.get("type") or "")


def _feedparser_author(node: Mapping[str, Any]) -> str:
    detail = node.get("author_detail") or {}
    return html_to_text(clip(str(detail.get("name") or node.get("author") or "")))


# --- JSON Feed 1.0 / 1.1 ------------------------------------------------------------------


def _read_json_feed(body: bytes, warnings: list[str]) -> list[FeedEntry]:
    try:
        document = load_json(body)
    except ValueError as error:
        raise ParseError(f"not a JSON Feed: invalid JSON ({error})") from error
    if not isinstance(document, dict) or not str(document.get("version", "")).startswith(
        JSON_FEED_VERSION_PREFIX
    ):
        raise ParseError(f"not a JSON Feed: no version starting with {JSON_FEED_VERSION_PREFIX}")
    items = document.get("items")
    if not isinstance(items, list):
        raise ParseError("not a JSON Feed: 'items' is missing or not a list")
    feed_author = _json_feed_author(document)
    items = _capped([item for item in items if isinstance(item, dict)], warnings)
    return _converted(items, lambda item: _from_json_feed_item(item, feed_author), warnings)


def _from_json_feed_item(item: Mapping[str, Any], feed_author: str) -> FeedEntry:
    html_body = _json_string(item.get("content_html"))
    text_body = _json_string(item.get("content_text"))
    summary = _json_string(item.get("summary"))
    body, is_plain = (html_body, False) if html_body else (text_body or summary, True)
    return FeedEntry(
        entry_id=_json_string(item.get("id")).strip(),
        link=_json_string(item.get("url")) or _json_string(item.get("external_url")),
        author=_json_feed_author(item) or feed_author,
        title=_json_string(item.get("title")),
        body=body,
        body_is_plain_text=is_plain,
        published_at=_from_rfc3339(item.get("date_published"))
        or _from_rfc3339(item.get("date_modified")),
    )


def _json_feed_author(node: Mapping[str, Any]) -> str:
    """Version 1.1 has an 'authors' list, 1.0 a single 'author' object."""
    authors = node.get("authors")
    candidates = authors if isinstance(authors, list) else [node.get("author")]
    names = [_json_string(author.get("name")) for author in candidates if isinstance(author, dict)]
    return ", ".join(name for name in names if name)


def _json_string(value: Any) -> str:
    """JSON Feed values should be strings; ids are sometimes numbers; anything else is junk."""
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return ""


def _from_rfc3339(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value.strip())
        return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC)
    except (ValueError, OverflowError):  # OverflowError: year 9999 with a negative offset
        return None


# --- records ------------------------------------------------------------------------------


def _to_records(
    entries: list[FeedEntry], feed_url: str, warnings: list[str]
) -> tuple[list[ReviewRecord], int]:
    """Build records with feed-unique external ids; return them and the count of empty entries.

    Raw fields are clipped to MAX_FIELD_CHARS first, so a 10 MB title costs no more than a long
    one; an entry that still fails is skipped with a warning.
    """
    records: list[ReviewRecord] = []
    used_ids: set[str] = set()
    skipped = 0
    for position, entry in enumerate(entries):
        try:
            record = _to_record(entry, feed_url)
        except ENTRY_ERRORS as error:
            warnings.append(f"skipped entry {position + 1}: {type(error).__name__}: {error}")
            continue
        if record is None:
            skipped += 1
            continue
        record.external_id = _unique_id(
            record.external_id, record.url, record.title, record.text, position, used_ids
        )
        used_ids.add(record.external_id)
        records.append(record)
    return records, skipped


def _to_record(entry: FeedEntry, feed_url: str) -> ReviewRecord | None:
    """The entry as a record (its own id or ""), or None when it has nothing to show."""
    link = _absolute_web_url(unwrap_google_redirect(clip(entry.link)), feed_url)
    title = html_to_text(clip(entry.title))
    body = clip(entry.body)
    if entry.body_is_plain_text:
        text, html = " ".join(body.split()), text_to_html(body)
    else:
        text, html = html_to_text(body), sanitize_html(body, base_url=link or feed_url)
    if not (entry.entry_id or link or title or text):
        return None
    return ReviewRecord(
        external_id=clip(entry.entry_id),
        url=link,
        author=entry.author,
        title=title,
        text=text,
        html=html,
        published_at=entry.published_at,
    )


def _absolute_web_url(link: str, feed_url: str) -> str:
    """Resolve a relative link against the feed URL; keep only http(s) links."""
    try:
        absolute = urljoin(feed_url, link.strip()) if link.strip() else ""
    except ValueError:
        return ""
    return absolute if _is_web_url(absolute) else ""


def _is_web_url(candidate: str) -> bool:
    try:
        parts = urlsplit(candidate)
        return parts.scheme in _WEB_SCHEMES and bool(parts.hostname)
    except ValueError:
        return False


def _unique_id(
    entry_id: str, link: str, title: str, text: str, position: int, used_ids: set[str]
) -> str:
    """The entry id, else the link, else a content hash; repeats get "#link", then "#index"."""
    candidate = entry_id or link
    if not candidate:
        digest = hashlib.sha256(f"{title}\n{text}".encode()).hexdigest()
        candidate = f"sha256:{digest}"
    if candidate in used_ids and link and link != candidate:
        candidate = f"{candidate}#{link}"
    repeated, index = candidate, position
    while candidate in used_ids:
        candidate, index = f"{repeated}#{index}", index + 1
    return candidate
