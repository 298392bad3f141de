"""Full-text search over mentions, using the GIN index of migration 0002 on PostgreSQL."""

from __future__ import annotations

import re

from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db import connection
from django.db.models import Q, QuerySet


def search_mentions(queryset: QuerySet, query: str, prefix: str = "") -> QuerySet:
    """Filter a queryset of Mention (or of a model whose FK path to it is `prefix`, such as
    "mention__") by words.

    On PostgreSQL: web-search syntax ("quoted phrase", -exclude, or), matched against the same
    expression the GIN index holds. On SQLite (trying it out): every word and "quoted phrase"
    must appear in title or text, and none marked -exclude.
    """
    query = query.strip()
    if not query:
        return queryset
    if connection.vendor == "postgresql":
        vector = SearchVector(f"{prefix}title", f"{prefix}text", config="english")
        return queryset.annotate(_search=vector).filter(
            _search=SearchQuery(query, search_type="websearch", config="english")
        )
    condition = Q()
    for exclude, phrase, word in _TERM.findall(query):
        term = " ".join(phrase.split()) or word
        if not term:
            continue
        found = Q(**{f"{prefix}title__icontains": term}) | Q(**{f"{prefix}text__icontains": term})
        condition &= ~found if exclude else found
    return queryset.filter(condition)


# A term of the web-search syntax: optional "-", then a "quoted phrase" or a word.
_TERM = re.compile(r'(-?)(?:"([^"]*)"?|([^\s"]+))')
