"""Report queries for ratings, complaints and competitors (issue 15, points 3, 6 and 7), checked
against hand-computed fixtures in the reader's zone (Europe/Paris; clocks go back on
25 October 2026), and issuing as many queries for 200 rows as for 10."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from monitors.classify import classify
from monitors.models import Label, Mention, RatingSnapshot, Source, Subject
from monitors.search import search_mentions
from responses.models import Case, Remedy, Tag
from responses.reports import complaints
from responses.reports.competitors import side_by_side
from responses.reports.complaints import (
    RemedyOutcome,
    complaint_phrases,
    reason_phrases,
    remedies,
    tags_over_time,
)
from responses.reports.ratings import average_ratings, public_ratings
from responses.reports.scope import ReportScope

PARIS = ZoneInfo("Europe/Paris")
D = Decimal


def utc(day: int, hour: int, minute: int = 0, month: int = 10) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


def paris_days(first: date, last: date, **filters) -> ReportScope:
    return ReportScope(first_day=first, last_day=last, zone=PARIS, **filters)


OCT_24_TO_26 = paris_days(date(2026, 10, 24), date(2026, 10, 26))
OCT_20_TO_26 = paris_days(date(2026, 10, 20), date(2026, 10, 26))  # previous: 13-19 Oct


@pytest.fixture
def google(db) -> Source:
    return Source.objects.create(name="Google", url="https://maps.example.com/place/x")


@pytest.fixture
def rival(db) -> Source:
    return Source.objects.create(
        name="Rival on Trustpilot",
        url="https://www.trustpilot.com/review/rival",
        subject=Subject.COMPETITOR,
        competitor_name="Rival Pizza",
    )


def make_case(make_mention, opened_at: datetime, *tags: Tag, **fields) -> Case:
    mention = make_mention(first_seen_at=opened_at)
    case = Case.objects.create(mention=mention, opened_at=opened_at, due_at=opened_at, **fields)
    case.tags.set(tags)
    return case


# Point 3: ratings


def test_average_rating_counts_a_late_evening_mention_on_the_readers_next_day(
    make_mention, source, google
):
    make_mention(rating=1, first_seen_at=utc(23, 21, 59))  # 23:59 on 23 Oct in Paris: before
    make_mention(rating=4, first_seen_at=utc(24, 12))
    make_mention(rating=None, first_seen_at=utc(24, 13))  # no stars: not averaged
    make_mention(rating=2, first_seen_at=utc(24, 23, 30))  # 01:30 on 25 Oct in Paris
    make_mention(rating=5, first_seen_at=utc(25, 10))
    make_mention(rating=1, first_seen_at=utc(25, 11), source=google)
    make_mention(rating=3, first_seen_at=utc(26, 22, 59))  # 23:59 on 26 Oct (UTC+1 now)
    make_mention(rating=5, first_seen_at=utc(26, 23))  # midnight on 27 Oct: after

    rows = [
        (r.period_start.day, r.source_name, r.average, r.count)
        for r in average_ratings(OCT_24_TO_26)
    ]

    assert rows == [
        (24, "Trustpilot", D("4.00"), 1),
        (25, "Google", D("1.00"), 1),
        (25, "Trustpilot", D("3.50"), 2),
        (26, "Trustpilot", D("3.00"), 1),
    ]
    only_google = replace(OCT_24_TO_26, source_ids=(google.id,))
    assert [(r.source_name, r.count) for r in average_ratings(only_google)] == [("Google", 1)]


def test_a_range_over_90_days_averages_per_week_from_monday_in_the_readers_zone(make_mention):
    scope = paris_days(date(2026, 8, 1), date(2026, 11, 28))  # 120 days
    make_mention(rating=2, first_seen_at=utc(18, 22, 30))  # Monday 19 Oct, 00:30 in Paris
    make_mention(rating=4, first_seen_at=utc(25, 22, 30))  # Sunday 25 Oct, 23:30 in Paris
    make_mention(rating=5, first_seen_at=utc(25, 23, 30))  # Monday 26 Oct, 00:30 in Paris

    rows = [(r.period_start, r.average, r.count) for r in average_ratings(scope)]

    assert rows == [(date(2026, 10, 19), D("3.00"), 2), (date(2026, 10, 26), D("5.00"), 1)]
    assert scope.period_starts()[0] == date(2026, 7, 27)  # the Monday of the week of 1 Aug
    assert scope.period_starts()[-1] == date(2026, 11, 23)


def test_the_public_average_carries_the_last_snapshot_forward_and_says_none_before_the_first(
    source, google, db
):
    Source.objects.create(name="Blog", url="https://blog.example.com/feed")  # never rated
    for where, at, rating in [
        (source, utc(20, 9), "4.10"),  # before the range: carried into 24 Oct
        (source, utc(25, 8), "4.20"),
        (source, utc(25, 20), "4.30"),  # the last one of 25 Oct counts
        (source, utc(27, 12), "1.00"),  # after the range
        (google, utc(24, 22, 30), "4.40"),  # 00:30 on 25 Oct in Paris
        (google, utc(26, 9), "4.50"),
    ]:
        RatingSnapshot.objects.create(source=where, taken_at=at, rating=D(rating), count=10)

    rows = [
        (r.source_name, r.period_start.day, r.rating, r.taken_at, r.carried)
        for r in public_ratings(OCT_24_TO_26)
    ]

    assert rows == [
        ("Google", 24, None, None, False),
        ("Google", 25, D("4.40"), utc(24, 22, 30), False),
        ("Google", 26, D("4.50"), utc(26, 9), False),
        ("Trustpilot", 24, D("4.10"), utc(20, 9), True),
        ("Trustpilot", 25, D("4.30"), utc(25, 20), False),
        ("Trustpilot", 26, D("4.30"), utc(25, 20), True),
    ]


# Point 6: what customers complain about

REASON_PHRASES = [
    ("'not … again', 'never' in sentence 2: 'Never again.'", ["not … again", "never"]),
    (
        "negative text under 5★: 'rude', 'cold', 'waiter' in sentence 2: "
        "'But the waiter was rude and the soup was cold.'",
        ["rude", "cold", "waiter"],
    ),
    (
        "'nothing', 'answer', 'won't' in sentence 2: "
        "'It's Friday and still nothing has arrived, and support won't answer my emails.'",
        ["nothing", "answer", "won't"],
    ),
    (
        "'worst', 'useless', 'rude' in 'Worst service ever, rude staff, useless manager.'",
        ["worst", "useless", "rude"],
    ),
    ("'late' in 'It came late in 'the' wrong box.'", ["late"]),
    ("owner rule: always flag 'Charged Twice'", ["charged twice"]),
    ("rating 1/5", []),
    ("reads as a complaint: sentence 2: 'Meh, whatever.'", []),
    ("corrected by Ann: negative (was neutral)", []),
    ("no negative signal in the text", []),
    ("", []),
]


@pytest.mark.parametrize(("reason", "phrases"), REASON_PHRASES)
def test_complaint_phrases_are_the_words_the_classifier_quoted(reason, phrases):
    assert reason_phrases(reason) == phrases


@pytest.mark.parametrize(
    ("text", "rating"),
    [
        ("The pizza was fine. I was charged twice and nobody answered my emails.", None),
        ("Great food. But the waiter was rude and the soup was cold.", 5),
        ("Worst service ever, rude staff, useless manager.", None),
    ],
)
def test_the_classifiers_own_reasons_give_their_quoted_words_as_phrases(text, rating):
    verdict = classify(text, rating)
    assert verdict.label == "negative"
    phrases = reason_phrases(verdict.reason)
    assert phrases
    assert all(f"'{phrase}'" in verdict.reason.lower() for phrase in phrases)


def test_top_complaint_phrases_this_period_vs_the_last_with_the_mentions_behind_them(
    make_mention,
):
    late_cold = make_mention(
        first_seen_at=utc(19, 22, 30),  # 00:30 on 20 Oct in Paris: this period
        reason="'late', 'cold' in sentence 1: 'It came late and cold.'",
    )
    late = make_mention(first_seen_at=utc(22, 9), reason="'late', 'late' in 'Late, so late.'")
    charged = make_mention(
        first_seen_at=utc(23, 9), reason="owner rule: always flag 'charged twice'"
    )
    make_mention(first_seen_at=utc(24, 9), reason="rating 1/5")
    make_mention(first_seen_at=utc(24, 10), label=Label.NEUTRAL, reason="'late' in 'Late-ish.'")
    make_mention(first_seen_at=utc(19, 21, 30), reason="'late' in 'Late.'")  # 23:30 on 19 Oct
    make_mention(first_seen_at=utc(14, 9), reason="'cold', 'rude' in 'Cold food, rude staff.'")

    found = complaint_phrases(OCT_20_TO_26)

    assert [(r.phrase, r.count, r.previous_count, r.change) for r in found.rows] == [
        ("late", 2, 1, 1),
        ("charged twice", 1, 0, 1),
        ("cold", 1, 1, 0),
    ]
    assert found.rows[0].mention_ids == (late.id, late_cold.id)  # the most recent first
    assert found.rows[1].mention_ids == (charged.id,)
    assert (found.mentions_read, found.capped) == (4, False)


@pytest.mark.parametrize(
    ("phrase", "text"),
    [
        ("charged twice", "I was charged twice for one pizza."),
        ("not … work", "The voucher did not really work."),
        ("won't", "Support won't answer."),
    ],
)
def test_a_phrase_links_to_a_mentions_search_that_finds_its_mention(make_mention, phrase, text):
    wanted = make_mention(text=text, reason=f"'{phrase}' in '{text}'")
    make_mention(text="Lovely evening, thanks.", reason="'late' in 'Late.'")
    [row] = complaints.count_phrases([(wanted.id, wanted.reason)])
    found = search_mentions(Mention.objects.all(), row.search)
    assert list(found.values_list("id", flat=True)) == [wanted.id]


def test_phrases_are_read_from_the_most_recent_negative_mentions_up_to_the_cap(
    make_mention, monkeypatch
):
    monkeypatch.setattr(complaints, "MAX_MENTIONS_READ", 2)
    make_mention(first_seen_at=utc(21, 9), reason="'oldest' in 'Oldest.'")
    make_mention(first_seen_at=utc(22, 9), reason="'late' in 'Late.'")
    make_mention(first_seen_at=utc(23, 9), reason="'late' in 'Late again.'")

    found = complaint_phrases(OCT_20_TO_26)

    assert [(r.phrase, r.count) for r in found.rows] == [("late", 2)]
    assert (found.mentions_read, found.capped) == (2, True)


def test_root_cause_tags_count_cases_opened_per_local_day(make_mention):
    delivery, _ = Tag.objects.get_or_create(name="Delivery")  # tags may come seeded
    staff, _ = Tag.objects.get_or_create(name="Staff")
    make_case(make_mention, utc(24, 23, 30), delivery, staff)  # 25 Oct in Paris
    make_case(make_mention, utc(25, 9), delivery)
    make_case(make_mention, utc(24, 10))  # no tag yet
    make_case(make_mention, utc(26, 23, 30), delivery)  # 27 Oct in Paris: after

    rows = [(r.period_start.day, r.tag_name, r.cases) for r in tags_over_time(OCT_24_TO_26)]

    assert rows == [(24, "", 1), (25, "Delivery", 2), (25, "Staff", 1)]


def test_remedies_per_kind_with_delivery_and_the_resolved_cases_outcomes(make_mention):
    resolved = Case.Status.RESOLVED
    refunded = make_case(
        make_mention,
        utc(21, 9),
        status=resolved,
        resolved_at=utc(25, 9),
        outcome="Refunded; the customer changed the review to 4★.",
    )
    still_open = make_case(make_mention, utc(21, 10))
    replaced = make_case(
        make_mention, utc(22, 9), status=resolved, resolved_at=utc(23, 9), outcome="New one sent."
    )
    silent = make_case(make_mention, utc(22, 10), status=resolved, resolved_at=utc(24, 9))
    offered = utc(22, 12)
    Remedy.objects.create(case=refunded, kind="refund", offered_at=offered, delivered_at=offered)
    Remedy.objects.create(case=refunded, kind="credit", offered_at=offered)
    Remedy.objects.create(case=still_open, kind="refund", offered_at=offered)
    Remedy.objects.create(
        case=replaced, kind="replacement", offered_at=offered, delivered_at=offered
    )
    Remedy.objects.create(case=silent, kind="refund", offered_at=offered, delivered_at=offered)
    Remedy.objects.create(case=still_open, kind="refund", offered_at=utc(12, 9))  # before

    rows = [
        (r.kind_label, r.offered, r.delivered, r.not_delivered, r.resolved_cases, r.outcomes)
        for r in remedies(OCT_20_TO_26)
    ]

    refund_note = RemedyOutcome(refunded.id, "Refunded; the customer changed the review to 4★.")
    assert rows == [
        ("Refund", 3, 2, 1, 2, [refund_note]),
        ("Credit", 1, 0, 1, 1, [refund_note]),
        ("Replacement", 1, 1, 0, 1, [RemedyOutcome(replaced.id, "New one sent.")]),
    ]


# Point 7: competitors side by side


def test_our_business_and_each_competitor_side_by_side(make_mention, rival):
    Source.objects.create(
        name="Casa on Google",
        url="https://maps.example.com/casa",
        subject=Subject.COMPETITOR,
        competitor_name="Casa Nostra",
    )
    make_mention(rating=1, first_seen_at=utc(21, 9), reason="'late' in 'Late.'")
    make_mention(rating=5, first_seen_at=utc(22, 9), label=Label.POSITIVE)
    make_mention(rating=4, first_seen_at=utc(19, 22, 30), label=Label.POSITIVE)  # 20 Oct
    make_mention(rating=2, first_seen_at=utc(15, 9))  # the last period
    make_mention(rating=4, first_seen_at=utc(16, 9), label=Label.POSITIVE)
    rival_mention = {"source": rival, "subject": Subject.COMPETITOR}
    cold_rude = "'cold', 'rude' in 'Cold, rude.'"
    make_mention(rating=2, first_seen_at=utc(23, 9), reason=cold_rude, **rival_mention)
    make_mention(rating=None, first_seen_at=utc(24, 9), reason="'rude' in 'Rude.'", **rival_mention)

    rows = side_by_side(OCT_20_TO_26)

    figures = [
        (r.name, r.mentions, r.negative, r.share_negative, r.average_rating)
        + (r.previous_average_rating, r.rating_change)
        for r in rows
    ]
    assert figures == [
        ("us", 3, 1, 1 / 3, D("3.33"), D("3.00"), D("0.33")),
        ("Casa Nostra", 0, 0, None, None, None, None),
        ("Rival Pizza", 2, 2, 1.0, D("2.00"), None, None),
    ]
    assert (rows[0].previous_mentions, rows[0].previous_negative) == (2, 1)
    assert [(p.phrase, p.count) for p in rows[0].top_phrases] == [("late", 1)]
    assert [(p.phrase, p.count) for p in rows[2].top_phrases] == [("rude", 2), ("cold", 1)]
    only_competitors = replace(OCT_20_TO_26, subject=Subject.COMPETITOR)
    assert [r.name for r in side_by_side(only_competitors)] == ["Casa Nostra", "Rival Pizza"]


# The number of queries does not grow with the rows


def fill(source: Source, rival: Source, rows: int) -> None:
    """`rows` mentions over both periods, each with a case, tag, remedy and snapshot."""
    tags = [Tag.objects.create(name=f"Tag {n}") for n in range(3)]
    start = utc(13, 9)
    mentions = Mention.objects.bulk_create(
        Mention(
            source=rival if n % 3 == 0 else source,
            subject=Subject.COMPETITOR if n % 3 == 0 else Subject.OURS,
            external_id=f"bulk-{n}",
            content_hash=f"bulk-{n}",
            rating=D(n % 5 + 1),
            label=Label.NEGATIVE,
            reason=f"'word{n % 7}', 'late' in sentence 1: 'Late {n}.'",
            first_seen_at=start + timedelta(hours=n * 336 // rows),
        )
        for n in range(rows)
    )
    cases = Case.objects.bulk_create(
        Case(
            mention=m,
            opened_at=m.first_seen_at,
            due_at=m.first_seen_at,
            status=Case.Status.RESOLVED,
            resolved_at=m.first_seen_at,
            outcome=f"Outcome {m.id}",
        )
        for m in mentions
    )
    Case.tags.through.objects.bulk_create(
        Case.tags.through(case=c, tag=tags[n % 3]) for n, c in enumerate(cases)
    )
    kinds = list(Remedy.Kind.values)
    Remedy.objects.bulk_create(
        Remedy(case=c, kind=kinds[n % len(kinds)], offered_at=c.opened_at)
        for n, c in enumerate(cases)
    )
    RatingSnapshot.objects.bulk_create(
        RatingSnapshot(source=m.source, taken_at=m.first_seen_at, rating=D("4.00"))
        for m in mentions
    )


REPORTS = [
    (average_ratings, 3),
    (public_ratings, 2),
    (tags_over_time, 1),
    (complaint_phrases, 2),
    (remedies, 2),
    (side_by_side, 6),
]


@pytest.mark.parametrize("rows", [10, 200])
@pytest.mark.parametrize(("report", "queries"), REPORTS, ids=[r.__name__ for r, _ in REPORTS])
def test_each_report_asks_the_database_as_often_for_200_rows_as_for_10(
    source, rival, django_assert_num_queries, report, queries, rows
):
    fill(source, rival, rows)
    with django_assert_num_queries(queries):
        result = report(OCT_20_TO_26)
    assert result
