"""The Mentions list: every mention, newest first, under the inbox filters that apply to a
mention (and its label), in pages that continue before the last id shown.

Dates are days in the reader's time zone (the middleware has activated it), as the list shows
them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import QuerySet
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
    if filters.since:
        found = found.filter(first_seen_at__gte=_start_of(filters.since))
    if filters.until and filters.until < date.max:  # every day is on or before the last
        found = found.filter(first_seen_at__lt=_start_of(filters.until + timedelta(days=1)))
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
