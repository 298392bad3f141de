"""Celery entry points for digests, owner alerts and note emails. Tasks take IDs and are safe
to run twice."""

from __future__ import annotations

import random
import uuid
from datetime import date, datetime

from celery import shared_task
from django.contrib.auth import get_user_model
from django.db import OperationalError
from django.utils import timezone

from monitors.day_counts import count_uncounted_days
from responses import approvals, incident_replies, incidents, monthly_report, posting
from responses.alerts import record_alert_failure, record_spike_if_any, send_alert
from responses.breaches import CLAIMS_PER_TICK, claim_next_breach, send_breach_email
from responses.customer_health import refresh_all
from responses.customers import sync_records
from responses.digests import claim_due, ensure_preferences, record_failure, send_claimed
from responses.models import Note, PlatformPost
from responses.notify import tasks as notify_tasks  # noqa: F401 - registers them
from responses.reports.mention_counts import readers_zones
from reviewwatch.emails import SEND_ERRORS, backoff_seconds, send_email, send_once


@shared_task(name="responses.tasks.send_due_digests", ignore_result=True)
def send_due_digests() -> int:
    """Beat, every minute: claim everyone whose digest is due and queue one task per person."""
    now = timezone.now()
    ensure_preferences(now)
    claims = claim_due(now)
    for user_id, token in claims:
        send_digest.delay(user_id, str(token))
    return len(claims)


@shared_task(
    name="responses.tasks.send_digest",
    bind=True,
    acks_late=True,
    ignore_result=True,
    max_retries=8,
)
def send_digest(self, user_id: int, token: str) -> bool:
    """Send one claimed digest; SMTP errors are recorded and retried with backoff and jitter.

    After the last retry the claim simply expires and the next beat claims the person again.
    """
    try:
        return send_claimed(user_id, uuid.UUID(token))
    except SEND_ERRORS as error:
        countdown = backoff_seconds(self.request.retries)
        record_failure(user_id, uuid.UUID(token), error, countdown)
        raise self.retry(exc=error, countdown=countdown) from error


@shared_task(
    name="responses.tasks.send_owner_alert",
    bind=True,
    acks_late=True,
    ignore_result=True,
    max_retries=8,
)
def send_owner_alert(self, alert_id: int) -> bool:
    try:
        return send_alert(alert_id)
    except SEND_ERRORS as error:
        record_alert_failure(alert_id, error)
        raise self.retry(exc=error, countdown=backoff_seconds(self.request.retries)) from error


@shared_task(name="responses.tasks.check_negative_spike", ignore_result=True, expires=600)
def check_negative_spike() -> bool:
    """After a poll announced negatives: alert the owners if they spike. Safe to run twice:
    one alert per spike window."""
    alert = record_spike_if_any(timezone.now())
    if alert is not None:
        send_owner_alert.delay(alert.pk)
    return alert is not None


@shared_task(name="responses.tasks.refresh_customers", ignore_result=True, expires=270)
def refresh_customers() -> int:
    """Beat, every 5 minutes: customer records for new authors, then each active customer's
    health; a customer turning red alerts the owners. Safe to run twice: the colour is claimed
    with a conditional UPDATE and the alert is unique per customer and turn."""
    sync_records()
    alerts = refresh_all(timezone.now())
    for alert in alerts:
        send_owner_alert.delay(alert.pk)
    return len(alerts)


@shared_task(
    name="responses.tasks.send_note_mention",
    bind=True,
    acks_late=True,
    ignore_result=True,
    max_retries=8,
)
def send_note_mention(self, note_id: int, recipient_id: int) -> bool:
    """Email one colleague, once, that a note @mentions them. True when it was sent now."""
    note = Note.objects.select_related("case", "author").filter(pk=note_id).first()
    person = get_user_model().objects.filter(pk=recipient_id, is_active=True).first()
    if note is None or person is None or not person.email:
        return False
    context = {"note": note, "case": note.case, "author": note.author, "recipient": person}
    try:
        return send_once(
            f"note:{note_id}:{recipient_id}",
            lambda: send_email("note_mention", person.email, context),
        )
    except SEND_ERRORS as error:
        raise self.retry(exc=error, countdown=backoff_seconds(self.request.retries)) from error


@shared_task(
    name="responses.tasks.send_platform_post",
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    ignore_result=True,
    soft_time_limit=60,
    time_limit=90,
    max_retries=posting.MAX_ATTEMPTS,
)
def send_platform_post(self, post_id: int) -> str:
    """Put one reply on its platform (see responses.posting); a quota or a passing
    failure leaves the post queued and comes back when the platform allows."""
    post = posting.send(post_id)
    if post is None:
        return "held"
    if post.state == PlatformPost.State.QUEUED and post.retry_at:
        wait = max(1.0, (post.retry_at - timezone.now()).total_seconds())
        raise self.retry(countdown=wait * random.uniform(1.0, 1.1))
    return post.state


@shared_task(
    name="responses.tasks.send_approval_emails",
    bind=True,
    acks_late=True,
    ignore_result=True,
    max_retries=8,
)
def send_approval_emails(self, decision_id: int) -> int:
    """Email the owners that a reply waits for approval, or its writer that it was approved
    or returned: each person once, however often this runs. The number sent now."""
    try:
        return approvals.send_decision_emails(decision_id)
    except SEND_ERRORS as error:
        raise self.retry(exc=error, countdown=backoff_seconds(self.request.retries)) from error


@shared_task(name="responses.tasks.alert_breached_cases", ignore_result=True)
def alert_breached_cases() -> int:
    """Beat, every minute: claim each case whose response clock ran out unanswered, one at a
    time, and queue one email per recipient. Safe to run twice: a clock is claimed once."""
    now = timezone.now()
    claimed = 0
    while claimed < CLAIMS_PER_TICK and (breach := claim_next_breach(now)) is not None:
        claimed += 1
        for user_id in breach.recipient_ids:
            send_breach_alert.delay(breach.case_id, breach.clock_from.isoformat(), user_id)
    return claimed


@shared_task(
    name="responses.tasks.send_breach_alert",
    bind=True,
    acks_late=True,
    ignore_result=True,
    max_retries=8,
)
def send_breach_alert(self, case_id: int, clock_from: str, user_id: int) -> bool:
    """Email one person that a case's response clock ran out, once. True when it was sent now."""
    try:
        return send_breach_email(
            case_id, datetime.fromisoformat(clock_from), user_id, timezone.now()
        )
    except SEND_ERRORS as error:
        raise self.retry(exc=error, countdown=backoff_seconds(self.request.retries)) from error


@shared_task(name="responses.tasks.count_mention_days", ignore_result=True)
def count_mention_days() -> int:
    """Beat, every 15 minutes: count each settled day of mentions in every reader's zone, so
    reports over long ranges read the daily summary. Safe to run twice: a day is replaced."""
    return count_uncounted_days(readers_zones(), timezone.now())


@shared_task(name="responses.tasks.queue_monthly_reports", ignore_result=True)
def queue_monthly_reports() -> int:
    """Beat, hourly: queue one send task per owner whose local month turned and who has not
    been sent the report of their last month. Safe to run twice: the send is keyed."""
    due = monthly_report.due_reports(timezone.now())
    for user_id, month in due:
        send_monthly_report.delay(user_id, month.isoformat())
    return len(due)


@shared_task(
    name="responses.tasks.send_monthly_report",
    bind=True,
    acks_late=True,
    ignore_result=True,
    max_retries=8,
)
def send_monthly_report(self, user_id: int, month: str) -> bool:
    """Email one owner the report of the month starting on `month`, once; True when sent now."""
    try:
        return monthly_report.send_report(user_id, date.fromisoformat(month), timezone.now())
    except SEND_ERRORS as error:
        raise self.retry(exc=error, countdown=backoff_seconds(self.request.retries)) from error


@shared_task(
    name="responses.tasks.post_incident_reply",
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    ignore_result=True,
    max_retries=8,
)
def post_incident_reply(self, reply_id: int) -> int:
    """Answer every linked case of an incident with its approved reply, each case once however
    often this runs (responses.incident_replies); the number of cases answered now."""
    try:
        return incident_replies.post_to_cases(reply_id)
    except OperationalError as error:  # the database went away: the cases done stay done
        raise self.retry(exc=error, countdown=backoff_seconds(self.request.retries)) from error


@shared_task(name="responses.tasks.draft_incident_script", acks_late=True, ignore_result=True)
def draft_incident_script(incident_id: int) -> int:
    """The incident's script as the draft of each linked case without a reply; safe to run
    twice (responses.incidents.draft_script). The number drafted now."""
    return incidents.draft_script(incident_id)
