"""The inbox's "Breached" tab: open cases past their due time with no public reply."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from responses.cases import Change, change_case, open_case
from responses.inbox import InboxFilters, inbox_page
from responses.models import Case
from tests.responses.test_cases_opening import make_mention

pytestmark = pytest.mark.django_db


def case_due_in(minutes: int, text: str) -> Case:
    case = open_case(make_mention(text=text))[0]
    Case.objects.filter(pk=case.pk).update(due_at=timezone.now() + timedelta(minutes=minutes))
    return Case.objects.get(pk=case.pk)


@pytest.fixture
def cases(staff) -> dict[str, Case]:
    overdue = case_due_in(-30, "Still waiting for my refund")
    answered = case_due_in(-30, "Answered late but answered")
    change_case(answered.pk, answered.version, staff, Change(answered=True))
    resolved = case_due_in(-30, "Sorted out on the phone")
    change_case(resolved.pk, resolved.version, staff, Change(status=Case.Status.RESOLVED))
    awaiting = case_due_in(-5, "Waiting for the customer but never answered in public")
    change_case(awaiting.pk, awaiting.version, staff, Change(status=Case.Status.AWAITING))
    case_due_in(20, "Due in twenty minutes")
    return {"overdue": overdue, "awaiting": awaiting}


def test_breached_lists_open_unanswered_cases_past_due_most_overdue_first(owner, cases):
    page = inbox_page(InboxFilters(status="breached"), owner)

    assert [case.pk for case in page.cases] == [cases["overdue"].pk, cases["awaiting"].pk]
    assert page.breached == 2
    assert inbox_page(InboxFilters(), owner).breached == 2  # the tab's count on every tab


@pytest.mark.parametrize("who", ["owner_client", "staff_client"])
def test_owner_and_staff_open_the_breached_tab_with_its_count(who, request, cases):
    client = request.getfixturevalue(who)

    inbox = client.get(reverse("home")).content.decode()
    body = client.get(reverse("home"), {"status": "breached"}).content.decode()

    assert 'status=breached">Breached <span class="count">2</span>' in inbox
    assert 'status=breached" aria-current="page">Breached <span class="count">2</span>' in body
    assert "Still waiting for my refund" in body and "never answered in public" in body
    for other in ("Answered late", "Sorted out on the phone", "Due in twenty minutes"):
        assert other not in body
    assert body.count("data-case-row") == 2
    assert body.count("clock clock-overdue") == 2


def test_a_stranger_asking_for_breached_cases_is_sent_to_log_in(client, cases):
    response = client.get(reverse("home"), {"status": "breached"})

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
