"""The owners' "Awaiting approval" page and its count in the navigation: every reply waiting,
the longest waiting first, each with its case, the review's first line, who wrote it, when, and
a link to the reply panel. Staff are refused; strangers go to the login page."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from responses.models import ReplyDecision
from responses.replies import approve, save_draft, submit
from tests.conftest import make_user
from tests.responses.test_replies import HUMBLE, configure, make_case

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def acme_settings():
    return configure()


def send_for_approval(case, person, hours_ago: int):
    draft = submit(save_draft(case, person, HUMBLE).draft, person)
    sent_at = draft.decisions.get().at - timedelta(hours=hours_ago)
    ReplyDecision.objects.filter(draft=draft).update(at=sent_at)
    return draft


def test_owner_sees_every_waiting_reply_oldest_first_with_a_link_to_its_reply_panel(
    owner_client, owner, staff, other_staff
):
    newer = make_case(author="Dana", title="Parcel arrived broken\nsecond line", rating=1)
    older = make_case(author="Eve", title="", text="\n  Never again.\nThey lied.", rating=2)
    decided = make_case(author="Finn")
    send_for_approval(newer, staff, hours_ago=1)
    send_for_approval(older, other_staff, hours_ago=5)
    approve(send_for_approval(decided, staff, hours_ago=9), owner, seen=1)

    response = owner_client.get(reverse("approvals"))

    assert response.status_code == 200
    html = response.content.decode()
    rows = re.findall(r"<tr data-waiting-draft=.*?</tr>", html, re.S)
    assert len(rows) == 2
    first, second = rows
    assert f"Case {older.pk}" in first and "Never again." in first and "They lied" not in first
    assert "carol@example.com" in first and re.search(r"5\shours ago", first)
    assert f"Case {newer.pk}" in second and "Parcel arrived broken" in second
    assert "second line" not in second and "bob@example.com" in second
    assert f'href="{reverse("reply_workspace", args=[newer.pk])}"' in second
    assert "2 replies waiting" in html


def test_the_navigation_shows_owners_how_many_replies_wait(owner_client, staff):
    home = owner_client.get(reverse("home")).content.decode()
    assert f'href="{reverse("approvals")}"' in home and "data-approvals-count" not in home

    send_for_approval(make_case(), staff, hours_ago=1)
    send_for_approval(make_case(), staff, hours_ago=2)

    home = owner_client.get(reverse("home")).content.decode()
    count = re.search(r"data-approvals-count>(\d+)<", home)
    assert count and count.group(1) == "2"


def test_the_count_in_the_navigation_costs_one_query(owner_client, staff):
    send_for_approval(make_case(), staff, hours_ago=1)
    with CaptureQueriesContext(connection) as queries:
        owner_client.get(reverse("settings"))
    drafts = [q["sql"] for q in queries if '"responses_replydraft"' in q["sql"]]
    assert len(drafts) == 1 and "COUNT(" in drafts[0]


def test_staff_are_refused_the_page_and_see_no_count(staff_client, staff):
    send_for_approval(make_case(), staff, hours_ago=1)

    assert staff_client.get(reverse("approvals")).status_code == 403
    home = staff_client.get(reverse("home")).content.decode()
    assert reverse("approvals") not in home and "data-approvals-count" not in home


def test_strangers_are_sent_to_the_login_page(client):
    response = client.get(reverse("approvals"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_an_empty_list_says_nothing_waits(owner_client):
    make_user("erin@example.com", "staff")
    html = owner_client.get(reverse("approvals")).content.decode()
    assert "Nothing waits for approval." in html
