"""Reports over long ranges read a daily summary of mentions (monitors/day_counts.py): the
figures must be the same whether a day is read from the summary or from the mentions, in the
reader's own zone (Paris, where 25 October 2026 has 25 hours, and Tokyo), and a change to an
old mention must show in the next report at once, whoever makes it."""

from __future__ import annotations

import random
import threading
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import psycopg2
import pytest
from django.db import OperationalError, connection, transaction

from monitors.day_counts import DAY_COUNTS_LOCK, count_uncounted_days
from monitors.models import CountedDay, Label, Mention, MentionDayCount, Source, Subject
from responses.reports.competitors import side_by_side
from responses.reports.ratings import average_ratings
from responses.reports.scope import ReportScope
from responses.reports.volume import volume

PARIS, TOKYO = ZoneInfo("Europe/Paris"), ZoneInfo("Asia/Tokyo")
NOW = datetime(2026, 11, 30, 12, tzinfo=UTC)
OCTOBER = (date(2026, 10, 1), date(2026, 10, 31))
LABELS = [Label.NEGATIVE, Label.NEUTRAL, Label.POSITIVE]


def scope(first: date, last: date, zone: ZoneInfo = PARIS, **filters) -> ReportScope:
    return ReportScope(first_day=first, last_day=last, zone=zone, **filters)


@pytest.fixture
def rival(db) -> Source:
    return Source.objects.create(
        name="Rival", url="https://rival.example/reviews", subject=Subject.COMPETITOR,
        competitor_name="Bistro Rival",
    )  # fmt: skip


@pytest.fixture
def october(make_mention, source, rival) -> list[Mention]:
    """300 mentions over September to November, many near midnight UTC and around the night
    the clocks went back in Paris, half rated, in both subjects."""
    picker = random.Random(15)
    start = datetime(2026, 9, 1, tzinfo=UTC)
    mentions = []
    for n in range(300):
        seen = start + timedelta(hours=picker.randrange(0, 90 * 24), minutes=picker.choice([0, 59]))
        mentions.append(
            make_mention(
                first_seen_at=seen,
                source=rival if n % 3 == 0 else source,
                subject=Subject.COMPETITOR if n % 3 == 0 else Subject.OURS,
                label=picker.choice(LABELS),
                rating=picker.choice([None, 1, 2, 3.5, 4, 5]),
            )
        )
    return mentions


def figures(report_scope: ReportScope) -> tuple:
    return volume(report_scope), average_ratings(report_scope), side_by_side(report_scope)


@pytest.mark.parametrize(
    ("first", "last", "zone"),
    [(*OCTOBER, PARIS), (date(2026, 9, 1), date(2026, 11, 29), PARIS), (*OCTOBER, TOKYO)],
    ids=["october-paris", "by-week-paris", "october-tokyo"],
)
def test_counted_days_give_the_same_report_as_the_mentions(october, first, last, zone):
    read_from_mentions = figures(scope(first, last, zone))

    counted = count_uncounted_days([zone.key], NOW)

    first_mentions_day = min(m.first_seen_at for m in october).astimezone(zone).date()
    assert counted == (NOW.astimezone(zone).date() - first_mentions_day).days  # up to yesterday
    assert CountedDay.objects.filter(zone=zone.key).count() == counted
    assert figures(scope(first, last, zone)) == read_from_mentions


def test_a_day_is_counted_in_each_readers_zone_and_read_in_ones_own(october):
    count_uncounted_days([PARIS.key], NOW)
    tokyo_from_mentions = figures(scope(*OCTOBER, TOKYO))

    assert not CountedDay.objects.filter(zone=TOKYO.key).exists()
    count_uncounted_days([TOKYO.key, PARIS.key], NOW)

    assert figures(scope(*OCTOBER, TOKYO)) == tokyo_from_mentions
    assert figures(scope(*OCTOBER, TOKYO)) != figures(scope(*OCTOBER, PARIS))


def test_yesterday_is_counted_two_hours_after_it_ended_and_today_never(make_mention):
    make_mention(first_seen_at=datetime(2026, 11, 29, 12, tzinfo=UTC))
    just_after_midnight = datetime(2026, 11, 30, 0, 30, tzinfo=UTC)  # 01:30 in Paris

    count_uncounted_days([PARIS.key], just_after_midnight)
    assert not CountedDay.objects.filter(day=date(2026, 11, 29)).exists()

    count_uncounted_days([PARIS.key], just_after_midnight + timedelta(hours=1))
    assert CountedDay.objects.filter(day=date(2026, 11, 29)).exists()
    assert not CountedDay.objects.filter(day=date(2026, 11, 30)).exists()


def test_counting_again_counts_each_mention_once(october):
    count_uncounted_days([PARIS.key], NOW)
    before = list(MentionDayCount.objects.values_list("day", "source", "label", "mentions"))
    CountedDay.objects.all().delete()  # every day uncounted, the old counts still there

    count_uncounted_days([PARIS.key], NOW)

    after = list(MentionDayCount.objects.values_list("day", "source", "label", "mentions"))
    assert sorted(after) == sorted(before)
    assert sum(row[3] for row in after) == len(october)


def the_day_of(mention: Mention) -> date:
    return mention.first_seen_at.astimezone(PARIS).date()


def negative_in_october() -> int:
    return volume(scope(*OCTOBER)).negative


CHANGES = {
    "label corrected": lambda m: Mention.objects.filter(pk=m.pk).update(label=Label.POSITIVE),
    "rating edited": lambda m: Mention.objects.filter(pk=m.pk).update(rating=Decimal(5)),
    "deleted": lambda m: Mention.objects.filter(pk=m.pk).delete(),
    "moved to another subject": lambda m: Mention.objects.filter(pk=m.pk).update(
        subject=Subject.COMPETITOR
    ),
}


@pytest.mark.parametrize("change", CHANGES.values(), ids=CHANGES.keys())
def test_a_change_to_an_old_mention_forgets_its_day_and_shows_in_the_next_report(october, change):
    negative = next(m for m in october if m.label == Label.NEGATIVE and m.first_seen_at.month == 10)
    count_uncounted_days([PARIS.key], NOW)
    day = the_day_of(negative)
    before = figures(scope(*OCTOBER))

    change(negative)

    assert not CountedDay.objects.filter(day__range=(day - timedelta(1), day + timedelta(1)))
    after_change = figures(scope(*OCTOBER))
    assert after_change != before
    count_uncounted_days([PARIS.key], NOW)
    assert CountedDay.objects.filter(day=day).exists()
    assert figures(scope(*OCTOBER)) == after_change


def test_a_mention_arriving_late_for_a_counted_day_is_counted_in_the_next_report(
    october, make_mention
):
    count_uncounted_days([PARIS.key], NOW)
    before = negative_in_october()

    make_mention(first_seen_at=datetime(2026, 10, 12, 9, tzinfo=UTC), label=Label.NEGATIVE)

    assert not CountedDay.objects.filter(day=date(2026, 10, 12)).exists()
    assert negative_in_october() == before + 1


def test_mentions_seen_now_and_their_fresh_edits_leave_counted_days_alone(october, make_mention):
    count_uncounted_days([PARIS.key], NOW)
    days = CountedDay.objects.count()

    fresh = make_mention(label=Label.NEGATIVE)
    Mention.objects.filter(pk=fresh.pk).update(rating=Decimal(4), last_seen_at=NOW)
    Mention.objects.filter(first_seen_at__month=10).update(last_seen_at=NOW)

    assert CountedDay.objects.count() == days


@pytest.mark.parametrize("counted", [False, True], ids=["from-mentions", "from-summary"])
@pytest.mark.parametrize("report", [volume, average_ratings, side_by_side])
def test_a_year_of_reports_asks_as_often_whether_days_are_counted_or_not(
    october, django_assert_max_num_queries, counted, report
):
    if counted:
        count_uncounted_days([PARIS.key], NOW)
    Mention.objects.filter(pk=october[5].pk).update(label=Label.POSITIVE)  # one day uncounted
    with django_assert_max_num_queries(8):
        report(scope(date(2026, 1, 1), date(2026, 11, 30)))


@pytest.mark.django_db(transaction=True)
def test_a_change_to_an_old_mention_waits_while_its_day_is_being_counted(make_mention):
    mention = make_mention(first_seen_at=datetime(2026, 10, 12, 9, tzinfo=UTC))
    counter = psycopg2.connect(**_connection_params())
    counter.cursor().execute("SELECT pg_advisory_xact_lock(%s)", [DAY_COUNTS_LOCK])
    try:
        with pytest.raises(OperationalError, match="lock timeout"), transaction.atomic():
            connection.cursor().execute("SET LOCAL lock_timeout = '300ms'")
            Mention.objects.filter(pk=mention.pk).update(label=Label.POSITIVE)
        changed = threading.Thread(target=_correct, args=[mention.pk])
        counter.cursor().execute(  # the counter marks the day while the change waits
            "INSERT INTO monitors_countedday (zone, day, counted_at) VALUES (%s, %s, now())",
            [PARIS.key, date(2026, 10, 12)],
        )
        changed.start()
        changed.join(0.5)
        assert changed.is_alive()  # still waiting for the count to commit
        counter.commit()
        changed.join(10)
    finally:
        counter.close()
    assert Mention.objects.get(pk=mention.pk).label == Label.POSITIVE
    assert not CountedDay.objects.filter(day=date(2026, 10, 12)).exists()


def _correct(mention_id: int) -> None:
    try:
        Mention.objects.filter(pk=mention_id).update(label=Label.POSITIVE)
    finally:
        connection.close()


def _connection_params() -> dict:
    settings = connection.settings_dict
    return {
        "dbname": settings["NAME"],
        "user": settings["USER"],
        "host": settings["HOST"],
        "port": settings["PORT"],
        "password": settings["PASSWORD"],
    }


def test_the_quarter_hourly_task_counts_days_in_the_servers_zone_and_every_readers(
    october, owner, staff
):
    from django.conf import settings

    from responses.models import DigestPreference
    from responses.tasks import count_mention_days

    DigestPreference.objects.update_or_create(user=owner, defaults={"time_zone": TOKYO.key})
    DigestPreference.objects.update_or_create(user=staff, defaults={"time_zone": PARIS.key})

    assert count_mention_days() > 0

    zones = set(CountedDay.objects.values_list("zone", flat=True))
    assert zones == {settings.TIME_ZONE, TOKYO.key, PARIS.key}
    assert count_mention_days() == 0  # nothing left to count until another day settles
