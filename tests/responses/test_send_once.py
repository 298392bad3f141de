"""A redelivered digest or alert task never sends twice, and retries never outlive Redis."""

from __future__ import annotations

import threading

import pytest
from django.conf import settings
from django.db import connection

from responses.digests import backoff_seconds, claim_one, preference_for
from responses.models import DigestPreference, OwnerAlert
from responses.tasks import send_digest, send_owner_alert
from tests.responses.conftest import SmtpSink


def test_retry_delays_of_digests_and_alerts_stay_well_below_the_redis_visibility_timeout():
    """A retry waits in the worker; past the visibility timeout Redis hands it to a second one."""
    visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    for task in (send_digest, send_owner_alert):
        delays = [backoff_seconds(retry) for retry in range(task.max_retries + 1)]
        assert max(delays) <= visibility / 2, task.name


def run_twice_at_once(call, smtp: SmtpSink) -> None:
    """Two copies of one task, the second arriving while the first talks to the (slow) SMTP
    server: it starts once the server has the first copy's message, however slow the machine."""

    def copy():
        try:
            call()
        finally:
            connection.close()

    threads = [threading.Thread(target=copy) for _ in range(2)]
    threads[0].start()
    assert smtp.receiving.wait(60), "the first copy never reached the SMTP server"
    threads[1].start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)


@pytest.mark.django_db(transaction=True)
def test_a_redelivered_digest_task_does_not_send_the_digest_twice(
    slow_smtp_server, owner, make_mention
):
    pref = preference_for(owner)
    DigestPreference.objects.filter(pk=pref.pk).update(frequency="instant")
    make_mention(rating=1)
    token = claim_one(owner.pk, pref.since, ignore_schedule=True)
    assert token is not None

    run_twice_at_once(lambda: send_digest(owner.pk, str(token)), slow_smtp_server)

    assert len(slow_smtp_server.messages) == 1
    pref.refresh_from_db()
    assert pref.last_sent_at is not None and pref.sending_until is None


@pytest.mark.django_db(transaction=True)
def test_a_redelivered_alert_task_does_not_email_the_owners_twice(slow_smtp_server, owner):
    alert = OwnerAlert.objects.create(kind="spike", key="2026-03-02T09", context={"count": 12})

    run_twice_at_once(lambda: send_owner_alert(alert.pk), slow_smtp_server)

    assert [m["To"] for m in slow_smtp_server.messages] == ["alice@example.com"]
    alert.refresh_from_db()
    assert alert.sent_at is not None and alert.attempts == 1


@pytest.mark.django_db(transaction=True)
def test_an_alert_that_failed_is_sent_by_its_retry(smtp_server, owner):
    alert = OwnerAlert.objects.create(kind="spike", key="2026-03-02T10", context={"count": 12})
    smtp_server.fail_next = ["reject"]
    with pytest.raises(Exception):  # noqa: B017 - Celery's Retry, raised when called directly
        send_owner_alert(alert.pk)
    send_owner_alert(alert.pk)
    assert len(smtp_server.messages) == 1
