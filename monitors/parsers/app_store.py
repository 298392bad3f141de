"""Apple's App Store customer-reviews feed, in its JSON and its Atom (XML) layout.

The feed is https://itunes.apple.com/{country}/rss/customerreviews/id={app}/sortBy=mostRecent/
{json|xml}. Its first page may open with an entry describing the app itself; only entries with
an im:rating are reviews.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qs, urlsplit

import feedparser

from monitors.parsers.base import ParseError, ParseResult, ReviewRecord
from monitors.parsers.limits import ENTRY_ERRORS, MAX_ENTRIES, clip, load_json, parse_decimal
from monitors.sanitize import html_to_text, sanitize_html, text_to_html

FEED_URL = (
    "https://itunes.apple.com/{country}/rss/customerreviews/id={app_id}/sortBy=mostRecent/{fmt}"
)
FEED_FORMATS = ("json", "xml")
APP_STORE_HOSTS = frozenset({"apps.apple.com", "itunes.apple.com"})
LOWEST_STARS, HIGHEST_STARS = Decimal(1), Decimal(5)

_BARE_APP_ID = re.compile(r"(?:id)?(\d+)", re.IGNORECASE | re.ASCII)
_APP_ID_IN_PATH = re.compile(r"/id(\d+)(?:/|$)", re.IGNORECASE | re.ASCII)
_COUNTRY = re.compile(r"[a-z]{2}")


def app_store_feed_url(app: str, country: str = "us", fmt: str = "json") -> str:
    """The customer-reviews feed of an app given as App Store URL, "id123" or "123".

    Raises ValueError naming what is wrong with `app`, `country` or `fmt`.
    """
    country_code = country.strip().lower()
    if not _COUNTRY.fullmatch(country_code):
        raise ValueError(f"country must be a two-letter code such as 'us', not {country!r}")
    if fmt not in FEED_FORMATS:
        raise ValueError(f"fmt must be 'json' or 'xml', not {fmt!r}")
    return FEED_URL.format(country=country_code, app_id=_app_id(app), fmt=fmt)


def _app_id(app: str) -> str:
    text = app.strip()
    bare = _BARE_APP_ID.fullmatch(text)
    if bare:
        return bare.group(1)
    parts = urlsplit(text)
    if parts.scheme in ("http", "https") and (parts.hostname or "") in APP_STORE_HOSTS:
        in_path = _APP_ID_IN_PATH.search(parts.path)
        if in_path:
            return in_path.group(1)
        in_query = parse_qs(parts.query).get("id", [""])[0]
        if in_query.isascii() and in_query.isdigit():  # "²" passes isdigit() alone
            return in_query
    raise ValueError(
        "app must be an App Store link like https://apps.apple.com/us/app/name/id1321994487, "
        f"or its numeric id, not {app!r}"
    )


def parse_app_store(body: bytes, headers: Mapping[str, str], url: str) -> ParseResult:
    """Reviews of an App Store customer-reviews feed, JSON or Atom; ratings are 1..5 stars.

    Raises ParseError when the body is neither layout of that feed.
    """
    content_type = next((v for k, v in headers.items() if k.lower() == "content-type"), "")
    if "json" in content_type.lower() or body.lstrip()[:1] in (b"{", b"["):
        return _parse_json(body)
    return _parse_atom(body, content_type)


# --- JSON layout: every value is wrapped as {"label": ...} --------------------------------------


def _label(entry: Mapping[str, Any], *path: str) -> str:
    value: Any = entry
    for key in path:
        value = value.get(key) if isinstance(value, Mapping) else None
    label = value.get("label") if isinstance(value, Mapping) else None
    return label.strip() if isinstance(label, str) else ""


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _parse_json(body: bytes) -> ParseResult:
    try:
        document = load_json(body)
    except ValueError as error:  # includes UnicodeDecodeError and too deep nesting
        raise ParseError(f"App Store feed is not valid JSON: {error}") from error
    feed = document.get("feed") if isinstance(document, dict) else None
    if not isinstance(feed, dict):
        raise ParseError("JSON has no 'feed' object: not an App Store customer-reviews feed")
    entries = feed.get("entry", [])
    entries = entries if isinstance(entries, list) else [entries]
    result = ParseResult()
    for number, entry in enumerate(_capped(entries, result), start=1):
        if not isinstance(entry, dict) or not _label(entry, "im:rating"):
            continue  # the app's own metadata entry
        try:
            _append_json_review(result, entry)
        except ENTRY_ERRORS as error:
            result.warnings.append(f"skipped entry {number}: {type(error).__name__}: {error}")
    return result


def _append_json_review(result: ParseResult, entry: Mapping[str, Any]) -> None:
    content_type = _mapping(_mapping(entry.get("content")).get("attributes")).get("type")
    link = entry.get("link")
    link = link[0] if isinstance(link, list) and link else link
    href = _mapping(_mapping(link).get("attributes")).get("href")
    _append_review(
        result,
        review_id=_label(entry, "id"),
        rating=_label(entry, "im:rating"),
        author=_label(entry, "author", "name"),
        title=_label(entry, "title"),
        content=_label(entry, "content"),
        content_is_html=content_type == "html",
        updated=_label(entry, "updated"),
        link=href if isinstance(href, str) else "",
    )


def _capped(entries: list[Any], result: ParseResult) -> list[Any]:
    if len(entries) > MAX_ENTRIES:
        result.warnings.append(
            f"the feed has {len(entries):,} entries; only the first {MAX_ENTRIES} were read"
        )
    return entries[:MAX_ENTRIES]


# --- Atom layout --------------------------------------------------------------------------------


def _parse_atom(body: bytes, content_type: str) -> ParseResult:
    """feedparser gets a stream: given bytes or a string it may open them as a file or a URL."""
    headers = {"content-type": content_type} if content_type else {}
    try:
        feed = feedparser.parse(
            io.BytesIO(body),
            response_headers=headers,
            sanitize_html=False,  # monitors.sanitize does it
            resolve_relative_uris=False,
        )
    except Exception as error:  # a third-party parser fed untrusted bytes: never crash a poll
        raise ParseError(f"feed parser failed: {error!r}") from error
    if not feed.entries and not feed.feed.get("title"):
        reason = feed.get("bozo_exception", "no feed elements")
        raise ParseError(f"not an App Store customer-reviews feed: {reason}")
    result = ParseResult()
    # A charset header contradicting the XML declaration is resolved by feedparser, not an error.
    if feed.bozo and not isinstance(feed.bozo_exception, feedparser.CharacterEncodingOverride):
        result.warnings.append(f"feed is not well-formed XML: {feed.bozo_exception}")
    for number, entry in enumerate(_capped(feed.entries, result), start=1):
        if not entry.get("im_rating"):
            continue  # the app's own metadata entry
        try:
            _append_atom_review(result, entry)
        except ENTRY_ERRORS as error:
            result.warnings.append(f"skipped entry {number}: {type(error).__name__}: {error}")
    return result


def _append_atom_review(result: ParseResult, entry: Mapping[str, Any]) -> None:
    contents = entry.get("content", [])
    plain = next((c for c in contents if c.get("type") == "text/plain"), None)
    chosen = plain or (contents[0] if contents else {"value": "", "type": "text/plain"})
    related = next((link for link in entry.get("links", []) if link.get("rel") == "related"), {})
    _append_review(
        result,
        review_id=entry.get("id", ""),
        rating=entry.get("im_rating", ""),
        author=entry.get("author", ""),
        title=entry.get("title", ""),
        content=chosen.get("value", ""),
        content_is_html=chosen.get("type") != "text/plain",
        updated=entry.get("updated", ""),
        link=related.get("href", ""),
    )


# --- shared -------------------------------------------------------------------------------------


def _append_review(
    result: ParseResult,
    *,
    review_id: str,
    rating: str,
    author: str,
    title: str,
    content: str,
    content_is_html: bool,
    updated: str,
    link: str,
) -> None:
    if not review_id:
        result.warnings.append(f"skipped a review without id (title {title[:40]!r})")
        return
    title, author, content = clip(title), clip(author), clip(content)
    if content_is_html:
        text, html = html_to_text(content), sanitize_html(content)
    else:
        text = content.strip()
        html = text_to_html(text)
    result.records.append(
        ReviewRecord(
            external_id=review_id,
            url=link,
            author=author.strip(),
            title=title.strip(),
            text=text,
            html=html,
            rating=_stars(rating, review_id, result.warnings),
            published_at=_utc(updated),
        )
    )


def _stars(label: str, review_id: str, warnings: list[str]) -> Decimal | None:
    stars = parse_decimal(label)
    if stars is None or not LOWEST_STARS <= stars <= HIGHEST_STARS:
        warnings.append(f"review {review_id}: ignored rating {label[:40]!r}, not 1 to 5 stars")
        return None
    return stars


def _utc(timestamp: str) -> datetime | None:
    """Apple writes ISO 8601 with an offset, e.g. 2021-04-12T05:23:03-07:00."""
    try:
        moment = datetime.fromisoformat(timestamp.strip())
        return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC)
    except (ValueError, OverflowError):  # OverflowError: year 9999 with a negative offset
        return None
