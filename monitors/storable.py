"""What may be stored and shown from the outside world, decided once for every mention.

PostgreSQL refuses NUL characters and lone UTF-16 surrogates (which JSON's "\\ud800" escapes
produce): one such character would fail the insert of a whole document, so they are removed.
A mention's link is kept only when it is a plain http(s) address; anything else (javascript:,
data:, a URL with credentials) is stored as no link at all.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING

from requests.utils import requote_uri

from monitors.netguard import UnsafeURL, check_url_shape

if TYPE_CHECKING:  # the models import this module: the parsers' libraries load only when used
    from monitors.parsers.base import ReviewRecord

MAX_URL_CHARS = 2000  # the Mention.url column
MAX_AUTHOR_CHARS = 300  # the Mention.author column
MAX_TITLE_CHARS = 1000  # the Mention.title column
_REFUSED_BY_DATABASE = re.compile("[\x00\ud800-\udfff]")


def storable_text(value: str) -> str:
    """The text without the characters PostgreSQL refuses (NUL, lone surrogates)."""
    return _REFUSED_BY_DATABASE.sub("", value)


def web_link(url: str) -> str:
    """The address if it is a plain http(s) link that fits the column, else "".

    Spaces and other characters a URL may not hold raw are percent-encoded first, as a browser
    would, so an untidy but real link is kept.
    """
    try:
        url = requote_uri(url.strip())
        check_url_shape(url)
    except (UnsafeURL, ValueError):
        return ""
    return url if len(url) <= MAX_URL_CHARS else ""


def storable(record: ReviewRecord) -> ReviewRecord:
    """The record as it may be stored: clean text, fields within their columns, a web link."""
    return replace(
        record,
        external_id=storable_text(record.external_id),
        url=web_link(storable_text(record.url)),
        author=storable_text(record.author)[:MAX_AUTHOR_CHARS],
        title=storable_text(record.title)[:MAX_TITLE_CHARS],
        text=storable_text(record.text),
        html=storable_text(record.html),
    )
