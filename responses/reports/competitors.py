"""Competitors side by side (issue 15, point 7): for our business and each watched competitor
(a competitor is its sources' `competitor_name`), the mentions, the share negative, the average
rating and its change from the last period, and the top complaint phrases (counted as
responses.reports.complaints counts them, over at most MAX_MENTIONS_READ negative mentions of
the range in all). Three queries, however many mentions or competitors.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Avg, Count, F, Q, Value, When
from django.db.models import Case as SqlCase
from django.db.models.functions import Trim

from monitors.models import Label, Mention, Source, Subject
from responses.reports.complaints import (
    MAX_MENTIONS_READ,
    PhraseCount,
    count_phrases,
    negative_reasons,
)
from responses.reports.scope import ReportScope

TOP_PHRASES_EACH = 5
US = "us"  # the name our business goes by in the table


@dataclass(frozen=True)
class SideBySide:
    subject: str  # Subject.OURS or Subject.COMPETITOR
    name: str  # US, or the competitor's name
    mentions: int
    negative: int
    previous_mentions: int
    previous_negative: int
    average_rating: Decimal | None  # None: no rated mention this period
    previous_average_rating: Decimal | None
    top_phrases: list[PhraseCount]
    phrases_capped: bool  # the range held more negative mentions than were read

    @property
    def share_negative(self) -> float | None:
        return self.negative / self.mentions if self.mentions else None

    @property
    def previous_share_negative(self) -> float | None:
        return self.previous_negative / self.previous_mentions if self.previous_mentions else None

    @property
    def rating_change(self) -> Decimal | None:
        """This period's average minus the last's; None unless both periods have one."""
        if self.average_rating is None or self.previous_average_rating is None:
            return None
        return self.average_rating - self.previous_average_rating


def side_by_side(scope: ReportScope) -> list[SideBySide]:
    """Our business first, then each competitor by name; a watched competitor without a
    mention in either period still has its row, with zeros and no rating."""
    before = scope.previous()
    now = scope.mentions()
    figures = (
        Mention.objects.filter(now | before.mentions())
        .annotate(who=_who("subject", "source__competitor_name"))
        .values("subject", "who")
        .order_by()
        .annotate(
            mentions=Count("id", filter=now),
            negative=Count("id", filter=now & Q(label=Label.NEGATIVE)),
            previous_mentions=Count("id", filter=~now),
            previous_negative=Count("id", filter=~now & Q(label=Label.NEGATIVE)),
            average=Avg("rating", filter=now),
            previous_average=Avg("rating", filter=~now),
        )
    )
    by_side = {(row["subject"], row["who"]): row for row in figures}
    for side in _watched(scope):
        by_side.setdefault(side, {})
    reasons = list(negative_reasons(scope, "subject", "source__competitor_name"))
    grouped: dict[tuple[str, str], list[tuple[int, str]]] = {}
    for mention_id, reason, subject, competitor in reasons[:MAX_MENTIONS_READ]:
        side = (subject, "" if subject == Subject.OURS else competitor.strip())
        grouped.setdefault(side, []).append((mention_id, reason))
    capped = len(reasons) > MAX_MENTIONS_READ
    ordered = sorted(by_side, key=lambda side: (side[0] != Subject.OURS, side[1].lower(), side))
    return [_row(side, by_side[side], grouped.get(side, []), capped) for side in ordered]


def _row(side: tuple[str, str], figures: dict, reasons: list, capped: bool) -> SideBySide:
    subject, name = side
    return SideBySide(
        subject=subject,
        name=name if subject == Subject.COMPETITOR else US,
        mentions=figures.get("mentions", 0),
        negative=figures.get("negative", 0),
        previous_mentions=figures.get("previous_mentions", 0),
        previous_negative=figures.get("previous_negative", 0),
        average_rating=_rounded(figures.get("average")),
        previous_average_rating=_rounded(figures.get("previous_average")),
        top_phrases=count_phrases(reasons)[:TOP_PHRASES_EACH],
        phrases_capped=capped,
    )


def _who(subject: str, competitor_name: str) -> SqlCase:
    """The competitor's name (trimmed) for a competitor, "" for us."""
    return SqlCase(
        When(**{subject: Subject.OURS}, then=Value("")),
        default=Trim(F(competitor_name)),
    )


def _watched(scope: ReportScope) -> set[tuple[str, str]]:
    """Every side the scope's sources watch: us, and each competitor named on a source."""
    sources = Source.objects.all()
    if scope.source_ids:
        sources = sources.filter(id__in=scope.source_ids)
    if scope.subject:
        sources = sources.filter(subject=scope.subject)
    named = sources.annotate(who=_who("subject", "competitor_name")).values_list("subject", "who")
    return set(named.order_by().distinct())


def _rounded(value) -> Decimal | None:
    return None if value is None else Decimal(value).quantize(Decimal("0.01"))
