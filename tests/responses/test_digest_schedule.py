"""Digests go out at each person's local time, across DST changes and time zones."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest
import time_machine
from django.contrib.auth import get_user_model

from responses.digests import preference_for
from responses.models import DigestPreference
from responses.tasks import send_due_digests
from reviewwatch.celery import app as celery_app


@pytest.fixture
def eager_celery():
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = False


def prefs(**fields) -> DigestPreference:
    return DigestPreference(**{"frequency": "daily", "send_time": time(8, 0), **fields})


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_daily_eight_oclock_stays_eight_oclock_local_across_spring_forward():
    pref = prefs(time_zone="America/New_York")
    due = pref.next_due_after(utc(2026, 3, 6, 0, 0))
    sends = []
    for _ in range(4):
        sends.append(due)
        due = pref.next_due_after(due)
    # EST is UTC-5 until 8 March 2026, then EDT is UTC-4.
    assert sends == [
        utc(2026, 3, 6, 13),
        utc(2026, 3, 7, 13),
        utc(2026, 3, 8, 12),
        utc(2026, 3, 9, 12),
    ]


def test_a_local_time_that_does_not_exist_is_sent_once_an_hour_later():
    pref = prefs(time_zone="America/New_York", send_time=time(2, 30))
    assert pref.next_due_after(utc(2026, 3, 8, 0)) == utc(2026, 3, 8, 7, 30)  # 03:30 EDT
    assert pref.next_due_after(utc(2026, 3, 8, 7, 30)) == utc(2026, 3, 9, 6, 30)  # 02:30 EDT


def test_a_local_time_that_happens_twice_is_sent_once():
    pref = prefs(time_zone="America/New_York", send_time=time(1, 30))
    first = pref.next_due_after(utc(2026, 11, 1, 0))
    assert first == utc(2026, 11, 1, 5, 30)  # the first 01:30 (EDT)
    assert pref.next_due_after(first) == utc(2026, 11, 2, 6, 30)  # not 06:30 the same day


def test_weekly_goes_out_on_the_chosen_day_and_local_time():
    pref = prefs(frequency="weekly", weekday=4, send_time=time(17, 30), time_zone="Europe/Paris")
    # Monday 23 Nov 2026 -> Friday 27 Nov 17:30 CET = 16:30 UTC, then a week later.
    first = pref.next_due_after(utc(2026, 11, 23, 9))
    assert first == utc(2026, 11, 27, 16, 30)
    assert pref.next_due_after(first) == utc(2026, 12, 4, 16, 30)


def test_hourly_goes_out_on_the_hour_and_off_never():
    assert prefs(frequency="hourly").next_due_after(utc(2026, 1, 1, 9, 17)) == utc(2026, 1, 1, 10)
    assert prefs(frequency="off").next_due_after(utc(2026, 1, 1, 9, 17)) is None


def test_beat_sends_daily_digests_at_eight_local_for_people_in_two_time_zones_over_dst(
    smtp_server, make_mention, eager_celery
):
    people = {}
    with time_machine.travel(utc(2026, 3, 6, 0, 0), tick=False):
        for name, zone in (("berlin", "Europe/Berlin"), ("la", "America/Los_Angeles")):
            user = get_user_model().objects.create_user(name, f"{name}@example.com")
            pref = preference_for(user)
            pref.time_zone = zone
            pref.next_due_at = pref.next_due_after(utc(2026, 3, 6, 0, 0))
            pref.save()
            people[f"{name}@example.com"] = user
    received: list[tuple[str, datetime]] = []
    created: list[tuple[int, datetime]] = []
    beat = utc(2026, 3, 6, 0, 0)
    while beat < utc(2026, 3, 9, 0, 0):
        with time_machine.travel(beat, tick=False):
            if beat.minute == 0 and beat.hour % 6 == 0:
                mention = make_mention()
                created.append((int(mention.external_id.removeprefix("review-")), beat))
            before = len(smtp_server.messages)
            send_due_digests()
            received += [(m["To"], beat) for m in smtp_server.messages[before:]]
        beat += timedelta(minutes=15)
    assert received == [
        ("berlin@example.com", utc(2026, 3, 6, 7)),  # 08:00 CET
        ("la@example.com", utc(2026, 3, 6, 16)),  # 08:00 PST
        ("berlin@example.com", utc(2026, 3, 7, 7)),
        ("la@example.com", utc(2026, 3, 7, 16)),
        ("berlin@example.com", utc(2026, 3, 8, 7)),
        ("la@example.com", utc(2026, 3, 8, 15)),  # 08:00 PDT: the US changed clocks that night
    ]
    # Together the digests carried every mention found before the last send, none twice.
    for address in people:
        mine = [m for m in smtp_server.messages if m["To"] == address]
        numbers = [n for m in mine for n in smtp_server.review_numbers(m)]
        last_send = max(at for to, at in received if to == address)
        assert numbers == [n for n, at in created if at <= last_send]
