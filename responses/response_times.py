"""How fast the team answers in public: from when a case's clock started (the review seen
negative, or the case reopened) to the first posted reply. Closing a case is not an answer."""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import datetime, timedelta

from responses.cases import short_duration
from responses.models import Case

WINDOW = timedelta(days=30)


@dataclass(frozen=True)
class ResponseTimes:
    opened: int
    answered: int
    within_target: int
    median: timedelta | None
    slowest: timedelta | None

    @property
    def median_text(self) -> str:
        return short_duration(self.median) if self.median is not None else "—"

    @property
    def slowest_text(self) -> str:
        return short_duration(self.slowest) if self.slowest is not None else "—"

    @property
    def within_target_percent(self) -> int | None:
        return round(100 * self.within_target / self.answered) if self.answered else None


def response_times(now: datetime, window: timedelta = WINDOW) -> ResponseTimes:
    """Cases opened in the window (merged duplicates left out) and how fast they were answered."""
    cases = Case.objects.filter(opened_at__gte=now - window, merged_into__isnull=True)
    answered = list(
        cases.filter(first_responded_at__isnull=False).values_list(
            "clock_from", "first_responded_at", "due_at"
        )
    )
    waits = [responded - started for started, responded, _ in answered]
    return ResponseTimes(
        opened=cases.count(),
        answered=len(waits),
        within_target=sum(1 for _, responded, due in answered if responded <= due),
        median=statistics.median(waits) if waits else None,
        slowest=max(waits) if waits else None,
    )
