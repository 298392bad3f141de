"""Competitors side by side (issue 15, point 7): for our business and each watched competitor
(a competitor is its sources' `competitor_name`), the mentions, the share negative, the average
rating and its change from the last period, and the top complaint phrases (counted as
responses.reports.complaints counts them, over at most MAX_MENTIONS_READ negative mentions of
the range in all). Counted by count_mentions for both periods (the daily summary where it can):
eight queries, however many mentions or competitors.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from monitors.models import Label, Source, Subject
from responses.reports.complaints import (
    MAX_MENTIONS_READ,
    PhraseCount,
    count_phrases,
    negative_reasons,
)
from responses.reports.mention_counts import count_mentions
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
    competitors, watched = _sources(scope)
    by_side: dict[tuple[str, str], dict] = {side: {} for side in watched}
    for prefix, period in (("", scope), ("previous_", scope.previous())):
        for count in count_mentions(period, per_period=False):
            side = _side(count.subject, competitors.get(count.source_id, ""))
            totals = by_side.setdefault(side, {})
            figures = {
                "mentions": count.mentions,
                "negative": count.mentions if count.label == Label.NEGATIVE else 0,
                "rating_sum": count.rating_sum,
                "rated": count.rated,
            }
            for name, value in figures.items():
                totals[prefix + name] = totals.get(prefix + name, 0) + value
    reasons = list(negative_reasons(scope, "subject", "source__competitor_name"))
    grouped: dict[tuple[str, str], list[tuple[int, str]]] = {}
    for mention_id, reason, subject, competitor in reasons[:MAX_MENTIONS_READ]:
        grouped.setdefault(_side(subject, competitor), []).append((mention_id, reason))
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
        average_rating=_average(figures.get("rating_sum"), figures.get("rated")),
        previous_average_rating=_average(
            figures.get("previous_rating_sum"), figures.get("previous_rated")
        ),
        top_phrases=count_phrases(reasons)[:TOP_PHRASES_EACH],
        phrases_capped=capped,
    )


def _side(subject: str, competitor_name: str) -> tuple[str, str]:
    """(subject, the competitor's name trimmed), with "" for our business."""
    return subject, "" if subject == Subject.OURS else competitor_name.strip()


def _sources(scope: ReportScope) -> tuple[dict[int, str], set[tuple[str, str]]]:
    """Every source's competitor name by id, and every side the scope's sources watch: us,
    and each competitor named on a source. One query."""
    names: dict[int, str] = {}
    watched: set[tuple[str, str]] = set()
    for source_id, subject, competitor_name in Source.objects.values_list(
        "id", "subject", "competitor_name"
    ):
        names[source_id] = competitor_name
        if scope.source_ids and source_id not in scope.source_ids:
            continue
        if scope.subject and subject != scope.subject:
            continue
        watched.add(_side(subject, competitor_name))
    return names, watched


def _average(total: Decimal | int | None, count: int | None) -> Decimal | None:
    """The average to 2 places; None without a rated mention."""
    if not count:
        return None
    return (Decimal(total) / count).quantize(Decimal("0.01"))
