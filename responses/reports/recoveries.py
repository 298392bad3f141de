"""Recoveries (issue 15, point 5): reviews raised from 1–2★ to 4–5★ after our public reply,
with their cases; relapses; and whether answering faster brings more stars back, as counts per
bucket of time to first reply (a rate only where a bucket has reviews). Four queries, whatever
the row count: the counts, the newest LISTED recoveries and relapses, and the buckets.

What counts as a recovery or a relapse is the ReviewUpdate's own rule (is_recovery,
is_relapse); "after our reply" means after the case's first posted reply."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.db.models import Count, Exists, F, OuterRef, Q, Subquery

from responses.models import ReplyDraft, ReviewUpdate
from responses.models.replies import RECOVERED_MIN_RATING, RELAPSE_MAX_RATING
from responses.reports.responsiveness import ANSWERED, WAIT, cases_in
from responses.reports.scope import ReportScope

LISTED = 50  # recoveries and relapses named on the page; the CSV export has them all
# ReviewUpdate.is_recovery and is_relapse, in SQL.
RECOVERY = Q(old_rating__lte=RELAPSE_MAX_RATING, new_rating__gte=RECOVERED_MIN_RATING)
RELAPSE = Q(old_rating__gt=RELAPSE_MAX_RATING, new_rating__lte=RELAPSE_MAX_RATING)
# (label, longest time to first reply); None is "longer".
SPEED_BUCKETS: tuple[tuple[str, timedelta | None], ...] = (
    ("Within 1 hour", timedelta(hours=1)),
    ("Within 1 day", timedelta(days=1)),
    ("Within 1 week", timedelta(weeks=1)),
    ("Longer", None),
)


@dataclass(frozen=True)
class RatingChange:
    case_id: int
    mention_id: int
    source_name: str
    old_rating: Decimal
    new_rating: Decimal
    replied_at: datetime  # our first posted reply
    seen_at: datetime  # when we saw the edited review


@dataclass(frozen=True)
class SpeedBucket:
    label: str
    answered: int  # answered 1–2★ reviews whose first reply took this long
    recovered: int  # of them, raised to 4–5★ after the reply

    @property
    def rate(self) -> float | None:
        """None when the bucket is empty: no reviews, no rate."""
        return self.recovered / self.answered if self.answered else None


@dataclass(frozen=True)
class Recoveries:
    recovered: int  # reviews raised to 4–5★ after our reply, seen in the range
    relapsed: int
    recoveries: list[RatingChange]  # the newest LISTED of them
    relapses: list[RatingChange]
    by_speed: list[SpeedBucket]  # over the cases whose clock started in the range


def _first_posted_reply(case: str) -> Subquery:
    """When the case (the outer query's field `case`) first got a posted reply."""
    posted = ReplyDraft.objects.filter(case=OuterRef(case), posted_at__isnull=False)
    return Subquery(posted.order_by("posted_at").values("posted_at")[:1])


def _after_our_reply(scope: ReportScope):
    """Rating edits seen in the range after the case's first posted reply."""
    found = Q(seen_at__gte=scope.since, seen_at__lt=scope.until)
    if scope.source_ids:
        found &= Q(mention__source_id__in=scope.source_ids)
    if scope.subject:
        found &= Q(mention__subject=scope.subject)
    return (
        ReviewUpdate.objects.filter(found, old_rating__isnull=False, new_rating__isnull=False)
        .annotate(replied_at=_first_posted_reply("case_id"))
        .filter(replied_at__lte=F("seen_at"))
    )


def rating_changes(scope: ReportScope, kind: Q, limit: int | None = None) -> list[RatingChange]:
    """The recoveries (kind=RECOVERY) or relapses (RELAPSE) seen in the range, newest first."""
    changes = (
        _after_our_reply(scope)
        .filter(kind)
        .values_list(
            "case_id", "mention_id", "mention__source__name", "old_rating", "new_rating",
            "replied_at", "seen_at",
        )
        .order_by("-seen_at", "-id")
    )  # fmt: skip
    return [RatingChange(*row) for row in (changes[:limit] if limit else changes)]


def speed_buckets(scope: ReportScope) -> list[SpeedBucket]:
    """Answered cases whose review stood at 1–2★ when the case opened, by time to first reply,
    and how many were raised to 4–5★ after our first posted reply (is_recovery's thresholds,
    in SQL)."""
    recovered = ReviewUpdate.objects.filter(
        case=OuterRef("pk"),
        old_rating__lte=RELAPSE_MAX_RATING,
        new_rating__gte=RECOVERED_MIN_RATING,
        seen_at__gte=OuterRef("replied_at"),
    )
    cases = (
        cases_in(scope)
        .filter(ANSWERED)
        .annotate(
            wait=WAIT,
            replied_at=_first_posted_reply("pk"),
            recovered=Exists(recovered),
        )
        .filter(rating_when_opened__lte=RELAPSE_MAX_RATING)
    )
    counts: dict[str, Count] = {}
    shorter: timedelta | None = None
    for n, (_, longest) in enumerate(SPEED_BUCKETS):
        within = Q()
        if shorter is not None:
            within &= Q(wait__gt=shorter)
        if longest is not None:
            within &= Q(wait__lte=longest)
        counts[f"answered_{n}"] = Count("id", filter=within)
        counts[f"recovered_{n}"] = Count("id", filter=within & Q(recovered=True))
        shorter = longest
    totals = cases.aggregate(**counts)
    return [
        SpeedBucket(label, totals[f"answered_{n}"], totals[f"recovered_{n}"])
        for n, (label, _) in enumerate(SPEED_BUCKETS)
    ]


def recoveries(scope: ReportScope) -> Recoveries:
    counts = _after_our_reply(scope).aggregate(
        recovered=Count("id", filter=RECOVERY), relapsed=Count("id", filter=RELAPSE)
    )
    return Recoveries(
        recovered=counts["recovered"],
        relapsed=counts["relapsed"],
        recoveries=rating_changes(scope, RECOVERY, LISTED) if counts["recovered"] else [],
        relapses=rating_changes(scope, RELAPSE, LISTED) if counts["relapsed"] else [],
        by_speed=speed_buckets(scope),
    )
