"""Reviews and the aggregate rating marked up with schema.org on an ordinary web page.

JSON-LD is read here, block by block, through jsonld_repair: extruct's own JSON-LD extractor
raises on the first broken block and so would lose every other block of the page. Microdata and
RDFa come from extruct, one syntax per call so that a failure in one becomes a warning and the
other is still read. All three are brought to one compact shape (schema.org short names,
references by @id resolved through one index) before reviews are looked for.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urljoin

import extruct
import lxml.html

from monitors.parsers.base import AggregateRatingRecord, ParseResult, ReviewRecord
from monitors.parsers.html_document import parse_html_document
from monitors.parsers.jsonld_repair import JsonLdRepairError, load_jsonld
from monitors.parsers.limits import (
    ENTRY_ERRORS,
    MAX_ENTRIES,
    TooDeep,
    check_depth,
    clip,
    parse_count,
    parse_decimal,
)
from monitors.sanitize import html_to_text, sanitize_html, text_to_html

# Review and its schema.org subtypes (Recommendation is what "best of" guides use).
REVIEW_TYPES = frozenset(
    {
        "Review",
        "UserReview",
        "CriticReview",
        "EmployerReview",
        "ClaimReview",
        "MediaReview",
        "Recommendation",
    }
)
AGGREGATE_TYPES = frozenset({"AggregateRating", "EmployerAggregateRating"})
# Objects under these properties count as reviews / aggregate ratings even without @type.
REVIEW_PROPERTIES = ("review", "reviews")
AGGREGATE_PROPERTIES = ("aggregateRating",)
EXTRUCT_SYNTAXES = ("microdata", "rdfa")
FIVE = Decimal(5)  # default bestRating, and the top of our scale
DEFAULT_WORST = Decimal(1)
TWO_PLACES = Decimal("0.01")
TEXT_PREFIX_FOR_ID = 200

_SCHEMA_PREFIX = re.compile(r"^(?:https?://(?:www\.)?schema\.org/|schema:)")
_LOOKS_LIKE_HTML = re.compile(r"<[a-zA-Z/!]|&(?:#\d+|#x[0-9a-fA-F]+|[a-zA-Z]+);")
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
_WHITESPACE = re.compile(r"\s+")

Node = dict[str, Any]


def parse_review_page(body: bytes, headers: Mapping[str, str], url: str) -> ParseResult:
    """Schema.org reviews and AggregateRating of an HTML page; an unmarked page is an empty result.

    Raises ParseError only when the body cannot be decoded or parsed as a document at all.
    """
    result = ParseResult()
    tree = parse_html_document(body, headers)
    items = _jsonld_items(tree, result.warnings) + _extruct_items(tree, url, result.warnings)
    items = [_compact(item) for item in items]
    index = _index_by_id(items)
    seen_ids: set[str] = set()
    for number, node in enumerate(_find(items, index, REVIEW_TYPES, REVIEW_PROPERTIES), start=1):
        if number > MAX_ENTRIES:
            result.warnings.append(f"only the first {MAX_ENTRIES} reviews of the page were read")
            break
        try:
            record = _review_record(node, index, url, result.warnings)
        except ENTRY_ERRORS as error:
            result.warnings.append(f"skipped review {number}: {type(error).__name__}: {error}")
            continue
        if record.external_id not in seen_ids:  # the same review marked up in two syntaxes
            seen_ids.add(record.external_id)
            result.records.append(record)
    for node in _find(items, index, AGGREGATE_TYPES, AGGREGATE_PROPERTIES):
        try:
            result.aggregate = _aggregate_record(node, result.warnings)
        except ENTRY_ERRORS as error:
            result.warnings.append(f"skipped a rating summary: {type(error).__name__}: {error}")
        if result.aggregate is not None:
            break
    return result


# --- reading the document -------------------------------------------------------------------


def _jsonld_items(tree: lxml.html.HtmlElement, warnings: list[str]) -> list[Any]:
    items: list[Any] = []
    scripts = (
        script
        for script in tree.iter("script")
        if (script.get("type") or "").split(";")[0].strip().lower() == "application/ld+json"
    )
    for number, script in enumerate(scripts, start=1):
        block = script.text or ""
        if not block.strip():
            continue
        try:
            data = load_jsonld(block)
        except JsonLdRepairError as error:
            warnings.append(f"skipped JSON-LD block {number}: {error}")
            continue
        items.extend(data if isinstance(data, list) else [data])
    return items


def _extruct_items(tree: lxml.html.HtmlElement, url: str, warnings: list[str]) -> list[Any]:
    items: list[Any] = []
    for syntax in EXTRUCT_SYNTAXES:
        try:
            extracted = extruct.extract(
                tree, base_url=url or None, syntaxes=[syntax], uniform=True, errors="strict"
            )
        except Exception as error:  # extruct and pyRdfa raise many kinds on odd markup
            warnings.append(f"skipped {syntax}: {type(error).__name__}: {error}")
            continue
        try:
            check_depth(extracted.get(syntax, []))
        except TooDeep as error:
            warnings.append(f"skipped {syntax}: {error}")
            continue
        items.extend(extracted.get(syntax, []))
    return items


# --- one shape for all syntaxes -------------------------------------------------------------


def _local_name(iri: str) -> str:
    return _SCHEMA_PREFIX.sub("", iri)


def _compact(value: Any) -> Any:
    """Short schema.org names for keys and types, whatever the syntax spelled out."""
    if isinstance(value, list):
        return [_compact(item) for item in value]
    if not isinstance(value, dict):
        return value
    compacted: Node = {}
    for key, item in value.items():
        if key == "@type":
            types = item if isinstance(item, list) else [item]
            compacted[key] = [_local_name(t) for t in types if isinstance(t, str)]
        else:
            compacted[_local_name(key)] = _compact(item)
    return compacted


def _walk(value: Any) -> Iterator[Node]:
    if isinstance(value, list):
        for item in value:
            yield from _walk(item)
    elif isinstance(value, dict):
        yield value
        for item in value.values():
            yield from _walk(item)


def _index_by_id(items: list[Any]) -> dict[str, Node]:
    index: dict[str, Node] = {}
    for node in _walk(items):
        node_id = node.get("@id")
        if isinstance(node_id, str) and set(node) - {"@id", "@context"}:
            index.setdefault(node_id, node)
    return index


def _resolve(value: Any, index: Mapping[str, Node]) -> Any:
    if isinstance(value, dict) and set(value) <= {"@id"} and isinstance(value.get("@id"), str):
        return index.get(value["@id"], value)
    return value


def _find(
    items: list[Any], index: Mapping[str, Node], types: frozenset[str], properties: tuple[str, ...]
) -> Iterator[Node]:
    """Nodes of one of `types`, or untyped under one of `properties`; each once, as extracted."""
    visited: set[int] = set()
    stack: list[tuple[Any, bool]] = [(item, False) for item in reversed(items)]
    while stack:
        value, under_property = stack.pop()
        value = _resolve(value, index)
        if isinstance(value, list):
            stack.extend((item, under_property) for item in reversed(value))
            continue
        if not isinstance(value, dict) or id(value) in visited:
            continue
        visited.add(id(value))
        node_types = set(value.get("@type", []))
        if node_types & types or (under_property and not node_types):
            yield value
        children = [(item, key in properties) for key, item in value.items()]
        stack.extend(reversed(children))


# --- reading values -------------------------------------------------------------------------


def _first(value: Any) -> Any:
    if isinstance(value, list):
        return next((item for item in value if item not in (None, "")), None)
    return value


def _literal(value: Any) -> str:
    value = _first(value)
    if isinstance(value, dict):
        value = value.get("@value")
    if isinstance(value, bool) or value is None or isinstance(value, dict | list):
        return ""
    return str(value).strip()


def _name(value: Any, index: Mapping[str, Node]) -> str:
    """A person's or organisation's name, given as text, an object, a reference or a list."""
    names = []
    for item in value if isinstance(value, list) else [value]:
        item = _resolve(item, index)
        is_object = isinstance(item, dict) and "@value" not in item
        name = _literal(item.get("name")) if is_object else _literal(item)
        if name:
            names.append(name)
    return ", ".join(names)


def _url(value: Any, base_url: str) -> str:
    value = _first(value)
    iri = _literal(value.get("@id")) if isinstance(value, dict) else _literal(value)
    if not iri or iri.startswith("_:"):  # blank nodes are not addresses and change every parse
        return ""
    return urljoin(base_url, iri)


def _number_text(value: Any) -> str:
    return _literal(value).replace("\u00a0", "").replace(" ", "")


def _decimal(value: Any) -> Decimal | None:
    text = _number_text(value)
    if text.count(",") == 1 and "." not in text:
        text = text.replace(",", ".")
    return parse_decimal(text)


def _count(value: Any) -> int | None:
    return parse_count(_number_text(value).replace(",", ""))


def normalise_rating(value: Decimal, best: Decimal, worst: Decimal) -> Decimal | None:
    """A rating on [worst, best] as 0..5, or None when it lies outside its scale.

    Scales with worst >= 0 are read as fractions of best, so 1 of 5 stays 1 and 8 of 10 is 4.0;
    scales reaching below zero are mapped linearly onto 0..5.
    """
    if not worst <= value <= best or best <= 0 or best == worst:
        return None
    scaled = value * FIVE / best if worst >= 0 else (value - worst) * FIVE / (best - worst)
    return scaled.quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def _rating(node: Any, index: Mapping[str, Node], warnings: list[str]) -> Decimal | None:
    """A Rating object, or a bare value standing for ratingValue on the default 1..5 scale."""
    node = _resolve(_first(node), index)
    fields = node if isinstance(node, dict) and "@value" not in node else {"ratingValue": node}
    value = _decimal(fields.get("ratingValue"))
    if value is None:
        return None
    best = _decimal(fields.get("bestRating")) or FIVE
    worst = _decimal(fields.get("worstRating"))
    worst = DEFAULT_WORST if worst is None else worst
    rating = normalise_rating(value, best, worst)
    if rating is None:
        warnings.append(f"ignored rating {value} outside its scale {worst}..{best}")
    return rating


def _to_utc_datetime(value: str) -> datetime | None:
    """ISO 8601 (date-only means midnight) or RFC 822; naive times are taken as UTC."""
    value = value.strip()
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        try:
            moment = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
    try:
        return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC)
    except OverflowError:  # year 9999 with a negative offset, or year 1 with a positive one
        return None


def _text_and_html(value: str, base_url: str) -> tuple[str, str]:
    if _LOOKS_LIKE_HTML.search(value):
        return html_to_text(value), sanitize_html(value, base_url)
    paragraphs = (_WHITESPACE.sub(" ", part).strip() for part in _PARAGRAPH_BREAK.split(value))
    text = "\n\n".join(part for part in paragraphs if part)
    return text, text_to_html(text) if text else ""


# --- records --------------------------------------------------------------------------------


def _review_record(
    node: Node, index: Mapping[str, Node], page_url: str, warnings: list[str]
) -> ReviewRecord:
    body = clip(_literal(node.get("reviewBody")) or _literal(node.get("description")))
    text, html = _text_and_html(body, page_url)
    author = clip(_name(node.get("author"), index))
    title = clip(_literal(node.get("name")) or _literal(node.get("headline")))
    published_at = _to_utc_datetime(_literal(node.get("datePublished")))
    own_url = _url(node.get("url"), page_url) or _url(node.get("@id"), page_url)
    return ReviewRecord(
        external_id=own_url or _stable_id(author, published_at, title, text),
        url=own_url or page_url,
        author=author,
        title=title,
        text=text,
        html=html,
        rating=_rating(node.get("reviewRating"), index, warnings),
        published_at=published_at,
    )


def _stable_id(author: str, published_at: datetime | None, title: str, text: str) -> str:
    """Same review, same id: built from normalised fields, so every syntax gives the same id."""
    date = published_at.isoformat() if published_at else ""
    key = "\x1f".join((author, date, title, text[:TEXT_PREFIX_FOR_ID]))
    return "sha256:" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]


def _aggregate_record(node: Node, warnings: list[str]) -> AggregateRatingRecord | None:
    rating = _rating(node, {}, warnings)
    if rating is None:
        return None
    count = _count(node.get("reviewCount"))
    return AggregateRatingRecord(
        rating=rating, count=count if count is not None else _count(node.get("ratingCount"))
    )
