"""The Reports page: a period and filters kept in the URL, each report as a chart with its
numbers, for owner and staff; per-person figures for the owner only."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from monitors.models import Mention, Source, Subject
from responses.models import Case

pytestmark = pytest.mark.django_db


def case_answered_after(source: Source, n: int, wait: timedelta | None, days_ago: float = 2):
    seen = timezone.now() - timedelta(days=days_ago)
    mention = Mention.objects.create(
        source=source,
        external_id=str(n),
        content_hash="x",
        first_seen_at=seen,
        label="negative",
        reason="'cold', 'rude' in sentence 1: 'Cold soup, rude waiter.'",
        subject=source.subject,
    )
    return Case.objects.create(
        mention=mention,
        opened_at=seen,
        clock_from=seen,
        due_at=seen + timedelta(hours=1),
        responded=wait is not None,
        first_responded_at=seen + wait if wait is not None else None,
    )


@pytest.fixture
def reviews():
    source = Source.objects.create(name="Reviews", url="https://r.example/")
    case_answered_after(source, 1, timedelta(minutes=20))
    case_answered_after(source, 2, timedelta(minutes=50))
    case_answered_after(source, 3, None)
    case_answered_after(source, 4, timedelta(minutes=5), days_ago=20)
    return source


def test_reports_show_response_times_charts_and_phrases_to_staff_and_owner(
    client, owner, staff, reviews
):
    for person in (owner, staff):
        client.force_login(person)
        page = client.get(reverse("reports")).content.decode()
        assert 'data-report="opened">4<' in page and 'data-report="answered">3<' in page
        assert 'data-report="median">20 min<' in page
        assert page.count('role="img"') == 4  # volume, ratings, answering, phrases
        assert "?q=cold&amp;label=negative" in page
        assert ("Per person" in page) is (person == owner)


def test_the_period_in_the_url_narrows_every_figure(owner_client, reviews):
    page = owner_client.get(reverse("reports"), {"range": "7"}).content.decode()
    assert 'data-report="opened">3<' in page and 'data-report="mentions">3<' in page
    custom = {"range": "custom", "since": "2000-01-01", "until": "2000-01-31"}
    page = owner_client.get(reverse("reports"), custom).content.decode()
    assert 'data-report="opened">0<' in page and "1 Jan 2000 – 31 Jan 2000" in page


def test_a_bad_period_is_named_and_the_last_30_days_shown(owner_client, reviews):
    page = owner_client.get(reverse("reports"), {"range": "custom", "since": "2026-13-45"})
    text = page.content.decode()
    assert page.status_code == 200 and "Enter a valid date." in text
    assert 'data-report="opened">4<' in text


def test_competitors_stand_beside_us(owner_client, reviews):
    rival = Source.objects.create(
        name="Rival", url="https://rival.example/", subject=Subject.COMPETITOR,
        competitor_name="Riverside Credit Union",
    )  # fmt: skip
    case_answered_after(rival, 9, None)
    page = owner_client.get(reverse("reports")).content.decode()
    assert "Riverside Credit Union" in page


def test_a_stranger_is_sent_to_log_in():
    response = Client().get(reverse("reports"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
