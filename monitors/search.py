"""Full-text search over mentions, using the GIN index of migration 0002 on PostgreSQL."""

from __future__ import annotations

from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db import connection
from django.db.models import Q, QuerySet


def search_mentions(queryset: QuerySet, query: str, prefix: str = "") -> QuerySet:
    """Filter a queryset of Mention (or of a model whose FK path to it is `prefix`, such as
    "mention__") by words.

    On PostgreSQL: web-search syntax ("quoted phrase", -exclude, or), matched against the same
    expression the GIN index holds. On SQLite: every word must appear in title or text.
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
    for word in query.split():
        condition &= Q(**{f"{prefix}title__icontains": word}) | Q(
            **{f"{prefix}text__icontains": word}
        )
    return queryset.filter(condition)
