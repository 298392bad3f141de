"""A response clock that runs out unanswered emails the assignee, or every owner when nobody is
assigned: once per clock, however often the beat and the send tasks run."""

from __future__ import annotations

import re
import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from responses.cases import Change, change_case, open_case
from responses.models import Case, DigestPreference, Event
from responses.tasks import alert_breached_cases, send_breach_alert
from tests.conftest import make_user
from tests.queued import run_queued_tasks
from tests.responses.test_digest_settings import digest_form
from tests.responses.test_send_once import run_twice_at_once

pytestmark = pytest.mark.django_db

ALERT = "responses.tasks.send_breach_alert"


@pytest.fixture(autouse=True)
def empty_queue():
    """Tasks other tests left on this worker's Redis db are not ours."""
    run_queued_tasks()


def breached_case(make_mention, minutes_overdue: int = 5, assignee=None) -> Case:
    case = open_case(make_mention(rating=1, author="Dana Reyes"))[0]
    if assignee is not None:
        case = change_case(case.pk, case.version, None, Change(assignee=assignee))
    Case.objects.filter(pk=case.pk).update(
        due_at=timezone.now() - timedelta(minutes=minutes_overdue)
    )
    return Case.objects.get(pk=case.pk)


def recipients(smtp_server) -> list[str]:
    return sorted(message["To"] for message in smtp_server.messages)


def test_the_assignee_gets_one_email_even_when_beat_and_send_tasks_run_twice(
    smtp_server, owner, staff, make_mention
):
    case = breached_case(make_mention, minutes_overdue=12, assignee=staff)

    assert alert_breached_cases() == 1
    assert alert_breached_cases() == 0  # the clock is claimed already
    assert run_queued_tasks() == [ALERT]
    assert send_breach_alert(case.pk, case.clock_from.isoformat(), staff.pk) is False

    [message] = smtp_server.messages
    assert message["To"] == "bob@example.com"
    assert smtp_server.subject(message) == (
        f"Response time ran out: case {case.pk} (Dana Reyes on Trustpilot)"
    )
    text = smtp_server.text(message)
    assert "nothing has been posted in public yet (12 min overdue)" in text
    assert "The case is assigned to you." in text
    assert f"https://reviews.example.com{reverse('case', args=[case.pk])}" in text
    assert f"https://reviews.example.com{reverse('settings')}" in text
    assert "Dana Reyes" in smtp_server.html(message)
    [event] = Event.objects.filter(case=case, kind=Event.Kind.BREACHED)
    assert event.new_value == "alert emailed to bob@example.com"
    assert event.get_kind_display() == "Response clock ran out"


def test_an_unassigned_case_alerts_every_owner_and_no_staff(
    smtp_server, owner, staff, make_mention
):
    make_user("olga@example.com", "owner")
    breached_case(make_mention)

    alert_breached_cases()
    assert run_queued_tasks() == [ALERT, ALERT]

    assert recipients(smtp_server) == ["alice@example.com", "olga@example.com"]
    text = smtp_server.text(smtp_server.messages[0])
    assert "Nobody is assigned to this case, so every owner gets this alert." in text


def test_a_case_assigned_to_someone_who_left_alerts_the_owners(
    smtp_server, owner, staff, make_mention
):
    breached_case(make_mention, assignee=staff)
    staff.is_active = False
    staff.save()

    alert_breached_cases()
    run_queued_tasks()

    assert recipients(smtp_server) == ["alice@example.com"]


def test_answered_closed_and_not_yet_due_cases_raise_no_alert(
    smtp_server, owner, staff, make_mention
):
    answered = breached_case(make_mention)
    change_case(answered.pk, answered.version, staff, Change(answered=True))
    resolved = breached_case(make_mention)
    change_case(resolved.pk, resolved.version, staff, Change(status=Case.Status.RESOLVED))
    open_case(make_mention(rating=1))  # due in an hour

    assert alert_breached_cases() == 0
    assert run_queued_tasks() == []
    assert smtp_server.messages == []
    assert not Event.objects.filter(kind=Event.Kind.BREACHED).exists()


def test_a_competitors_case_past_due_raises_no_alert(smtp_server, owner, make_mention):
    case = open_case(make_mention(rating=1, subject="competitor"))[0]
    Case.objects.filter(pk=case.pk).update(due_at=timezone.now() - timedelta(minutes=5))
    assert alert_breached_cases() == 0 and smtp_server.messages == []


def test_a_case_answered_between_the_claim_and_the_send_sends_nothing(
    smtp_server, owner, staff, make_mention
):
    case = breached_case(make_mention, assignee=staff)
    alert_breached_cases()

    change_case(case.pk, case.version, staff, Change(answered=True))
    assert run_queued_tasks() == [ALERT]

    assert smtp_server.messages == []


def test_a_reopened_case_with_a_new_clock_alerts_again_when_that_clock_runs_out(
    smtp_server, owner, staff, make_mention
):
    case = breached_case(make_mention, assignee=staff)
    alert_breached_cases()
    run_queued_tasks()
    case = change_case(case.pk, case.version, staff, Change(status=Case.Status.RESOLVED))
    reopen = Change(status=Case.Status.NEW, reopen_because="They wrote again: still broken")
    case = change_case(case.pk, case.version, None, reopen)

    assert alert_breached_cases() == 0  # the new clock has time left
    Case.objects.filter(pk=case.pk).update(due_at=timezone.now() - timedelta(minutes=1))
    assert alert_breached_cases() == 1
    assert alert_breached_cases() == 0
    run_queued_tasks()

    assert recipients(smtp_server) == ["bob@example.com", "bob@example.com"]
    assert Event.objects.filter(case=case, kind=Event.Kind.BREACHED).count() == 2


def test_a_refused_email_is_retried_and_then_sent_once(smtp_server, owner, make_mention):
    case = breached_case(make_mention)
    alert_breached_cases()
    smtp_server.fail_next = ["reject"]

    with pytest.raises(OSError):  # the queued task meets a busy mail server; Celery retries it
        run_queued_tasks()
    assert smtp_server.messages == []
    assert send_breach_alert(case.pk, case.clock_from.isoformat(), owner.pk) is True
    assert send_breach_alert(case.pk, case.clock_from.isoformat(), owner.pk) is False

    assert recipients(smtp_server) == ["alice@example.com"]


def test_someone_who_switched_breach_alerts_off_in_settings_gets_none(
    smtp_server, owner, client, make_mention
):
    olga = make_user("olga@example.com", "owner")
    client.force_login(owner)
    page = client.get(reverse("settings")).content.decode()
    assert "Email me when a response clock runs out" in page
    assert re.search(r'<input[^>]*name="breach_alerts"[^>]*checked', page)

    response = client.post(reverse("digest_preferences"), digest_form())  # box left unticked

    assert response.status_code == 302
    assert DigestPreference.objects.get(user=owner).breach_alerts is False
    assert DigestPreference.objects.filter(user=olga, breach_alerts=False).count() == 0
    case = breached_case(make_mention)
    alert_breached_cases()
    run_queued_tasks()
    assert recipients(smtp_server) == ["olga@example.com"]
    event = Event.objects.get(case=case, kind=Event.Kind.BREACHED)
    assert event.new_value == "alert emailed to olga@example.com"


def test_nobody_left_to_alert_is_said_on_the_timeline(smtp_server, owner, make_mention):
    DigestPreference.objects.create(user=owner, breach_alerts=False)
    case = breached_case(make_mention)

    assert alert_breached_cases() == 1

    assert run_queued_tasks() == []
    event = Event.objects.get(case=case, kind=Event.Kind.BREACHED)
    assert event.new_value == "nobody to alert (email alerts switched off)"


@pytest.mark.django_db(transaction=True)
def test_two_beats_at_once_claim_a_breach_once_and_two_sends_at_once_email_once(
    slow_smtp_server, owner, make_mention
):
    case = breached_case(make_mention)
    claims: list[int] = []

    def beat() -> None:
        try:
            claims.append(alert_breached_cases())
        finally:
            connection.close()

    beats = [threading.Thread(target=beat) for _ in range(2)]
    for thread in beats:
        thread.start()
    for thread in beats:
        thread.join(timeout=60)
    assert sorted(claims) == [0, 1]
    assert run_queued_tasks() == [ALERT]

    clock_from = case.clock_from.isoformat()
    run_twice_at_once(lambda: send_breach_alert(case.pk, clock_from, owner.pk), slow_smtp_server)

    assert recipients(slow_smtp_server) == ["alice@example.com"]
    assert Event.objects.filter(case=case, kind=Event.Kind.BREACHED).count() == 1
