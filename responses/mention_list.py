"""The Mentions list: every mention, newest first, under the inbox filters that apply to a
mention (and its label), in pages that continue before the last id shown.

Dates are days in the reader's time zone (the middleware has activated it), as the list shows
them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from monitors.models import Mention
from monitors.search import search_mentions

MENTIONS_PAGE = 50


@dataclass(frozen=True)
class MentionFilters:
    source_id: int | None = None
    subject: str = ""
    max_rating: str = ""  # "", "none" or "1".."4": at most that many stars
    label: str = ""
    since: date | None = None
    until: date | None = None
    q: str = ""


@dataclass(frozen=True)
class MentionPage:
    mentions: list[Mention]
    next_before: int | None  # the id the next page continues before, if there is one


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())


def seen_between(field: str, since: date | None, until: date | None) -> Q:
    """`field` on the days from `since` to `until`, both included, as the reader's calendar
    has them (the inbox and the Mentions list mean the same days)."""
    days = Q()
    if since:
        days &= Q(**{f"{field}__gte": _start_of(since)})
    if until and until < date.max:  # every day is on or before the last
        days &= Q(**{f"{field}__lt": _start_of(until + timedelta(days=1))})
    return days


def filtered_mentions(filters: MentionFilters) -> QuerySet:
    found = Mention.objects.all()
    if filters.source_id:
        found = found.filter(source_id=filters.source_id)
    if filters.subject:
        found = found.filter(subject=filters.subject)
    if filters.max_rating == "none":
        found = found.filter(rating__isnull=True)
    elif filters.max_rating:
        found = found.filter(rating__lte=int(filters.max_rating))
    if filters.label:
        found = found.filter(label=filters.label)
    found = found.filter(seen_between("first_seen_at", filters.since, filters.until))
    return search_mentions(found, filters.q)


def mention_page(filters: MentionFilters, before: int | None = None) -> MentionPage:
    """One page, newest first: one query whatever the page or the filters."""
    found = (
        filtered_mentions(filters).select_related("source", "case").defer("html").order_by("-id")
    )
    if before is not None:
        found = found.filter(id__lt=before)
    rows = list(found[: MENTIONS_PAGE + 1])
    more = rows[MENTIONS_PAGE - 1].pk if len(rows) > MENTIONS_PAGE else None
    return MentionPage(rows[:MENTIONS_PAGE], more)
