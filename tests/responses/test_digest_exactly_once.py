"""Every mention reaches each person once: failures injected before, during and after the send.

The guarantee: never skipped, never in two different digests; the same digest (same items,
same Message-ID) goes out a second time only when the process dies between the SMTP server's
"250 accepted" and the commit that marks it sent.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from smtplib import SMTPDataError, SMTPServerDisconnected

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.db import DatabaseError, connection

from responses.digests import (
    LEASE,
    claim_due,
    claim_one,
    preference_for,
    record_failure,
    send_claimed,
)
from responses.models import Delivery, DigestItem, DigestPreference
from responses.tasks import send_digest, send_due_digests
from reviewwatch.celery import app as celery_app

START = datetime(2026, 5, 4, 10, 0, tzinfo=UTC)


@pytest.fixture
def eager_celery():
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = False


def instant(user) -> DigestPreference:
    pref = preference_for(user)
    pref.frequency = "instant"
    pref.next_due_at = pref.since
    pref.save()
    return pref


def numbers(mentions) -> list[int]:
    return sorted(int(m.external_id.removeprefix("review-")) for m in mentions)


def attempt(user, now) -> Exception | None:
    """One claimed send as a task does it; returns the error instead of retrying."""
    token = claim_one(user.pk, now, ignore_schedule=False)
    assert token is not None, "the person should be claimable"
    try:
        send_claimed(user.pk, token, now)
    except Exception as error:  # noqa: BLE001 - the test inspects what the send raised
        record_failure(user.pk, token, error, retry_in=60)
        return error
    return None


@pytest.mark.parametrize(
    ("mode", "error"),
    [("reject", SMTPDataError), ("raise", SMTPDataError), ("drop", SMTPServerDisconnected)],
)
def test_failed_smtp_send_keeps_the_digest_pending_and_the_next_run_sends_it_once(
    smtp_server, owner, make_mention, mode, error
):
    with time_machine.travel(START, tick=False):
        instant(owner)
    with time_machine.travel(START + timedelta(minutes=1), tick=False):
        first = [make_mention(), make_mention()]
        smtp_server.fail_next = [mode]
        assert isinstance(attempt(owner, START + timedelta(minutes=1)), error)
    assert smtp_server.messages == []
    pending = Delivery.objects.get(user=owner)
    assert pending.state == "pending" and pending.item_count == 2
    pref = DigestPreference.objects.get(user=owner)
    assert pref.failures == 1 and error.__name__ in pref.last_error

    later = START + timedelta(minutes=2)
    with time_machine.travel(later, tick=False):
        second = make_mention()
        assert claim_due(later) == []  # still held for the retry: no stampede on a sick server
    after_backoff = later + timedelta(seconds=60) + LEASE + timedelta(seconds=1)
    with time_machine.travel(after_backoff, tick=False):
        [(user_id, token)] = claim_due(after_backoff)
        assert send_claimed(user_id, token, after_backoff)
        [(user_id, token)] = claim_due(after_backoff + timedelta(minutes=1))
        assert send_claimed(user_id, token, after_backoff + timedelta(minutes=1))
    assert [smtp_server.review_numbers(m) for m in smtp_server.messages] == [
        numbers(first),
        numbers([second]),
    ]
    assert DigestPreference.objects.get(user=owner).last_error == ""


def test_smtp_server_down_before_the_send_loses_nothing(smtp_server, settings, owner, make_mention):
    instant(owner)
    mention = make_mention()
    real_port, settings.EMAIL_PORT = settings.EMAIL_PORT, smtp_server.unused_port()
    assert isinstance(attempt(owner, datetime.now(UTC)), ConnectionRefusedError)
    settings.EMAIL_PORT = real_port
    with time_machine.travel(datetime.now(UTC) + timedelta(seconds=61) + LEASE):
        assert attempt(owner, datetime.now(UTC)) is None
    assert smtp_server.review_numbers() == numbers([mention])


def test_crash_after_send_before_commit_resends_the_same_digest_once_and_no_more(
    smtp_server, owner, make_mention
):
    """The commit fails right after the SMTP server accepted: a trigger refuses 'sent'."""
    instant(owner)
    mentions = [make_mention() for _ in range(3)]
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE FUNCTION refuse_sent() RETURNS trigger LANGUAGE plpgsql AS "
            "$$ BEGIN RAISE EXCEPTION 'worker killed before commit'; END $$;"
            "CREATE TRIGGER refuse_sent BEFORE UPDATE ON responses_delivery FOR EACH ROW "
            "WHEN (NEW.state = 'sent') EXECUTE FUNCTION refuse_sent();"
        )
    assert isinstance(attempt(owner, datetime.now(UTC)), DatabaseError)
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER refuse_sent ON responses_delivery")
    assert len(smtp_server.messages) == 1
    assert Delivery.objects.get(user=owner).state == "pending"

    later = datetime.now(UTC) + timedelta(seconds=61) + LEASE
    with time_machine.travel(later, tick=False):
        assert attempt(owner, later) is None
    with time_machine.travel(later + timedelta(minutes=5), tick=False):
        assert attempt(owner, later + timedelta(minutes=5)) is None  # due again, nothing new
    first, resent = smtp_server.messages
    assert first["Message-ID"] == resent["Message-ID"]
    assert smtp_server.review_numbers(first) == smtp_server.review_numbers(resent)
    assert smtp_server.review_numbers(first) == numbers(mentions)
    assert Delivery.objects.get(user=owner).state == "sent"


def test_celery_task_retries_an_smtp_error_and_sends_once(smtp_server, owner, make_mention):
    instant(owner)
    mention = make_mention()
    [(user_id, token)] = claim_due(datetime.now(UTC))
    smtp_server.fail_next = ["reject"]
    send_digest.apply(args=[user_id, str(token)])  # eager: the retry runs at once
    assert smtp_server.review_numbers() == numbers([mention])
    assert Delivery.objects.get(user=owner).attempts == 2


def test_task_for_a_deleted_user_exits_cleanly(smtp_server, owner):
    instant(owner)
    [(user_id, token)] = claim_due(datetime.now(UTC))
    owner.delete()
    assert send_digest.apply(args=[user_id, str(token)]).result is False


def test_task_run_twice_with_the_same_claim_sends_once(smtp_server, owner, make_mention):
    instant(owner)
    make_mention()
    [(user_id, token)] = claim_due(datetime.now(UTC))
    assert send_claimed(user_id, token) is True
    assert send_claimed(user_id, token) is False  # a redelivered task finds its claim released
    assert len(smtp_server.messages) == 1


def test_mention_committed_late_with_an_older_first_seen_is_still_delivered(
    smtp_server, owner, make_mention
):
    with time_machine.travel(START, tick=False):
        instant(owner)
    with time_machine.travel(START + timedelta(minutes=10), tick=False):
        early = make_mention()
        assert attempt(owner, START + timedelta(minutes=10)) is None
    with time_machine.travel(START + timedelta(minutes=11), tick=False):
        # A slow poll stored this one with first_seen_at from before the last digest.
        late = make_mention(first_seen_at=START + timedelta(minutes=9, seconds=30))
        assert attempt(owner, START + timedelta(minutes=11)) is None
    assert [smtp_server.review_numbers(m) for m in smtp_server.messages] == [
        numbers([early]),
        numbers([late]),
    ]


def test_thirty_mentions_in_one_minute_make_one_instant_email(
    smtp_server, owner, make_mention, eager_celery
):
    with time_machine.travel(START, tick=False):
        instant(owner)
    with time_machine.travel(START + timedelta(seconds=30), tick=False):
        batch = [make_mention() for _ in range(30)]
    with time_machine.travel(START + timedelta(minutes=1), tick=False):
        assert send_due_digests() == 1
    with time_machine.travel(START + timedelta(minutes=2), tick=False):
        assert send_due_digests() == 1  # instant users are checked every minute ...
    [message] = smtp_server.messages  # ... and get no email when nothing is new
    assert smtp_server.subject(message).startswith("30 new negative reviews")
    assert smtp_server.review_numbers(message) == numbers(batch)
    assert DigestItem.objects.filter(user=owner).count() == 30


@pytest.mark.django_db(transaction=True)
def test_two_beats_at_once_never_claim_the_same_person(smtp_server):
    people = [
        get_user_model().objects.create_user(f"person{n}", f"person{n}@example.com")
        for n in range(20)
    ]
    for person in people:
        instant(person)
    now = datetime.now(UTC) + timedelta(seconds=1)
    barrier = threading.Barrier(4)
    claims: list[list[tuple[int, object]]] = []

    def beat() -> None:
        from django.db import connection as thread_connection

        barrier.wait()
        claims.append(claim_due(now))
        thread_connection.close()

    threads = [threading.Thread(target=beat) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    claimed = [user_id for batch in claims for user_id, _ in batch]
    assert sorted(claimed) == sorted(p.pk for p in people)


def test_pending_digest_whose_mentions_were_deleted_is_dropped_not_sent_empty(
    smtp_server, owner, make_mention
):
    instant(owner)
    gone = make_mention()
    smtp_server.fail_next = ["reject"]
    assert isinstance(attempt(owner, datetime.now(UTC)), SMTPDataError)
    gone.delete()
    kept = make_mention()
    with time_machine.travel(datetime.now(UTC) + timedelta(seconds=61) + LEASE):
        assert attempt(owner, datetime.now(UTC)) is None
    [message] = smtp_server.messages
    assert smtp_server.review_numbers(message) == numbers([kept])
