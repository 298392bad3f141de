"""What a report covers: a range of whole days in the reader's time zone, and optionally some
sources and one subject (our business or the competitors). Kept in the URL, so a report can
be bookmarked and shared."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Q
from django.db.models.functions import Trunc

PRESETS = {"7": 7, "30": 30, "90": 90}  # the last N days, today included
DEFAULT_PRESET = "30"
WEEKS_AFTER_DAYS = 90  # longer ranges are counted per week (weeks start on Monday)


@dataclass(frozen=True)
class ReportScope:
    first_day: date
    last_day: date  # included
    zone: ZoneInfo
    source_ids: tuple[int, ...] = ()
    subject: str = ""  # "", "ours" or "competitor"

    @property
    def since(self) -> datetime:
        """The first moment covered (aware)."""
        return datetime.combine(self.first_day, time.min, tzinfo=self.zone)

    @property
    def until(self) -> datetime:
        """The first moment after the range (aware, exclusive)."""
        return datetime.combine(self.last_day + timedelta(days=1), time.min, tzinfo=self.zone)

    @property
    def days(self) -> int:
        return (self.last_day - self.first_day).days + 1

    @property
    def period(self) -> str:
        """What a report counts by: "day", or "week" for ranges over WEEKS_AFTER_DAYS days."""
        return "week" if self.days > WEEKS_AFTER_DAYS else "day"

    def period_starts(self) -> list[date]:
        """Every day of the range, or the Monday of every week touching it (the first and last
        weeks may reach outside the range), so a chart shows empty periods too."""
        if self.period == "day":
            return [self.first_day + timedelta(days=n) for n in range(self.days)]
        monday = self.first_day - timedelta(days=self.first_day.weekday())
        weeks = (self.last_day - monday).days // 7 + 1
        return [monday + timedelta(weeks=n) for n in range(weeks)]

    def truncate(self, field: str) -> Trunc:
        """`field` cut to the start of its period in the reader's zone."""
        return Trunc(field, self.period, tzinfo=self.zone)

    def previous(self) -> ReportScope:
        """The same number of days just before, for "this period vs the last"."""
        length = timedelta(days=self.days)
        return replace(self, first_day=self.first_day - length, last_day=self.last_day - length)

    def mentions(self, prefix: str = "") -> Q:
        """Mentions first seen in the range, on the chosen sources and subject; `prefix` is the
        path to the mention ("mention__" from a case)."""
        found = Q(**{f"{prefix}first_seen_at__gte": self.since}) & Q(
            **{f"{prefix}first_seen_at__lt": self.until}
        )
        if self.source_ids:
            found &= Q(**{f"{prefix}source_id__in": self.source_ids})
        if self.subject:
            found &= Q(**{f"{prefix}subject": self.subject})
        return found


def last_days(count: int, today: date, zone: ZoneInfo) -> ReportScope:
    """The last `count` days, today included."""
    return ReportScope(first_day=today - timedelta(days=count - 1), last_day=today, zone=zone)
