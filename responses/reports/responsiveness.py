"""Responsiveness (issue 15, point 4): how fast the team answers in public, for the response
clocks started in the range (a case's clock starts when it opens, and again when it reopens).

Only a posted reply is an answer: `Case.first_responded_at` is set by posting alone
(responses/posting.py), never by closing a case, so every figure here reads that field.
Median and p90 are computed in the database (percentile_cont; the same computation on SQLite,
see responses/reports/percentile.py), so the three queries (team, per person, per priority)
return the same few rows whether the range holds ten cases or 100,000."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Aggregate, Count, DurationField, ExpressionWrapper, F, Q, QuerySet

from responses.models import Case
from responses.reports.percentile import Percentile
from responses.reports.scope import ReportScope

# (label, from, to): time to first reply in [from, to); None is open-ended.
BUCKETS: tuple[tuple[str, timedelta, timedelta | None], ...] = (
    ("< 1 h", timedelta(0), timedelta(hours=1)),
    ("1–4 h", timedelta(hours=1), timedelta(hours=4)),
    ("4–24 h", timedelta(hours=4), timedelta(hours=24)),
    ("1–3 days", timedelta(days=1), timedelta(days=3)),
    ("> 3 days", timedelta(days=3), None),
)
UNANSWERED = "Not yet answered"

WAIT = ExpressionWrapper(F("first_responded_at") - F("clock_from"), output_field=DurationField())
TO_RESOLVE = ExpressionWrapper(F("resolved_at") - F("clock_from"), output_field=DurationField())
ANSWERED = Q(first_responded_at__isnull=False)
RESOLVED = Q(status=Case.Status.RESOLVED, resolved_at__isnull=False)
WITHIN_TARGET = Q(first_responded_at__lte=F("due_at"))


@dataclass(frozen=True)
class Figures:
    """One person's (or the whole team's) answers for the clocks started in the range."""

    cases: int
    answered: int
    median: timedelta | None
    p90: timedelta | None
    breaches: int  # answered after the due time, or still unanswered past it
    resolved: int
    median_to_resolve: timedelta | None
    within_target: int
    due: int  # answered, or unanswered with the due time passed: the cases a target judges

    @property
    def within_target_share(self) -> float | None:
        """Answered within the target, of the cases whose target has been judged."""
        return self.within_target / self.due if self.due else None


@dataclass(frozen=True)
class PersonFigures:
    assignee_id: int | None  # None: nobody assigned
    assignee_email: str
    figures: Figures


@dataclass(frozen=True)
class PriorityShare:
    priority: int
    label: str
    cases: int
    due: int
    within_target: int

    @property
    def within_target_share(self) -> float | None:
        return self.within_target / self.due if self.due else None


@dataclass(frozen=True)
class Bucket:
    label: str
    cases: int


@dataclass(frozen=True)
class Responsiveness:
    team: Figures
    distribution: list[Bucket]  # the BUCKETS in order, then "Not yet answered"
    by_priority: list[PriorityShare]  # every priority, urgent first, empty ones with zeros
    by_person: list[PersonFigures]  # by assignee email, nobody assigned last


def cases_in(scope: ReportScope) -> QuerySet[Case]:
    """Cases whose response clock started in the range, on the scope's sources and subject;
    merged duplicates are left out (their clock lives on in the case they joined)."""
    found = Q(clock_from__gte=scope.since, clock_from__lt=scope.until, merged_into__isnull=True)
    if scope.source_ids:
        found &= Q(mention__source_id__in=scope.source_ids)
    if scope.subject:
        found &= Q(mention__subject=scope.subject)
    return Case.objects.filter(found)


def _bucket_filter(start: timedelta, end: timedelta | None) -> Q:
    within = ANSWERED & Q(wait__gte=start)
    return within & Q(wait__lt=end) if end is not None else within


def _figure_aggregates(now: datetime) -> dict[str, Aggregate]:
    overdue = Q(first_responded_at__isnull=True, due_at__lt=now)
    late = ANSWERED & Q(first_responded_at__gt=F("due_at"))
    return {
        "cases": Count("id"),
        "answered": Count("id", filter=ANSWERED),
        "median": Percentile("wait", 0.5, filter=ANSWERED),
        "p90": Percentile("wait", 0.9, filter=ANSWERED),
        "breaches": Count("id", filter=late | overdue),
        "resolved": Count("id", filter=RESOLVED),
        "median_to_resolve": Percentile("to_resolve", 0.5, filter=RESOLVED),
        "within_target": Count("id", filter=WITHIN_TARGET),
        "due": Count("id", filter=ANSWERED | overdue),
    }


def _figures(row: dict) -> Figures:
    return Figures(**{name: row[name] for name in Figures.__dataclass_fields__})


def _by_person(cases: QuerySet[Case], aggregates: dict[str, Aggregate]) -> list[PersonFigures]:
    people = (
        cases.values("assignee_id", "assignee__email")
        .annotate(**aggregates)
        .order_by(F("assignee__email").asc(nulls_last=True))
    )
    return [
        PersonFigures(row["assignee_id"], row["assignee__email"] or "", _figures(row))
        for row in people
    ]


def responsiveness(scope: ReportScope, now: datetime, per_person: bool = True) -> Responsiveness:
    """`now` decides which unanswered cases are already past their due time; without
    `per_person` (a reader who may not see it), by_person is empty and its query not run."""
    cases = cases_in(scope).annotate(wait=WAIT, to_resolve=TO_RESOLVE)
    aggregates = _figure_aggregates(now)
    buckets = {
        f"bucket_{n}": Count("id", filter=_bucket_filter(start, end))
        for n, (_, start, end) in enumerate(BUCKETS)
    }
    team = cases.aggregate(**aggregates, **buckets)
    distribution = [Bucket(label, team[f"bucket_{n}"]) for n, (label, _, _) in enumerate(BUCKETS)]
    distribution.append(Bucket(UNANSWERED, team["cases"] - team["answered"]))

    by_person = _by_person(cases, aggregates) if per_person else []

    per_priority = {
        row["priority"]: row
        for row in cases.values("priority").annotate(
            cases=aggregates["cases"], due=aggregates["due"], within=aggregates["within_target"]
        )
    }
    by_priority = []
    for priority in Case.Priority:
        row = per_priority.get(priority.value, {"cases": 0, "due": 0, "within": 0})
        by_priority.append(
            PriorityShare(priority.value, priority.label, row["cases"], row["due"], row["within"])
        )
    return Responsiveness(
        team=_figures(team),
        distribution=distribution,
        by_priority=by_priority,
        by_person=by_person,
    )
