"""The Reports page: how fast the team answered, from first seen to reply posted."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from monitors.models import Mention, Source
from responses.models import Case
from responses.response_times import response_times


def case_answered_after(source: Source, n: int, wait: timedelta | None, target: timedelta):
    seen = timezone.now() - timedelta(days=2)
    mention = Mention.objects.create(
        source=source, external_id=str(n), content_hash="x", first_seen_at=seen, label="negative"
    )
    return Case.objects.create(
        mention=mention,
        opened_at=seen,
        clock_from=seen,
        due_at=seen + target,
        responded=wait is not None,
        first_responded_at=seen + wait if wait is not None else None,
    )


def test_median_and_share_within_target_count_answered_cases_of_the_window(db):
    source = Source.objects.create(name="Reviews", url="https://r.example/")
    hour = timedelta(hours=1)
    case_answered_after(source, 1, timedelta(minutes=20), hour)
    case_answered_after(source, 2, timedelta(minutes=50), hour)
    case_answered_after(source, 3, timedelta(hours=5), hour)
    case_answered_after(source, 4, None, hour)
    old = case_answered_after(source, 5, timedelta(minutes=1), hour)
    Case.objects.filter(pk=old.pk).update(opened_at=timezone.now() - timedelta(days=40))
    times = response_times(timezone.now())
    assert (times.opened, times.answered, times.within_target) == (4, 3, 2)
    assert times.median == timedelta(minutes=50) and times.slowest == timedelta(hours=5)
    assert times.within_target_percent == 67


def test_reports_page_shows_response_times_to_staff_and_owner(client, owner, staff):
    source = Source.objects.create(name="Reviews", url="https://r.example/")
    case_answered_after(source, 1, timedelta(minutes=20), timedelta(hours=1))
    for person in (owner, staff):
        client.force_login(person)
        page = client.get(reverse("reports")).content.decode()
        assert 'data-report="median">20 min<' in page
        assert "100% (1 of 1)" in page and "Reviews" in page
