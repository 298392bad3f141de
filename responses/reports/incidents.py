"""Incidents in a period (issue 16, point 5): each one's size, the time from its start to the
first public reply on any of its cases, how many cases were answered and followed up, and how
many reviews improved or recovered (1–2★ to 4–5★) after our reply. Plain rows: the Reports
page and the incident page render the same ones. Four queries per incident; a period holds a
handful of incidents (at most MAX_LISTED are read)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, F, Min, Q, QuerySet

from responses.incidents import linked_cases
from responses.models import FollowUp, Incident, IncidentMention, ReviewUpdate
from responses.models.replies import RECOVERED_MIN_RATING, RELAPSE_MAX_RATING
from responses.reports.scope import ReportScope

MAX_LISTED = 50


@dataclass(frozen=True)
class IncidentRow:
    incident_id: int
    title: str
    status: str
    status_label: str
    started_at: datetime
    resolved_at: datetime | None
    mentions: int  # linked now
    cases: int  # their cases (merged ones count once)
    answered: int  # of them, answered in public
    first_reply_after: timedelta | None  # from the start to the first public reply
    followups: int  # "what happened and what we changed" follow-ups created at resolution
    followed_up: int  # of them, done
    improved: int  # cases whose review's rating rose after our reply
    recovered: int  # of them, from 1–2★ to 4–5★

    @property
    def recovery_rate(self) -> float | None:
        """Recovered reviews per answered case; None before any case was answered."""
        return self.recovered / self.answered if self.answered else None

    @property
    def lasted(self) -> timedelta | None:
        return self.resolved_at - self.started_at if self.resolved_at else None


def incident_row(incident: Incident) -> IncidentRow:
    cases = linked_cases(incident)
    answering = cases.aggregate(
        cases=Count("pk"),
        answered=Count("pk", filter=Q(responded=True)),
        first=Min("first_responded_at"),
    )
    followups = FollowUp.objects.filter(incident_link__incident=incident).aggregate(
        made=Count("pk"), done=Count("pk", filter=Q(done_at__isnull=False))
    )
    rose = ReviewUpdate.objects.filter(
        case__in=cases, new_rating__gt=F("old_rating"), seen_at__gte=incident.started_at
    ).aggregate(
        improved=Count("case", distinct=True),
        recovered=Count(
            "case",
            distinct=True,
            filter=Q(old_rating__lte=RELAPSE_MAX_RATING, new_rating__gte=RECOVERED_MIN_RATING),
        ),
    )
    first = answering["first"]
    return IncidentRow(
        incident_id=incident.pk,
        title=incident.title,
        status=incident.status,
        status_label=incident.get_status_display(),
        started_at=incident.started_at,
        resolved_at=incident.resolved_at,
        mentions=IncidentMention.objects.filter(incident=incident, removed_at__isnull=True).count(),
        cases=answering["cases"],
        answered=answering["answered"],
        first_reply_after=max(first - incident.started_at, timedelta(0)) if first else None,
        followups=followups["made"],
        followed_up=followups["done"],
        improved=rose["improved"],
        recovered=rose["recovered"],
    )


def incidents_during(scope: ReportScope) -> QuerySet[Incident]:
    """Incidents open at any moment of the period, the most recent start first."""
    return Incident.objects.filter(started_at__lt=scope.until).filter(
        Q(resolved_at__isnull=True) | Q(resolved_at__gte=scope.since)
    )


def incident_rows(scope: ReportScope) -> list[IncidentRow]:
    found = incidents_during(scope).order_by("-started_at", "-pk")[:MAX_LISTED]
    return [incident_row(incident) for incident in found]
