"""The inbox: most urgent first, filters in the URL, keyset pages, counts, constant queries."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from monitors.models import Subject
from responses.cases import Change, change_case, open_case
from responses.inbox import PAGE_SIZE, InboxFilters, inbox_page
from responses.models import Case, Tag
from tests.responses.test_cases_opening import make_mention, make_source

pytestmark = pytest.mark.django_db


def case_seen(minutes_ago: int, **fields) -> Case:
    seen = timezone.now() - timedelta(minutes=minutes_ago)
    return open_case(make_mention(first_seen_at=seen, **fields))[0]


def ids(page) -> list[int]:
    return [case.pk for case in page.cases]


def test_overdue_cases_come_first_then_the_soonest_due(owner):
    fresh_urgent = case_seen(5, rating=Decimal("1"))  # due in 55 min
    overdue = case_seen(120, rating=Decimal("1"))  # 1 h overdue
    standard = case_seen(5, rating=Decimal("4"))  # due in ~24 h
    assert ids(inbox_page(InboxFilters(), owner)) == [overdue.pk, fresh_urgent.pk, standard.pk]


def test_answered_cases_sink_below_those_still_waiting(owner):
    answered = case_seen(300, rating=Decimal("1"))
    waiting = case_seen(5, rating=Decimal("4"))
    posted = Change(status=Case.Status.AWAITING, answered=True)  # as Mark as posted does
    change_case(answered.pk, 1, owner, posted)
    assert ids(inbox_page(InboxFilters(), owner)) == [waiting.pk, answered.pk]


def test_closed_cases_leave_the_open_view_but_are_counted(owner):
    kept, closed = case_seen(1), case_seen(2)
    change_case(closed.pk, 1, owner, Change(status=Case.Status.RESOLVED))
    page = inbox_page(InboxFilters(), owner)
    assert ids(page) == [kept.pk]
    assert page.counts == {"new": 1, "resolved": 1}
    assert ids(inbox_page(InboxFilters(status="resolved"), owner)) == [closed.pk]


def test_filters_by_source_subject_rating_tag_assignee_and_date(owner, staff):
    rival = make_source("Rival", Subject.COMPETITOR)
    one_star = case_seen(1, rating=Decimal("1"))
    three_stars = case_seen(2, rating=Decimal("3"))
    about_rival = open_case(make_mention(rival, rating=None))[0]
    old = case_seen(60 * 24 * 10, rating=Decimal("2"))
    change_case(three_stars.pk, 1, owner, Change(assignee=staff))
    change_case(one_star.pk, 1, owner, Change(tags=[Tag.objects.get(name="Billing")]))

    def found(**filters) -> set[int]:
        return set(ids(inbox_page(InboxFilters(**filters), staff)))

    assert found(source_id=rival.pk) == {about_rival.pk}
    assert found(subject=Subject.COMPETITOR) == {about_rival.pk}
    assert found(max_rating="1") == {one_star.pk}
    assert found(max_rating="none") == {about_rival.pk}
    assert found(tag_id=Tag.objects.get(name="Billing").pk) == {one_star.pk}
    assert found(assignee="mine") == {three_stars.pk}
    assert found(assignee="unassigned") == {one_star.pk, about_rival.pk, old.pk}
    assert found(until=(timezone.now() - timedelta(days=5)).date()) == {old.pk}
    assert old.pk not in found(since=(timezone.now() - timedelta(days=1)).date())


def test_full_text_search_finds_words_in_the_review(owner):
    cold = case_seen(1, text="The soup was cold and the waiter was rude.")
    case_seen(2, text="Delivery took three weeks.")
    assert ids(inbox_page(InboxFilters(q="waiters rude"), owner)) == [cold.pk]


def test_keyset_pages_cover_every_case_once_in_order(owner):
    for minutes in range(PAGE_SIZE * 2 + 3):
        case_seen(minutes)
    seen, after = [], ""
    while True:
        page = inbox_page(InboxFilters(), owner, after=after)
        seen += ids(page)
        if not page.next_cursor:
            break
        after = page.next_cursor
    expected = list(Case.objects.order_by("responded", "due_at", "id").values_list("pk", flat=True))
    assert seen == expected and len(seen) == PAGE_SIZE * 2 + 3


def test_inbox_page_issues_the_same_number_of_queries_for_10_and_200_cases(
    owner_client, django_assert_num_queries
):
    source = make_source()
    tag = Tag.objects.first()

    def add_cases(count: int) -> None:
        for _ in range(count):
            case = open_case(make_mention(source))[0]
            case.tags.add(tag)

    add_cases(10)
    owner_client.get(reverse("home"))  # settings rows are created on first use
    with CaptureQueriesContext(connection) as at_ten:
        assert owner_client.get(reverse("home")).status_code == 200
    add_cases(190)
    with django_assert_num_queries(len(at_ten.captured_queries)):
        response = owner_client.get(reverse("home"))
    assert response.content.decode().count("data-case-row") == PAGE_SIZE


def test_filters_live_in_the_url_and_the_next_page_link_keeps_them(owner_client):
    for minutes in range(PAGE_SIZE + 2):
        case_seen(minutes, text="rude staff")
    body = owner_client.get(reverse("home"), {"q": "rude", "rating": "2"}).content.decode()
    assert 'value="rude"' in body
    assert "q=rude&amp;rating=2&amp;after=" in body
