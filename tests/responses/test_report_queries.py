"""The report queries of issue 15 (volume, responsiveness, recoveries) against hand-computed
fixtures: the reader's days in Europe/Paris (a late-evening UTC mention counts on the next
Paris day, and 25 October 2026 has 25 hours), the previous period, per-person figures, the
recovery buckets, and a query count that does not grow with the rows."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from importlib import import_module
from zoneinfo import ZoneInfo

import pytest
from django.db import connection

from monitors.models import Label, Revision, Source
from responses.cases import open_case
from responses.models import Case, ReplyDraft, ReviewUpdate
from responses.reports.recoveries import recoveries
from responses.reports.responsiveness import responsiveness
from responses.reports.scope import ReportScope
from responses.reports.volume import volume

PARIS = ZoneInfo("Europe/Paris")
NOVEMBER_WEEK = ReportScope(first_day=date(2026, 11, 1), last_day=date(2026, 11, 7), zone=PARIS)
NOW = datetime(2026, 11, 10, 12, tzinfo=UTC)
CLOCK = datetime(2026, 11, 2, 10, tzinfo=UTC)
DAY = timedelta(hours=24)


def utc(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


def hours(count: float) -> timedelta:
    return timedelta(hours=count)


# --- Volume and sentiment --------------------------------------------------------------------


@pytest.fixture
def other_source(db):
    return Source.objects.create(name="Google", url="https://maps.example.com/acme")


def test_mentions_count_on_the_readers_day_across_midnight_and_the_clock_change(
    make_mention, source, other_source
):
    make_mention(first_seen_at=utc(10, 24, 21, 30))  # 23:30 on the 24th in Paris
    make_mention(first_seen_at=utc(10, 24, 23, 30), label=Label.NEUTRAL)  # 01:30 on the 25th
    make_mention(first_seen_at=utc(10, 25, 22, 30), source=other_source)  # 23:30 CET, the 25th
    make_mention(first_seen_at=utc(10, 25, 23, 30))  # 00:30 on the 26th
    make_mention(first_seen_at=utc(10, 26, 23, 30))  # the 27th: outside
    scope = ReportScope(first_day=date(2026, 10, 24), last_day=date(2026, 10, 26), zone=PARIS)

    report = volume(scope)

    rows = [(r.period_start.day, r.source_name, r.total, r.negative) for r in report.rows]
    assert rows == [
        (24, "Trustpilot", 1, 1),
        (25, "Google", 1, 1),
        (25, "Trustpilot", 1, 0),
        (26, "Trustpilot", 1, 1),
    ]
    assert report.period == "day"
    assert report.periods == [date(2026, 10, 24), date(2026, 10, 25), date(2026, 10, 26)]
    assert (report.total, report.negative, report.share_negative) == (4, 3, 0.75)


def test_negative_mentions_this_period_are_compared_with_the_last(
    make_mention, source, other_source
):
    for seen in (utc(10, 24, 21, 30), utc(10, 25, 22, 30), utc(10, 25, 23, 30)):
        make_mention(first_seen_at=seen)
    make_mention(first_seen_at=utc(10, 22, 10))  # previous period (21–23 October)
    make_mention(first_seen_at=utc(10, 23, 21))  # 23:00 on the 23rd in Paris: previous
    make_mention(first_seen_at=utc(10, 21, 12), label=Label.POSITIVE)
    scope = ReportScope(first_day=date(2026, 10, 24), last_day=date(2026, 10, 26), zone=PARIS)

    report = volume(scope)

    assert (report.negative, report.previous_negative) == (3, 2)
    assert (report.negative_change, report.negative_change_percent) == (1, 50.0)


def test_the_change_has_no_percentage_when_the_last_period_had_no_negative_mention(
    make_mention, other_source
):
    make_mention(first_seen_at=utc(10, 22, 10))  # previous period, but another source
    make_mention(first_seen_at=utc(10, 25, 12), source=other_source)
    scope = ReportScope(
        first_day=date(2026, 10, 24),
        last_day=date(2026, 10, 26),
        zone=PARIS,
        source_ids=(other_source.pk,),
    )

    report = volume(scope)

    assert [r.source_name for r in report.rows] == ["Google"]
    assert (report.negative_change, report.negative_change_percent) == (1, None)


def test_ranges_longer_than_90_days_are_counted_per_week_starting_monday(make_mention):
    make_mention(first_seen_at=utc(10, 25, 22, 30))  # Sunday 25th, Paris: week of Mon 19th
    make_mention(first_seen_at=utc(10, 25, 23, 30))  # Monday 26th, Paris: week of the 26th
    make_mention(first_seen_at=utc(10, 26, 8))
    scope = ReportScope(first_day=date(2026, 8, 1), last_day=date(2026, 11, 30), zone=PARIS)

    report = volume(scope)

    assert report.period == "week"
    assert [(r.period_start, r.total) for r in report.rows] == [
        (date(2026, 10, 19), 1),
        (date(2026, 10, 26), 2),
    ]
    assert report.periods[0] == date(2026, 7, 27) and report.periods[-1] == date(2026, 11, 30)
    assert all(start.weekday() == 0 for start in report.periods)


@pytest.mark.parametrize("count", [10, 200])
def test_the_volume_report_takes_five_queries_however_many_mentions(
    make_mention, source, django_assert_num_queries, count
):
    for n in range(count):
        make_mention(first_seen_at=utc(11, 1 + n % 7, 12))
    # For this period and the last: which days are summarised, the rest counted; the names.
    with django_assert_num_queries(5):
        report = volume(NOVEMBER_WEEK)
    assert report.total == count


# --- Responsiveness --------------------------------------------------------------------------


def make_case(
    make_mention,
    *,
    clock_from: datetime = CLOCK,
    target: timedelta = DAY,
    wait: timedelta | None = None,
    assignee=None,
    priority: int = Case.Priority.NORMAL,
    resolved_after: timedelta | None = None,
    rating: float = 1,
    **fields,
) -> Case:
    """A case whose response clock started at `clock_from`, answered in public after `wait`
    (None: not answered), resolved after `resolved_after`."""
    resolved = resolved_after is not None
    return Case.objects.create(
        mention=make_mention(rating=rating),
        rating_when_opened=Decimal(str(rating)),
        clock_from=clock_from,
        opened_at=clock_from,
        due_at=clock_from + target,
        responded=wait is not None,
        first_responded_at=clock_from + wait if wait is not None else None,
        assignee=assignee,
        priority=priority,
        status=Case.Status.RESOLVED if resolved else Case.Status.AWAITING,
        resolved_at=clock_from + resolved_after if resolved else None,
        **fields,
    )


@pytest.fixture
def team_week(make_mention, owner, staff):
    """Seven clocks started in the first week of November (hand-computed figures below),
    and two cases that must not count."""
    urgent, high, normal, low = Case.Priority
    make_case(make_mention, wait=hours(0.5), target=hours(1), assignee=owner, priority=urgent,
              resolved_after=hours(4))  # fmt: skip
    make_case(make_mention, wait=hours(2), assignee=owner, resolved_after=hours(10))
    make_case(make_mention, wait=hours(30), assignee=staff)
    make_case(make_mention, wait=hours(5), target=hours(1), assignee=staff, priority=urgent)
    # Closed without a reply: resolved, but never answered (and now overdue).
    make_case(make_mention, clock_from=utc(11, 3, 9), resolved_after=hours(6))
    make_case(make_mention, wait=timedelta(days=4), assignee=staff, priority=high)
    # 23:00 on 7 November in Paris, due after NOW: unanswered but not late yet.
    make_case(make_mention, clock_from=utc(11, 7, 22), target=hours(96), priority=low)
    # 23:00 on 31 October in Paris: before the range.
    make_case(make_mention, clock_from=utc(10, 31, 22), wait=hours(1))
    merged_into = Case.objects.order_by("pk").first()
    make_case(make_mention, wait=hours(1), merged_into=merged_into)


def test_team_response_times_count_only_posted_replies(team_week):
    team = responsiveness(NOVEMBER_WEEK, NOW).team

    assert (team.cases, team.answered) == (7, 5)
    assert team.median == hours(5)  # of 0.5, 2, 5, 30 and 96 hours
    assert team.p90 == hours(69.6)  # percentile_cont: 30 h + 0.6 × (96 h − 30 h)
    assert team.breaches == 4  # three answered late, one closed without a reply past due
    assert (team.within_target, team.due, team.within_target_share) == (2, 6, 2 / 6)
    assert (team.resolved, team.median_to_resolve) == (3, hours(6))  # of 4, 6 and 10 hours


def test_first_replies_are_spread_over_buckets_with_the_unanswered_last(team_week):
    distribution = responsiveness(NOVEMBER_WEEK, NOW).distribution

    assert [(b.label, b.cases) for b in distribution] == [
        ("< 1 h", 1),
        ("1–4 h", 1),
        ("4–24 h", 1),
        ("1–3 days", 1),
        ("> 3 days", 1),
        ("Not yet answered", 2),
    ]


def test_the_share_answered_within_target_is_given_per_priority(team_week):
    shares = responsiveness(NOVEMBER_WEEK, NOW).by_priority

    assert [(s.label, s.cases, s.due, s.within_target) for s in shares] == [
        ("Urgent", 2, 2, 1),
        ("High", 1, 1, 0),
        ("Normal", 3, 3, 1),
        ("Low", 1, 0, 0),
    ]
    assert [s.within_target_share for s in shares] == [0.5, 0.0, 1 / 3, None]


def test_each_person_sees_their_own_response_times(team_week, owner, staff):
    people = responsiveness(NOVEMBER_WEEK, NOW).by_person

    assert [p.assignee_email for p in people] == [owner.email, staff.email, ""]
    alice, bob, nobody = (p.figures for p in people)
    assert (alice.cases, alice.answered, alice.median, alice.p90) == (
        2,
        2,
        hours(1.25),
        hours(1.85),
    )
    assert (alice.breaches, alice.within_target, alice.median_to_resolve) == (0, 2, hours(7))
    assert (bob.median, bob.p90, bob.breaches, bob.within_target) == (
        hours(30),
        hours(82.8),
        3,
        0,
    )
    assert (bob.resolved, bob.median_to_resolve, bob.within_target_share) == (0, None, 0.0)
    assert (nobody.cases, nobody.answered, nobody.median, nobody.breaches) == (2, 0, None, 1)


def test_a_range_without_cases_has_no_figures_rather_than_zeros(db):
    report = responsiveness(NOVEMBER_WEEK, NOW)
    assert (report.team.cases, report.team.median, report.team.within_target_share) == (
        0,
        None,
        None,
    )
    assert report.by_person == []


@pytest.mark.parametrize("count", [10, 200])
def test_the_responsiveness_report_takes_three_queries_however_many_cases(
    make_mention, owner, staff, django_assert_num_queries, count
):
    for n in range(count):
        make_case(make_mention, wait=hours(n % 50), assignee=(owner, staff, None)[n % 3])
    with django_assert_num_queries(3):
        report = responsiveness(NOVEMBER_WEEK, NOW)
    assert report.team.cases == count and len(report.by_person) == 3


# --- Recoveries ------------------------------------------------------------------------------


def answered_case(make_mention, rating: float, wait: timedelta) -> Case:
    case = make_case(make_mention, rating=rating, wait=wait)
    ReplyDraft.objects.create(
        case=case, state=ReplyDraft.State.POSTED, posted_at=case.first_responded_at
    )
    return case


def review_edited(case: Case, old: float, new: float, seen_at: datetime) -> ReviewUpdate:
    revision = Revision.objects.create(mention=case.mention, seen_at=seen_at, changed=["rating"])
    case.mention.rating = Decimal(str(new))
    case.mention.save(update_fields=["rating"])
    return ReviewUpdate.objects.create(
        case=case,
        mention=case.mention,
        revision=revision,
        seen_at=seen_at,
        old_rating=Decimal(str(old)),
        new_rating=Decimal(str(new)),
    )


@pytest.fixture
def recovery_week(make_mention) -> dict[str, Case]:
    fast = answered_case(make_mention, 1, hours(0.5))
    review_edited(fast, 1, 5, utc(11, 3, 9))
    answered_case(make_mention, 2, hours(3))  # answered, never edited
    relapsed = answered_case(make_mention, 1, timedelta(days=2))
    review_edited(relapsed, 1, 4, utc(11, 5, 9))
    review_edited(relapsed, 4, 2, utc(11, 6, 9))
    three_stars = answered_case(make_mention, 3, hours(0.5))  # not a complaint: not counted
    review_edited(three_stars, 3, 5, utc(11, 3, 9))
    slow = answered_case(make_mention, 2, timedelta(days=3))
    review_edited(slow, 2, 3, utc(11, 6, 9))  # better, but not 4★
    make_case(make_mention, rating=1)  # never answered: not counted
    # Raised before our reply was posted: not a recovery after our reply.
    early = answered_case(make_mention, 2, hours(0.5))
    review_edited(early, 2, 5, CLOCK + hours(0.25))
    # Raised after the range: not listed this week, though its case counts in the buckets.
    late = answered_case(make_mention, 2, timedelta(days=5))
    review_edited(late, 2, 5, utc(11, 9, 9))
    return {"fast": fast, "relapsed": relapsed, "late": late}


def test_recoveries_list_the_reviews_raised_to_four_stars_after_our_reply(recovery_week):
    report = recoveries(NOVEMBER_WEEK)

    assert [(r.case_id, r.old_rating, r.new_rating) for r in report.recoveries] == [
        (recovery_week["relapsed"].pk, Decimal("1"), Decimal("4")),
        (recovery_week["fast"].pk, Decimal("1"), Decimal("5")),
    ]
    assert report.recoveries[1].replied_at == CLOCK + hours(0.5)
    assert report.recoveries[1].source_name == "Trustpilot"
    assert [(r.case_id, r.new_rating) for r in report.relapses] == [
        (recovery_week["relapsed"].pk, Decimal("2"))
    ]
    assert (report.recovered, report.relapsed) == (2, 1)


def test_the_recovery_rate_is_shown_per_reply_speed_with_its_counts(recovery_week):
    buckets = recoveries(NOVEMBER_WEEK).by_speed

    assert [(b.label, b.answered, b.recovered, b.rate) for b in buckets] == [
        ("Within 1 hour", 2, 1, 0.5),  # fast recovered; early rose before our reply
        ("Within 1 day", 1, 0, 0.0),
        ("Within 1 week", 3, 2, 2 / 3),  # relapsed and late recovered, slow did not
        ("Longer", 0, 0, None),
    ]


@pytest.mark.parametrize("count", [10, 200])
def test_the_recoveries_report_takes_three_queries_and_names_the_newest_fifty(
    make_mention, django_assert_num_queries, count
):
    for n in range(count):
        case = answered_case(make_mention, 1, hours(n % 30))
        review_edited(case, 1, 5, utc(11, 4, 9) + timedelta(minutes=n))
    # Counts, recoveries, buckets: the relapses are not asked for when there are none.
    with django_assert_num_queries(3):
        report = recoveries(NOVEMBER_WEEK)
    assert report.recovered == count
    assert len(report.recoveries) == min(count, 50)
    assert report.recoveries[0].seen_at == utc(11, 4, 9) + timedelta(minutes=count - 1)
    assert sum(bucket.recovered for bucket in report.by_speed) == count
    assert sum(bucket.recovered for bucket in report.by_speed) == count


def test_a_case_remembers_the_stars_its_review_had_when_it_opened(make_mention):
    mention = make_mention(rating=2, first_seen_at=CLOCK)
    case, _ = open_case(mention)
    review_edited(case, 2, 5, CLOCK + hours(1))

    case.refresh_from_db()
    assert (case.rating_when_opened, case.mention.rating) == (Decimal(2), Decimal(5))


def test_cases_opened_before_the_upgrade_get_the_stars_their_review_had_at_first(make_mention):
    edited = make_case(make_mention, rating=1)
    review_edited(edited, 1, 5, CLOCK + hours(3))
    review_edited(edited, 5, 4, CLOCK + hours(5))
    never_edited = make_case(make_mention, rating=2)
    Case.objects.update(rating_when_opened=None)

    with connection.cursor() as cursor:
        cursor.execute(import_module("responses.migrations.0017_case_rating_when_opened").FILL_IN)

    assert Case.objects.get(pk=edited.pk).rating_when_opened == Decimal(1)
    assert Case.objects.get(pk=never_edited.pk).rating_when_opened == Decimal(2)
