"""The inbox query: filters from the URL, most urgent first, keyset pagination, status counts.

Ordering is (responded, due_at, id): cases still waiting for a first answer come first, the
most overdue at the top. Pages continue after a cursor holding the last row's sort key, so
page 500 costs what page 1 costs (the partial index `case_open_queue` covers the ordering).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from django.db.models import BooleanField, Count, QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone

from monitors.search import search_mentions
from responses.breaches import breached
from responses.customers import customer_of_case_q
from responses.mention_list import seen_between
from responses.models import OPEN_STATUSES, Case
from reviewwatch.request_values import whole_number

PAGE_SIZE = 25
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
KEYSET_SQL = (
    '("responses_case"."responded", "responses_case"."due_at", "responses_case"."id") '
    "> (%s, %s, %s)"
)


@dataclass(frozen=True)
class Cursor:
    """The sort key of the last row shown; the next page starts after it."""

    responded: bool
    due_at: datetime
    case_id: int

    def encode(self) -> str:
        micros = (self.due_at - EPOCH) // timedelta(microseconds=1)
        return f"{int(self.responded)}_{micros}_{self.case_id}"

    @classmethod
    def decode(cls, text: str) -> Cursor | None:
        """None (so the first page is shown) for anything encode() could not have written."""
        parts = [whole_number(part) for part in text.split("_")]
        if len(parts) != 3 or None in parts or parts[0] > 1:
            return None
        responded, micros, case_id = parts
        try:
            return cls(bool(responded), EPOCH + timedelta(microseconds=micros), case_id)
        except OverflowError:  # a date past year 9999
            return None

    @classmethod
    def of(cls, case: Case) -> Cursor:
        return cls(case.responded, case.due_at, case.pk)


@dataclass(frozen=True)
class InboxFilters:
    status: str = "open"  # "open", "breached", "all" or one Case.Status
    source_id: int | None = None
    subject: str = ""
    assignee: str = ""  # "", "mine", "unassigned" or a user id
    max_rating: str = ""  # "", "none" or "1".."4": at most that many stars
    tag_id: int | None = None
    since: date | None = None
    until: date | None = None
    q: str = ""
    health: str = ""  # "", or a customer's Health: the author's colour


def filtered_cases(filters: InboxFilters, user, with_status: bool = True) -> QuerySet:
    """Cases matching every filter; `with_status=False` leaves the status out (for counts)."""
    cases = Case.objects.all()
    if with_status and filters.status == "open":
        cases = cases.filter(status__in=OPEN_STATUSES)
    elif with_status and filters.status == "breached":
        cases = cases.filter(breached(timezone.now()))
    elif with_status and filters.status != "all":
        cases = cases.filter(status=filters.status)
    if filters.source_id:
        cases = cases.filter(mention__source_id=filters.source_id)
    if filters.subject:
        cases = cases.filter(mention__subject=filters.subject)
    if filters.assignee == "mine":
        cases = cases.filter(assignee=user)
    elif filters.assignee == "unassigned":
        cases = cases.filter(assignee__isnull=True)
    elif filters.assignee.isdigit():
        cases = cases.filter(assignee_id=int(filters.assignee))
    if filters.max_rating == "none":
        cases = cases.filter(mention__rating__isnull=True)
    elif filters.max_rating:
        cases = cases.filter(mention__rating__lte=int(filters.max_rating))
    if filters.tag_id:
        cases = cases.filter(tags__id=filters.tag_id)
    if filters.health:
        cases = cases.filter(customer_of_case_q(filters.health))
    cases = cases.filter(seen_between("mention__first_seen_at", filters.since, filters.until))
    return search_mentions(cases, filters.q, prefix="mention__")


@dataclass(frozen=True)
class InboxPage:
    cases: list[Case]
    next_cursor: str | None
    counts: dict[str, int]
    breached: int  # open, unanswered and past due, under the other filters


def inbox_page(filters: InboxFilters, user, after: str = "") -> InboxPage:
    """One page of the inbox: three queries (cases, their tags, counts) whatever the size."""
    cases = (
        filtered_cases(filters, user)
        .select_related("mention__source", "assignee")
        .defer("mention__html")
        .prefetch_related("tags")
        .order_by("responded", "due_at", "id")
    )
    cursor = Cursor.decode(after) if after else None
    if cursor:
        params = (cursor.responded, cursor.due_at, cursor.case_id)
        cases = cases.filter(RawSQL(KEYSET_SQL, params, output_field=BooleanField()))
    rows = list(cases[: PAGE_SIZE + 1])
    has_more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    next_cursor = Cursor.of(rows[-1]).encode() if has_more else None
    return InboxPage(rows, next_cursor, *status_counts(filters, user))


def status_counts(filters: InboxFilters, user) -> tuple[dict[str, int], int]:
    """How many cases per status under the other filters, so each status tab shows its count,
    and how many of them are breached (one query)."""
    rows = (
        filtered_cases(filters, user, with_status=False)
        .order_by()
        .values("status")
        .annotate(n=Count("id"), breached=Count("id", filter=breached(timezone.now())))
    )
    counts = {row["status"]: row["n"] for row in rows}
    return counts, sum(row["breached"] for row in rows)
