"""Owners get last month's report by email once a month, when the month turns in their own time
zone: once, however often the beat and the send task run, and not at all when switched off."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from monitors.models import Label, Source, Subject
from responses.cases import open_case
from responses.models import Case, DigestPreference
from responses.monthly_report import due_reports
from responses.tasks import queue_monthly_reports, send_monthly_report
from tests.conftest import make_user
from tests.queued import run_queued_tasks
from tests.responses.test_digest_settings import digest_form

pytestmark = pytest.mark.django_db

SEND = "responses.tasks.send_monthly_report"
JOINED = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
# 1 December 01:00 in Auckland (UTC+13), still 30 November 04:00 in Los Angeles (UTC-8).
AUCKLAND_TURNED = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
# 1 December 00:30 in Los Angeles.
LOS_ANGELES_TURNED = datetime(2026, 12, 1, 8, 30, tzinfo=UTC)
PHRASE_REASON = "'charged', 'twice' in sentence 1: 'they charged me twice'"


@pytest.fixture(autouse=True)
def empty_queue():
    """Tasks other tests left on this worker's Redis db are not ours."""
    run_queued_tasks()


def person(email: str, role: str, zone: str, **preferences):
    with time_machine.travel(JOINED, tick=False):
        user = make_user(email, role)
    DigestPreference.objects.create(user=user, time_zone=zone, **preferences)
    return user


def recipients(smtp_server) -> list[str]:
    return [message["To"] for message in smtp_server.messages]


def run_beat_at(moment: datetime) -> list[str]:
    with time_machine.travel(moment, tick=False):
        queue_monthly_reports()
        return run_queued_tasks()


def test_each_owner_gets_the_report_when_the_month_turns_in_their_own_zone(smtp_server):
    person("kiri@example.com", "owner", "Pacific/Auckland")
    person("lou@example.com", "owner", "America/Los_Angeles")

    assert run_beat_at(AUCKLAND_TURNED - timedelta(hours=2)) == []  # 23:00 in Auckland
    assert run_beat_at(AUCKLAND_TURNED) == [SEND]
    assert recipients(smtp_server) == ["kiri@example.com"]
    assert run_beat_at(LOS_ANGELES_TURNED - timedelta(hours=1)) == []
    assert run_beat_at(LOS_ANGELES_TURNED) == [SEND]

    assert recipients(smtp_server) == ["kiri@example.com", "lou@example.com"]
    assert all(
        smtp_server.subject(message).startswith("Your report for November 2026:")
        for message in smtp_server.messages
    )
    assert run_beat_at(LOS_ANGELES_TURNED + timedelta(days=20)) == []  # once in December


def test_staff_and_owners_who_switched_it_off_get_no_report(smtp_server):
    person("bob@example.com", "staff", "Europe/Paris")
    person("olga@example.com", "owner", "Europe/Paris", monthly_report=False)

    assert run_beat_at(LOS_ANGELES_TURNED) == []
    assert smtp_server.messages == []


def test_the_report_is_sent_once_when_the_beat_and_the_send_task_each_run_twice(smtp_server):
    owner = person("kiri@example.com", "owner", "Pacific/Auckland")

    with time_machine.travel(AUCKLAND_TURNED, tick=False):
        assert queue_monthly_reports() == 1
        assert queue_monthly_reports() == 1  # nothing sent yet: queued again, the key decides
        assert run_queued_tasks() == [SEND, SEND]
        assert send_monthly_report(owner.pk, "2026-11-01") is False
        assert queue_monthly_reports() == 0

    assert recipients(smtp_server) == ["kiri@example.com"]


def test_a_report_the_mail_server_refused_is_sent_once_by_the_retry(smtp_server):
    owner = person("kiri@example.com", "owner", "Pacific/Auckland")
    smtp_server.fail_next = ["reject"]

    with time_machine.travel(AUCKLAND_TURNED, tick=False):
        queue_monthly_reports()
        with pytest.raises(OSError):  # the queued task meets a busy mail server; Celery retries
            run_queued_tasks()
        assert smtp_server.messages == []
        assert send_monthly_report(owner.pk, "2026-11-01") is True
        assert send_monthly_report(owner.pk, "2026-11-01") is False

    assert recipients(smtp_server) == ["kiri@example.com"]


def mention(make_mention, at: datetime, label: str = Label.NEGATIVE, **fields):
    return make_mention(first_seen_at=at, label=label, reason=PHRASE_REASON, **fields)


def answered_case(found, clock_from: datetime, wait: timedelta, target: timedelta) -> None:
    case = open_case(found)[0]
    Case.objects.filter(pk=case.pk).update(
        clock_from=clock_from, first_responded_at=clock_from + wait, due_at=clock_from + target
    )


@pytest.fixture
def paris_november(make_mention):
    """November 2026 in Paris (UTC+1): three mentions of ours, two of them negative (both
    quoting "charged", "twice"); one such negative in October; two of a competitor's in
    November, one negative, and one in October. Two answered cases: 2 h (within
    the 4 h target) and 6 h (late), so the median is 4 h and half were within the target."""
    first = mention(make_mention, datetime(2026, 10, 31, 23, 30, tzinfo=UTC))  # 1 Nov, 00:30
    second = mention(make_mention, datetime(2026, 11, 10, 12, 0, tzinfo=UTC))
    mention(make_mention, datetime(2026, 11, 20, 12, 0, tzinfo=UTC), Label.POSITIVE)
    mention(make_mention, datetime(2026, 11, 30, 23, 30, tzinfo=UTC))  # 1 Dec in Paris
    mention(make_mention, datetime(2026, 10, 31, 22, 30, tzinfo=UTC))  # 31 Oct, 23:30
    rival = Source.objects.create(
        name="Rival on Trustpilot",
        url="https://www.trustpilot.com/review/rival",
        subject=Subject.COMPETITOR,
        competitor_name="Rival Pizza",
    )
    for label, at in (
        (Label.NEGATIVE, datetime(2026, 11, 5, 12, 0, tzinfo=UTC)),
        (Label.POSITIVE, datetime(2026, 11, 5, 12, 0, tzinfo=UTC)),
        (Label.NEGATIVE, datetime(2026, 10, 5, 12, 0, tzinfo=UTC)),  # not ours: not counted
    ):
        mention(make_mention, at, label, source=rival, subject=Subject.COMPETITOR)
    answered_case(first, first.first_seen_at, timedelta(hours=2), timedelta(hours=4))
    answered_case(second, second.first_seen_at, timedelta(hours=6), timedelta(hours=4))


def test_the_email_shows_the_months_figures_with_a_link_to_its_days(smtp_server, paris_november):
    person("pia@example.com", "owner", "Europe/Paris")

    assert run_beat_at(datetime(2026, 12, 1, 6, 0, tzinfo=UTC)) == [SEND]

    [message] = smtp_server.messages
    assert smtp_server.subject(message) == "Your report for November 2026: 3 mentions, 2 negative"
    text = smtp_server.text(message)
    assert "Mentions: 3\n" in text
    assert "Negative: 2 (67% of mentions)" in text
    assert "Change on the month before: +1 (+100%; 1 in October)" in text
    assert "Median time to the first public reply: 4 h 00 min" in text
    assert "Answered within the target: 50% (1 of 2)" in text
    assert "Recoveries (1-2 stars raised to 4-5 after our reply): 0; relapses: 0" in text
    assert "01 Nov: 1 / 0 / 1\n" in text
    assert "10 Nov: 1 / 0 / 1\n" in text
    assert "20 Nov: 0 / 1 / 1\n" in text
    assert "30 Nov: 0 / 0 / 0\n" in text
    assert "1–4 h: 1 case\n" in text and "4–24 h: 1 case\n" in text and "< 1 h: 0 cases" in text
    assert "charged: 2 / 1" in text and "twice: 2 / 1" in text  # 2–31 Oct: one
    assert "Rival Pizza: 2, 50% negative" in text
    link = (
        "https://reviews.example.com/reports/?range=custom&since=2026-11-01&until=2026-11-30"
        "&subject=ours"
    )
    assert link in text
    html = smtp_server.html(message)
    assert f'href="{link.replace("&", "&amp;")}"' in html


def test_the_html_part_carries_each_chart_as_a_table(smtp_server, paris_november):
    person("pia@example.com", "owner", "Europe/Paris")

    run_beat_at(datetime(2026, 12, 1, 6, 0, tzinfo=UTC))

    html = smtp_server.html(smtp_server.messages[0])
    tables = re.findall(r'<table class="([\w-]+)"', html)
    assert tables == ["key-figures", "chart-table", "chart-table", "phrases", "competitors"]
    assert re.search(r"<th[^>]*>10 Nov</th><td[^>]*>1</td><td[^>]*>0</td><td[^>]*>1</td>", html)
    assert re.search(r"<th[^>]*>charged</th><td[^>]*>2</td><td[^>]*>1</td>", html)
    assert re.search(r"<th[^>]*>Rival Pizza</th><td[^>]*>2</td><td[^>]*>50%</td>", html)
    assert 'src="data:image/svg+xml;base64,' in html  # shown where SVG is allowed
    assert "<svg" not in html


def test_owner_switches_the_monthly_report_off_in_settings(client, owner, staff):
    client.force_login(owner)
    page = client.get(reverse("settings")).content.decode()
    assert re.search(r'<input[^>]*name="monthly_report"[^>]*checked', page)

    response = client.post(reverse("digest_preferences"), digest_form())  # box left unticked

    assert response.status_code == 302
    assert DigestPreference.objects.get(user=owner).monthly_report is False
    client.post(reverse("digest_preferences"), digest_form(monthly_report="on"))
    assert DigestPreference.objects.get(user=owner).monthly_report is True


def test_staff_are_not_offered_the_monthly_report_and_strangers_must_log_in(client, staff):
    assert client.get(reverse("settings"))["Location"].startswith(reverse("login"))
    client.force_login(staff)
    page = client.get(reverse("settings")).content.decode()
    assert "Email me the monthly report" not in page
    assert 'name="breach_alerts"' in page

    assert client.post(reverse("digest_preferences"), digest_form()).status_code == 302
    assert DigestPreference.objects.get(user=staff).monthly_report is True


def test_finding_whose_report_is_due_takes_the_same_queries_for_one_owner_or_many():
    person("kiri@example.com", "owner", "Pacific/Auckland")
    with CaptureQueriesContext(connection) as one:
        assert len(due_reports(LOS_ANGELES_TURNED)) == 1
    for number in range(5):
        person(f"owner{number}@example.com", "owner", "America/Los_Angeles")
    with CaptureQueriesContext(connection) as six:
        assert len(due_reports(LOS_ANGELES_TURNED)) == 6

    assert len(six) == len(one) == 2
