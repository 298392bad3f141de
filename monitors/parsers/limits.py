"""Bounds on the work one fetched document can cause, shared by every parser.

A document is hostile until proven otherwise: a million entries, a 10 MB title, JSON nested
100,000 levels deep or a rating of 1e999999999 must cost a bounded amount of time and give a
warning or one ParseError, never a traceback.
"""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation
from typing import Any

MAX_ENTRIES = 500  # entries read per document; the rest are ignored, with a warning
MAX_FIELD_CHARS = 20_000  # characters of one raw field (title, author, text) that are read
MAX_JSON_DEPTH = 64  # nesting of objects and arrays in one JSON document or JSON-LD block
MAX_COUNT = 2_147_483_647  # the largest review count a database integer column holds
_MAX_NUMBER_CHARS = 40
_LARGEST_EXPONENT = 9  # numbers from 1e-9 to below 1e9; ratings and scales are never beyond
# Errors one malformed entry can raise while being read; the entry is skipped with a warning.
ENTRY_ERRORS = (AttributeError, TypeError, ValueError, ArithmeticError, KeyError, IndexError)


class TooDeep(ValueError):
    """The JSON nests deeper than MAX_JSON_DEPTH."""


def clip(value: str, limit: int = MAX_FIELD_CHARS) -> str:
    return value[:limit]


def load_json(text: str | bytes) -> Any:
    """json.loads, with nesting bounded: raises ValueError (TooDeep for nesting), never
    RecursionError, so callers can report it as an unreadable document."""
    try:
        value = json.loads(text)
    except RecursionError:
        raise TooDeep(f"JSON nested more than {MAX_JSON_DEPTH} levels deep") from None
    check_depth(value)
    return value


def check_depth(value: Any, limit: int = MAX_JSON_DEPTH) -> None:
    """Raise TooDeep when lists and dicts nest deeper than `limit` (iteratively: no recursion)."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > limit:
            raise TooDeep(f"JSON nested more than {limit} levels deep")
        children = node.values() if isinstance(node, dict) else node
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))


def _finite_decimal(text: str) -> Decimal | None:
    text = text.strip()
    if not text or len(text) > _MAX_NUMBER_CHARS:
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def parse_decimal(text: str) -> Decimal | None:
    """A finite number of sensible size (zero, or between 1e-9 and 1e9 either sign), else None.

    Anything else (NaN, infinities, 1e999999999, a thousand digits) is refused before any
    arithmetic could overflow or build a huge integer.
    """
    number = _finite_decimal(text)
    if number is None:
        return None
    if number.is_zero() or -_LARGEST_EXPONENT <= number.adjusted() < _LARGEST_EXPONENT:
        return number
    return None


def parse_count(text: str) -> int | None:
    """A whole count from 0 to MAX_COUNT, else None (compared before any int is built)."""
    number = _finite_decimal(text)
    if number is None or not 0 <= number <= MAX_COUNT:
        return None
    return int(number) if number == number.to_integral_value() else None
