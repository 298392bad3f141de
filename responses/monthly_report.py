"""The monthly report email (issue 15, point 10): once per calendar month each owner gets the
previous month's report, counted in the owner's own time zone.

A month's report is due from local midnight on the 1st of the next month. The hourly beat
queues one send task per owner whose report for their last local month has not gone out yet;
the send task goes through `send_once`, keyed by owner and month, so a duplicated, redelivered
or retried task never sends it twice. An owner who joined after a month ended gets no report
for it. The figures come from the Reports page's query modules over a `ReportScope` of that
month, so the email and the linked page count the same way.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.urls import reverse

from monitors.models import Subject
from responses.reports.charts import Chart, ranked_bar_chart
from responses.reports.competitors import SideBySide, side_by_side
from responses.reports.complaints import ComplaintPhrases, complaint_phrases
from responses.reports.recoveries import Recoveries, recoveries
from responses.reports.report_charts import volume_chart
from responses.reports.responsiveness import Responsiveness, responsiveness
from responses.reports.scope import ReportScope
from responses.reports.volume import Volume, volume
from reviewwatch.emails import send_email, send_once
from reviewwatch.models import EmailSend
from reviewwatch.roles import OWNER


@dataclass(frozen=True)
class MonthlyReport:
    """Everything the email shows about one month."""

    scope: ReportScope
    volume: Volume
    previous_negative: int  # negative mentions in the calendar month before
    answering: Responsiveness
    recoveries: Recoveries
    phrases: ComplaintPhrases
    competitors: list[SideBySide]  # the watched competitors, without our business
    volume_chart: Chart
    answering_chart: Chart
    link: str  # the Reports page for the same days

    @property
    def previous_month(self) -> date:
        return month_before(self.scope.first_day)

    @property
    def charts(self) -> list[Chart]:
        return [self.volume_chart, self.answering_chart]

    @property
    def negative_change(self) -> int:
        return self.volume.negative - self.previous_negative

    @property
    def negative_change_percent(self) -> float | None:
        if not self.previous_negative:
            return None
        return 100 * self.negative_change / self.previous_negative


def month_before(today: date) -> date:
    """The first day of the calendar month before the one `today` is in."""
    return (today.replace(day=1) - timedelta(days=1)).replace(day=1)


def month_scope(first_day: date, zone: ZoneInfo) -> ReportScope:
    """Every day of the month starting on `first_day`, in `zone`."""
    next_month = (first_day.replace(day=28) + timedelta(days=4)).replace(day=1)
    return ReportScope(first_day=first_day, last_day=next_month - timedelta(days=1), zone=zone)


def send_key(user_id: int, month: date) -> str:
    return f"monthly_report:{user_id}:{month:%Y-%m}"


def recipients() -> QuerySet:
    """Active owners with an email who kept the monthly report switched on (the default)."""
    people = get_user_model().objects.filter(is_active=True).exclude(email="")
    owners = people.filter(Q(is_superuser=True) | Q(groups__name=OWNER)).distinct()
    return owners.exclude(digest_preference__monthly_report=False)


def zone_of(person) -> ZoneInfo:
    pref = getattr(person, "digest_preference", None)
    return pref.zone if pref is not None else ZoneInfo(settings.TIME_ZONE)


def due_reports(now: datetime) -> list[tuple[int, date]]:
    """(owner id, first day of the month) for each owner whose report of their last local month
    has not been sent and is not being sent right now. Two queries, whatever the owner count."""
    candidates = []
    for person in recipients().select_related("digest_preference").order_by("pk"):
        month = month_before(now.astimezone(zone_of(person)).date())
        if person.date_joined < month_scope(month, zone_of(person)).until:
            candidates.append((person.pk, month))
    keys = [send_key(user_id, month) for user_id, month in candidates]
    busy = Q(sent_at__isnull=False) | Q(sending_until__gte=now)
    done = set(EmailSend.objects.filter(busy, key__in=keys).values_list("key", flat=True))
    return [
        (user_id, month) for user_id, month in candidates if send_key(user_id, month) not in done
    ]


def reports_link(scope: ReportScope) -> str:
    """The Reports page for the same days and subject, so it shows the email's figures."""
    query = {"range": "custom", "since": scope.first_day, "until": scope.last_day}
    if scope.subject:
        query["subject"] = scope.subject
    return f"{settings.SITE_URL}{reverse('reports')}?{urlencode(query)}"


def build_report(scope: ReportScope, now: datetime) -> MonthlyReport:
    """Key figures about our business; the competitors beside it from the whole scope."""
    everyone, scope = scope, replace(scope, subject=Subject.OURS)
    found = volume(scope)
    month_before_that = month_scope(month_before(scope.first_day), scope.zone)
    answering = responsiveness(scope, now, per_person=False)
    return MonthlyReport(
        scope=scope,
        volume=found,
        previous_negative=volume(replace(month_before_that, subject=Subject.OURS)).negative,
        answering=answering,
        recoveries=recoveries(scope),
        phrases=complaint_phrases(scope),
        competitors=[row for row in side_by_side(everyone) if row.subject == Subject.COMPETITOR],
        volume_chart=volume_chart(found),
        answering_chart=ranked_bar_chart(
            "chart-answering",
            "Time to the first public reply",
            [(bucket.label, bucket.cases) for bucket in answering.distribution],
            unit="cases",
            item_label="Time to first reply",
        ),
        link=reports_link(scope),
    )


def send_report(user_id: int, month: date, now: datetime) -> bool:
    """Email one owner the report of the month starting on `month`, once; True when sent now.
    Nothing is sent to someone who is no longer an owner or switched the report off."""
    person = recipients().select_related("digest_preference").filter(pk=user_id).first()
    if person is None:
        return False
    scope = month_scope(month, zone_of(person))

    def send() -> None:
        context = {"report": build_report(scope, now), "recipient": person}
        send_email("monthly_report", person.email, context)

    return send_once(send_key(user_id, month), send)
