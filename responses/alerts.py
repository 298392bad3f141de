"""Owner alerts: an immediate email when a source is paused, negative mentions spike, or a
recovered review drops back (a relapse, also sent to the case's assignee), and when an incident
is declared or changes status, and when a webhook endpoint is switched off after a day of
failures. A spike proposes an incident over its most said phrase; while an
incident is open, its mentions count toward no spike.

An OwnerAlert row is written first (unique per kind and key: one per paused source per hour,
one per spike hour, one per relapsed edit), then sent to every owner by a task; a crash between
send and marking it sent resends it once, like digests.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from urllib.parse import urlencode

from django.contrib.auth import get_user_model
from django.core.mail import get_connection
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, F, Min, OuterRef, Q
from django.utils import timezone

from monitors.models import Label, Mention, Source, Subject, stars
from responses.models import (
    AlertSettings,
    Case,
    Incident,
    IncidentEvent,
    IncidentMention,
    OwnerAlert,
    ReviewUpdate,
    WebhookEndpoint,
)
from responses.reports.complaints import count_phrases
from reviewwatch.emails import SEND_LEASE, build_email
from reviewwatch.links import absolute_url
from reviewwatch.roles import OWNER

# The usual rate counts as at least this, or one mention after a quiet week is "3x usual".
MIN_USUAL_PER_HOUR = Decimal(1)
RATE_WINDOW = timedelta(days=7)


def _record(kind: str, key: str, context: dict) -> OwnerAlert | None:
    """The alert if it is new; None when this paused source or spike hour was already alerted."""
    try:
        with transaction.atomic():
            return OwnerAlert.objects.create(kind=kind, key=key, context=context)
    except IntegrityError:
        return None


def record_source_paused(source: Source, reason: str, now: datetime) -> OwnerAlert | None:
    context = {
        "source": source.name,
        "reason": reason or source.paused_reason,
        "failures": source.consecutive_failures,
        "last_error": source.last_error,
    }
    return _record(OwnerAlert.Kind.SOURCE_PAUSED, f"{source.pk}:{now:%Y-%m-%dT%H}", context)


def _news(now: datetime):
    """Negative mentions about us in the past 7 days that are news: not a new source's imported
    history, and not part of an open incident (the incident tells the owners about those)."""
    in_open_incident = IncidentMention.objects.filter(
        mention=OuterRef("pk"), removed_at__isnull=True
    ).exclude(incident__status=Incident.Status.RESOLVED)
    return Mention.objects.filter(
        subject=Subject.OURS,
        label=Label.NEGATIVE,
        imported_history=False,
        first_seen_at__gt=now - RATE_WINDOW,
    ).exclude(Exists(in_open_incident))


def negative_counts(now: datetime) -> tuple[int, Decimal]:
    """Negative mentions about us in the last hour, and the hourly average of the past 7 days
    (see _news for what counts)."""
    hour_ago = now - timedelta(hours=1)
    counts = _news(now).aggregate(
        last_hour=Count("pk", filter=Q(first_seen_at__gt=hour_ago)),
        week=Count("pk", filter=Q(first_seen_at__lte=hour_ago)),
    )
    hours = Decimal(RATE_WINDOW / timedelta(hours=1))
    return counts["last_hour"], Decimal(counts["week"]) / hours


def is_spike(last_hour: int, usual: Decimal, rules: AlertSettings) -> bool:
    """More than N in an hour, or more than the multiple of the usual hourly rate."""
    by_rate = last_hour > rules.spike_multiple * max(usual, MIN_USUAL_PER_HOUR)
    return last_hour > rules.spike_count or by_rate


def record_spike_if_any(now: datetime) -> OwnerAlert | None:
    """Checked once per poll that announced negatives; one alert per spike window."""
    last_hour, usual = negative_counts(now)
    rules = AlertSettings.current()
    if not is_spike(last_hour, usual, rules):
        return None
    if OwnerAlert.objects.filter(
        kind=OwnerAlert.Kind.SPIKE, created_at__gt=now - timedelta(hours=1)
    ).exists():
        return None
    context = {
        "count": last_hour,
        "usual": f"{usual:.1f}",
        "threshold": rules.spike_count,
        "multiple": f"{rules.spike_multiple:g}",
        **incident_proposal(now),
    }
    return _record(OwnerAlert.Kind.SPIKE, f"{now:%Y-%m-%dT%H}", context)


def incident_proposal(now: datetime) -> dict[str, str | int]:
    """The phrase the last hour's negatives say most ("login", in 12 of them) and a link to
    declare an incident over it, starting with the hour's first negative; {} when no phrase is
    said twice."""
    last_hour = _news(now).filter(first_seen_at__gt=now - timedelta(hours=1))
    top = count_phrases(last_hour.order_by("-first_seen_at").values_list("pk", "reason"))
    if not top or top[0].count < 2:
        return {}
    phrase = top[0]
    started = last_hour.aggregate(first=Min("first_seen_at"))["first"]
    query = urlencode({"phrase": phrase.phrase, "started": started.isoformat()})
    return {
        "phrase": phrase.phrase,
        "phrase_count": phrase.count,
        "declare_url": f"{absolute_url('incident_declare')}?{query}",
    }


def record_incident_alert(
    incident: Incident, event: IncidentEvent, linked: int
) -> OwnerAlert | None:
    """One alert when the incident is declared and one at each change of status."""
    context = {
        "incident_id": incident.pk,
        "title": incident.title,
        "status": incident.get_status_display(),
        "declared": event.kind == IncidentEvent.Kind.DECLARED,
        "message": event.message[:1000],
        "linked": linked,
        "incident_url": absolute_url("incident", incident_id=incident.pk),
    }
    return _record(OwnerAlert.Kind.INCIDENT, f"{incident.pk}:{event.pk}", context)


def record_webhook_disabled(endpoint: WebhookEndpoint, last_error: str) -> OwnerAlert | None:
    """A webhook endpoint failed every attempt for a day and was switched off: once per run
    of failures."""
    context = {
        "url": endpoint.url,
        "failures": endpoint.consecutive_failures,
        "failing_since": f"{endpoint.failing_since:%Y-%m-%d %H:%M} UTC",
        "last_error": last_error,
        "webhooks_url": absolute_url("webhook", endpoint_id=endpoint.pk),
    }
    key = f"{endpoint.pk}:{endpoint.failing_since:%Y-%m-%dT%H:%M:%S}"
    return _record(OwnerAlert.Kind.WEBHOOK_DISABLED, key, context)


def record_relapse(case: Case, update: ReviewUpdate) -> OwnerAlert | None:
    """A review that had recovered after our reply dropped back to 2★ or less."""
    mention = case.mention
    context = {
        "case_id": case.pk,
        "source": mention.source.name,
        "author": mention.author,
        "old_rating": stars(update.old_rating),
        "new_rating": stars(update.new_rating),
        "text": update.new_text[:1000],
        "also_to": case.assignee.email if case.assignee and case.assignee.is_active else "",
    }
    return _record(OwnerAlert.Kind.RELAPSE, f"{case.pk}:{update.revision_id}", context)


def owner_emails() -> list[str]:
    owners = get_user_model().objects.filter(
        Q(is_superuser=True) | Q(groups__name=OWNER), is_active=True
    )
    return sorted(set(owners.exclude(email="").values_list("email", flat=True)))


def send_alert(alert_id: int, now: datetime | None = None) -> bool:
    """Email the alert to every owner unless it went out already. True when it was sent now.

    The send lease makes a redelivered copy of the task stand back while this one sends.
    """
    now = now or timezone.now()
    free = Q(sending_until__isnull=True) | Q(sending_until__lt=now)
    leased = OwnerAlert.objects.filter(free, pk=alert_id, sent_at__isnull=True).update(
        sending_until=now + SEND_LEASE, attempts=F("attempts") + 1
    )
    if not leased:
        return False
    alert = OwnerAlert.objects.get(pk=alert_id)
    context = {
        **alert.context,
        "inbox_url": absolute_url("home"),
        "sources_url": absolute_url("sources"),
    }
    name = f"alert_{alert.kind}"
    with get_connection() as connection:
        recipients = sorted(set(owner_emails()) | ({alert.context.get("also_to")} - {"", None}))
        messages = [build_email(name, to, context) for to in recipients]
        connection.send_messages(messages)
    OwnerAlert.objects.filter(pk=alert.pk).update(sent_at=now, last_error="", sending_until=None)
    return True


def record_alert_failure(alert_id: int, error: Exception) -> None:
    """Keep the error for the admin and free the send lease for the retry."""
    OwnerAlert.objects.filter(pk=alert_id).update(
        last_error=f"{type(error).__name__}: {error}"[:500], sending_until=None
    )
