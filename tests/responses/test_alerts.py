"""Owner alerts: a paused source and a spike of negative mentions, once each, to owners only."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from monitors.models import Mention
from monitors.signals import negative_mentions, source_paused
from responses.models import AlertSettings, OwnerAlert
from reviewwatch.celery import app as celery_app

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def announce(transactional_db, django_capture_on_commit_callbacks):
    """Send a monitors signal as a committed poll would: the alert task runs in-process."""
    celery_app.conf.task_always_eager = True

    def send(signal, **kwargs) -> None:
        with django_capture_on_commit_callbacks(execute=True):
            signal.send(**kwargs)

    yield send
    celery_app.conf.task_always_eager = False


def test_paused_source_emails_every_owner_once_and_no_staff(
    smtp_server, owner, staff, source, announce
):
    source.enabled = False
    source.consecutive_failures = 5
    source.last_error = "HTTP 503"
    source.save()
    for _ in range(2):  # a repeated signal for the same pause
        announce(source_paused, sender=type(source), source=source, reason="5 failures in a row")
    [message] = smtp_server.messages
    assert message["To"] == "alice@example.com"
    assert smtp_server.subject(message) == "Source paused: Trustpilot"
    text = smtp_server.text(message)
    assert "Why: 5 failures in a row" in text and "Last error: HTTP 503" in text
    assert "https://reviews.example.com/sources/" in text
    assert "Trustpilot" in smtp_server.html(message)
    assert OwnerAlert.objects.get().sent_at is not None


def test_spike_over_the_hourly_count_alerts_once_per_window_not_per_mention(
    smtp_server, owner, make_mention, announce
):
    AlertSettings.objects.create(pk=1, spike_count=10, spike_multiple=1000)
    with time_machine.travel(NOW, tick=False):
        for number in range(15):
            announce(negative_mentions, sender=Mention, mentions=[make_mention()])
            if number < 10:
                assert smtp_server.messages == [], "10 in an hour is not more than 10"
    [message] = smtp_server.messages
    assert smtp_server.subject(message) == "Spike: 11 negative mentions in the last hour"
    with time_machine.travel(NOW + timedelta(minutes=30), tick=False):
        announce(negative_mentions, sender=Mention, mentions=[make_mention()])
    assert len(smtp_server.messages) == 1
    with time_machine.travel(NOW + timedelta(hours=3), tick=False):
        for _ in range(11):
            announce(negative_mentions, sender=Mention, mentions=[make_mention()])
    assert len(smtp_server.messages) == 2  # a new spike later is a new alert


def test_spike_by_rate_compares_with_the_usual_hourly_rate_of_the_past_week(
    smtp_server, owner, make_mention, announce
):
    AlertSettings.objects.create(pk=1, spike_count=100, spike_multiple=3)
    # A busy week: 336 negatives over 7 days = 2 an hour; 3x that is 6.
    for n in range(336):
        make_mention(first_seen_at=NOW - timedelta(hours=2, minutes=29 * n))
    with time_machine.travel(NOW, tick=False):
        for _ in range(6):
            announce(negative_mentions, sender=Mention, mentions=[make_mention()])
        assert smtp_server.messages == []  # 6 is not more than 3 x 2
        announce(negative_mentions, sender=Mention, mentions=[make_mention()])
    assert len(smtp_server.messages) == 1
    assert "Usually: 2.0 an hour" in smtp_server.text(smtp_server.messages[0])


def test_alert_that_fails_to_send_is_retried_and_sent_once(smtp_server, owner, source):
    from responses.alerts import record_source_paused
    from responses.tasks import send_owner_alert

    alert = record_source_paused(source, "robots.txt forbids it", NOW)
    smtp_server.fail_next = ["drop"]
    send_owner_alert.apply(args=[alert.pk])  # eager apply: the retry runs at once
    send_owner_alert.apply(args=[alert.pk])  # a duplicate task finds it sent
    assert len(smtp_server.messages) == 1
    alert.refresh_from_db()
    assert alert.attempts == 2 and alert.sent_at is not None


def test_after_a_quiet_week_a_few_negatives_are_not_a_spike(
    smtp_server, owner, make_mention, announce
):
    AlertSettings.objects.create(pk=1, spike_count=10, spike_multiple=3)
    with time_machine.travel(NOW, tick=False):
        for _ in range(3):
            announce(negative_mentions, sender=Mention, mentions=[make_mention()])
        assert smtp_server.messages == []  # the usual rate counts as at least 1 an hour
        announce(negative_mentions, sender=Mention, mentions=[make_mention()])
    assert smtp_server.subject(smtp_server.messages[0]).startswith("Spike: 4 negative")
