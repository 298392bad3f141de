"""CSV export of mentions and cases under the Mentions list's or the inbox's filters.

The file is streamed: rows come from a server-side cursor (`iterator(chunk_size=…)` on
PostgreSQL) and leave as CSV text a few hundred at a time, so a million rows export with flat
memory. Dates are ISO 8601 with the reader's zone; a cell a spreadsheet would read as a formula
is made text (OWASP's advice: a leading single quote).

The response body is produced after the middleware returned, when the reader's zone is no
longer active: the view captures the zone and passes it to the rows.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime, tzinfo
from decimal import Decimal
from itertools import islice

from django.http import HttpRequest, StreamingHttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from monitors.models import Label, Mention, Subject
from responses.forms import InboxFilterForm, MentionFilterForm, active_people
from responses.inbox import filtered_cases
from responses.mention_list import filtered_mentions
from responses.models import Case
from responses.views.inbox import first_line

CHUNK_ROWS = 2000  # rows fetched per round trip to the cursor
ROWS_PER_WRITE = 500  # rows joined into one piece of the response
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

MENTION_COLUMNS = [
    "id",
    "first seen",
    "published",
    "source",
    "subject",
    "author",
    "title",
    "text",
    "rating",
    "label",
    "reason",
    "url",
    "case id",
]
MENTION_FIELDS = [
    "id",
    "first_seen_at",
    "published_at",
    "source__name",
    "subject",
    "source__competitor_name",
    "author",
    "title",
    "text",
    "rating",
    "label",
    "reason",
    "url",
    "case__id",
]

CASE_COLUMNS = [
    "id",
    "opened",
    "status",
    "priority",
    "assignee",
    "due",
    "first public reply",
    "resolved",
    "outcome",
    "source",
    "rating",
    "author",
    "first line of the review",
    "tags",
]
CASE_FIELDS = [
    "id",
    "opened_at",
    "status",
    "priority",
    "assignee__email",
    "due_at",
    "first_responded_at",
    "resolved_at",
    "outcome",
    "mention__source__name",
    "mention__rating",
    "mention__author",
    "mention__title",
    "mention__text",
]


def safe_cell(value: str) -> str:
    """The text as a spreadsheet shows it, never as a formula it would run."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def iso(moment: datetime | None, zone: tzinfo) -> str:
    return timezone.localtime(moment, zone).isoformat(timespec="seconds") if moment else ""


def rating_text(rating: Decimal | None) -> str:
    """4.00 as "4", 4.50 as "4.5", no rating as an empty cell."""
    return "" if rating is None else format(rating.normalize(), "f")


def csv_pieces(header: Sequence[str], rows: Iterable[Sequence[str]]) -> Iterator[str]:
    """UTF-8 BOM and header first (so Excel reads accents), then rows a few hundred at a time."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")
    writer.writerow(header)
    for count, row in enumerate(rows, start=1):
        writer.writerow([safe_cell(cell) for cell in row])
        if count % ROWS_PER_WRITE == 0:
            yield taken(buffer)
    yield taken(buffer)


def taken(buffer: io.StringIO) -> str:
    """What the buffer holds, leaving it empty."""
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text


def csv_response(
    name: str, header: Sequence[str], rows: Iterable[Sequence[str]]
) -> StreamingHttpResponse:
    filename = f"reviewwatch-{name}-{timezone.localdate().isoformat()}.csv"
    response = StreamingHttpResponse(
        csv_pieces(header, rows), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def mention_rows(found, zone: tzinfo) -> Iterator[list[str]]:
    subjects, labels = dict(Subject.choices), dict(Label.choices)
    values = found.order_by("-id").values_list(*MENTION_FIELDS)
    for row in values.iterator(chunk_size=CHUNK_ROWS):
        pk, seen, published, source, subject, competitor, author, title, text = row[:9]
        rating, label, reason, url, case_id = row[9:]
        if subject == Subject.COMPETITOR and competitor:
            subject_text = competitor
        else:
            subject_text = subjects.get(subject, subject)
        yield [
            str(pk),
            iso(seen, zone),
            iso(published, zone),
            source,
            subject_text,
            author,
            title,
            text,
            rating_text(rating),
            labels.get(label, label),
            reason,
            url,
            str(case_id or ""),
        ]


def tag_names(case_ids: list[int]) -> dict[int, str]:
    """Each case's tags, in the order Triage settings lists them, as one "a; b" text (one
    query for a chunk of cases; the inbox's tag filter does not narrow the tags shown)."""
    names: dict[int, list[str]] = defaultdict(list)
    links = Case.tags.through.objects.filter(case_id__in=case_ids)
    for case_id, name in links.order_by("tag__position", "tag__name").values_list(
        "case_id", "tag__name"
    ):
        names[case_id].append(name)
    return {case_id: "; ".join(tags) for case_id, tags in names.items()}


def chunks(rows: Iterator, size: int) -> Iterator[list]:
    while chunk := list(islice(rows, size)):
        yield chunk


def case_rows(found, zone: tzinfo) -> Iterator[list[str]]:
    statuses, priorities = dict(Case.Status.choices), dict(Case.Priority.choices)
    values = found.order_by("responded", "due_at", "id").values_list(*CASE_FIELDS)
    for chunk in chunks(values.iterator(chunk_size=CHUNK_ROWS), CHUNK_ROWS):
        tags = tag_names([row[0] for row in chunk])
        for row in chunk:
            pk, opened, status, priority, assignee, due, replied, resolved, outcome = row[:9]
            source, rating, author, title, text = row[9:]
            yield [
                str(pk),
                iso(opened, zone),
                statuses.get(status, status),
                str(priorities.get(priority, priority)),
                assignee or "",
                iso(due, zone),
                iso(replied, zone),
                iso(resolved, zone),
                outcome,
                source,
                rating_text(rating),
                author,
                first_line(Mention(title=title, text=text)),
                tags.get(pk, ""),
            ]


@require_GET
def mentions_csv(request: HttpRequest) -> StreamingHttpResponse:
    """Every mention the Mentions list shows under the same query string, newest first."""
    found = filtered_mentions(MentionFilterForm(request.GET).filters())
    rows = mention_rows(found, timezone.get_current_timezone())
    return csv_response("mentions", MENTION_COLUMNS, rows)


@require_GET
def cases_csv(request: HttpRequest) -> StreamingHttpResponse:
    """Every case the inbox shows under the same query string, in the inbox's order."""
    form = InboxFilterForm(request.GET, people=list(active_people()))
    found = filtered_cases(form.filters(), request.user)
    rows = case_rows(found, timezone.get_current_timezone())
    return csv_response("cases", CASE_COLUMNS, rows)
