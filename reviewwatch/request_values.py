"""Reading raw request values that should be numbers, without a 500 on what a person can type."""

from __future__ import annotations

# Ids and versions are PostgreSQL bigints; a longer string of digits cannot name a row.
MAX_DIGITS = 18


def whole_number(text: str) -> int | None:
    """The number written in plain ASCII digits, else None. "²" passes str.isdigit() but not
    int(), and a number too big for a bigint column would make the query fail."""
    if not (text.isascii() and text.isdigit()) or len(text) > MAX_DIGITS:
        return None
    return int(text)
