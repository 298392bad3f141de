"""Each report's table as CSV rows (issue 15, point 9): the same numbers the Reports page shows
under the same filters. A report is a header and a function from (scope, zone) to rows of text;
responses/exports.py streams them (UTF-8 BOM, formulas escaped). Days are ISO 8601 dates in the
reader's zone (named in the header), moments ISO 8601 with their offset, durations in minutes.

Numbers are written without a sign: a cell starting with "-" is escaped as a formula, so a
change is left for the spreadsheet to work out from the two columns beside it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta, tzinfo
from decimal import Decimal

from django.utils import timezone

from responses.exports import iso, rating_text
from responses.reports.competitors import side_by_side
from responses.reports.complaints import complaint_phrases, remedies, tags_over_time
from responses.reports.ratings import average_ratings, public_ratings
from responses.reports.recoveries import RECOVERY, RELAPSE, rating_changes, speed_buckets
from responses.reports.responsiveness import Figures, responsiveness
from responses.reports.scope import ReportScope
from responses.reports.volume import volume

Rows = Iterator[list[str]]


@dataclass(frozen=True)
class ReportTable:
    title: str
    header: Callable[[ReportScope], list[str]]
    rows: Callable[[ReportScope, tzinfo], Rows]
    owner_only: bool = False


def period_column(scope: ReportScope) -> str:
    return f"{scope.period} starting ({scope.zone.key})"


def minutes(delta: timedelta | None) -> str:
    return "" if delta is None else f"{delta.total_seconds() / 60:.1f}"


def share(part: int, whole: int) -> str:
    """A share as a percentage with one decimal; empty when there is nothing to divide by."""
    return f"{100 * part / whole:.1f}" if whole else ""


def number(value: Decimal | None) -> str:
    return rating_text(value)


def volume_rows(scope: ReportScope, zone: tzinfo) -> Rows:
    for row in volume(scope).rows:
        yield [row.period_start.isoformat(), row.source_name, str(row.total), str(row.negative)]


def rating_rows(scope: ReportScope, zone: tzinfo) -> Rows:
    for row in average_ratings(scope):
        start = row.period_start.isoformat()
        yield [start, row.source_name, number(row.average), str(row.count)]


def public_rating_rows(scope: ReportScope, zone: tzinfo) -> Rows:
    for row in public_ratings(scope):
        yield [
            row.period_start.isoformat(),
            row.source_name,
            number(row.rating) if row.rating is not None else "no snapshot",
            "" if row.count is None else str(row.count),
            iso(row.taken_at, zone),
            "yes" if row.carried else "no",
        ]


def priority_rows(scope: ReportScope, zone: tzinfo) -> Rows:
    for row in responsiveness(scope, timezone.now(), per_person=False).by_priority:
        yield [row.label, str(row.cases), str(row.due), str(row.within_target)]


def person_cells(figures: Figures) -> list[str]:
    return [
        str(figures.cases),
        str(figures.answered),
        minutes(figures.median),
        minutes(figures.p90),
        str(figures.due),
        str(figures.within_target),
        str(figures.breaches),
    ]


def person_rows(scope: ReportScope, zone: tzinfo) -> Rows:
    answering = responsiveness(scope, timezone.now())
    yield ["whole team", *person_cells(answering.team)]
    for person in answering.by_person:
        yield [person.assignee_email or "nobody assigned", *person_cells(person.figures)]


def speed_rows(scope: ReportScope, zone: tzinfo) -> Rows:
    for bucket in speed_buckets(scope):
        rate = share(bucket.recovered, bucket.answered)
        yield [bucket.label, str(bucket.answered), str(bucket.recovered), rate]


def recovery_rows(scope: ReportScope, zone: tzinfo) -> Rows:
    for kind, rule in (("recovery", RECOVERY), ("relapse", RELAPSE)):
        for change in rating_changes(scope, rule):
            yield [
                kind,
                str(change.case_id),
                change.source_name,
                number(change.old_rating),
                number(change.new_rating),
                iso(change.replied_at, zone),
                iso(change.seen_at, zone),
            ]


def phrase_rows(scope: ReportScope, zone: tzinfo) -> Rows:
    for row in complaint_phrases(scope).rows:
        yield [row.phrase, str(row.count), str(row.previous_count)]


def tag_rows(scope: ReportScope, zone: tzinfo) -> Rows:
    for row in tags_over_time(scope):
        yield [row.period_start.isoformat(), row.tag_name or "no tag", str(row.cases)]


def remedy_rows(scope: ReportScope, zone: tzinfo) -> Rows:
    for row in remedies(scope):
        yield [row.kind_label, str(row.offered), str(row.delivered), str(row.resolved_cases)]


def competitor_rows(scope: ReportScope, zone: tzinfo) -> Rows:
    for row in side_by_side(scope):
        yield [
            row.name,
            str(row.mentions),
            str(row.negative),
            share(row.negative, row.mentions),
            number(row.average_rating),
            str(row.previous_mentions),
            str(row.previous_negative),
            number(row.previous_average_rating),
            "; ".join(phrase.phrase for phrase in row.top_phrases),
        ]


def _fixed(*columns: str) -> Callable[[ReportScope], list[str]]:
    return lambda scope: list(columns)


def _by_period(*columns: str) -> Callable[[ReportScope], list[str]]:
    return lambda scope: [period_column(scope), *columns]


REPORT_TABLES: dict[str, ReportTable] = {
    "volume": ReportTable(
        "Mentions per period and source", _by_period("source", "mentions", "negative"), volume_rows
    ),
    "ratings": ReportTable(
        "Average star rating of the mentions",
        _by_period("source", "average rating", "rated mentions"),
        rating_rows,
    ),
    "public-ratings": ReportTable(
        "Public average on the review pages",
        _by_period("source", "public rating", "reviews on the page", "snapshot taken", "carried"),
        public_rating_rows,
    ),
    "priorities": ReportTable(
        "Answered within the target, per priority",
        _fixed("priority", "cases", "target judged", "within target"),
        priority_rows,
    ),
    "people": ReportTable(
        "Answers per person",
        _fixed(
            "assignee",
            "cases",
            "answered",
            "median first reply (minutes)",
            "p90 first reply (minutes)",
            "target judged",
            "within target",
            "clocks run out",
        ),
        person_rows,
        owner_only=True,
    ),
    "recovery-speed": ReportTable(
        "Recoveries by how fast we answered",
        _fixed("first reply within", "answered", "recovered", "rate (%)"),
        speed_rows,
    ),
    "recoveries": ReportTable(
        "Recoveries and relapses",
        _fixed("kind", "case id", "source", "old rating", "new rating", "first reply", "edit seen"),
        recovery_rows,
    ),
    "phrases": ReportTable(
        "Complaint phrases",
        _fixed("phrase", "negative mentions", "the period before"),
        phrase_rows,
    ),
    "tags": ReportTable("Cases per root cause", _by_period("tag", "cases opened"), tag_rows),
    "remedies": ReportTable(
        "Remedies offered",
        _fixed("remedy", "offered", "delivered", "cases resolved"),
        remedy_rows,
    ),
    "competitors": ReportTable(
        "Us and our competitors",
        _fixed(
            "who",
            "mentions",
            "negative",
            "negative (%)",
            "average rating",
            "mentions before",
            "negative before",
            "average rating before",
            "top complaints",
        ),
        competitor_rows,
    ),
}
