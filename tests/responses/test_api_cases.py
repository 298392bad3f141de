"""Cases through the API: the inbox's filters and pages, changes with the case page's rules, and
optimistic concurrency — a change made from an old version is refused with the case as it is,
whether the faster change came through the API or the page."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from monitors.models import Label
from responses.api.tokens import create_token
from responses.cases import add_note, open_case
from responses.inbox import PAGE_SIZE, InboxFilters, inbox_page
from responses.models import Case, Event, Tag

pytestmark = pytest.mark.django_db


@pytest.fixture
def alice(client, owner):
    return Api(client, create_token(owner, "Alice's sheet")[1])


@pytest.fixture
def bob(client, staff):
    return Api(client, create_token(staff, "Bob's help desk")[1])


class Api:
    def __init__(self, client, secret: str):
        self.client, self.headers = client, {"HTTP_AUTHORIZATION": f"Bearer {secret}"}

    def get(self, url: str, **query):
        return self.client.get(url, query, **self.headers)

    def patch(self, url: str, body: dict):
        return self.client.patch(url, json.dumps(body), "application/json", **self.headers)

    def post(self, url: str, body: dict):
        return self.client.post(url, json.dumps(body), "application/json", **self.headers)


def case_url(case: Case) -> str:
    return reverse("api_case", kwargs={"case_id": case.pk})


@pytest.fixture
def case(make_mention) -> Case:
    return open_case(make_mention(rating=1, label=Label.NEGATIVE))[0]


def test_two_clients_change_the_same_case_and_the_slower_is_told_not_overwritten(
    alice, bob, case, staff
):
    read_by_alice = alice.get(case_url(case)).json()["version"]
    read_by_bob = bob.get(case_url(case)).json()["version"]
    assert read_by_alice == read_by_bob == 1

    first = bob.patch(case_url(case), {"version": read_by_bob, "assignee": "me"})
    assert first.status_code == 200
    assert first.json()["assignee"] == staff.email and first.json()["version"] == 2

    late = alice.patch(case_url(case), {"version": read_by_alice, "status": "acknowledged"})
    assert late.status_code == 409
    assert "version 1" in late.json()["detail"] and "version 2" in late.json()["detail"]
    assert late.json()["case"]["assignee"] == staff.email
    case.refresh_from_db()
    assert (case.status, case.version) == ("new", 2)  # Alice's change was not applied

    again = alice.patch(case_url(case), {"version": 2, "status": "acknowledged"})
    assert again.status_code == 200 and again.json()["status"] == "acknowledged"


def test_a_change_on_the_case_page_makes_an_api_client_holding_the_old_version_read_again(
    alice, case, client, staff
):
    page = client.__class__()
    page.force_login(staff)
    posted = page.post(reverse("case_priority", args=[case.pk]), {"version": 1, "priority": 3})
    assert posted.status_code == 302
    answer = alice.patch(case_url(case), {"version": 1, "priority": 1})
    assert answer.status_code == 409
    assert answer.json()["case"]["priority"] == 3


def test_one_patch_changes_several_fields_at_once_with_one_timeline_event_each(alice, case, owner):
    tag, _ = Tag.objects.get_or_create(name="Delivery")
    answer = alice.patch(
        case_url(case),
        {"version": 1, "status": "acknowledged", "assignee": "me", "priority": 3, "tags": [tag.pk]},
    )
    assert answer.status_code == 200, answer.json()
    body = answer.json()
    assert (body["status"], body["assignee"], body["priority"], body["tags"]) == (
        "acknowledged",
        owner.email,
        3,
        ["Delivery"],
    )
    assert body["version"] == 2  # one change, one new version
    kinds = set(Event.objects.filter(case=case).values_list("kind", flat=True))
    assert {"status", "assignee", "priority", "tags"} <= kinds


def test_the_case_pages_rules_answer_400_in_words(alice, case):
    no_reason = alice.patch(case_url(case), {"version": 1, "status": "dismissed"})
    assert no_reason.status_code == 400
    assert no_reason.json() == {"dismiss_reason": ["Say why the case is dismissed."]}
    stranger = alice.patch(case_url(case), {"version": 1, "assignee": "999999"})
    assert stranger.json() == {"assignee": ["Choose an active colleague."]}
    nothing = alice.patch(case_url(case), {"version": 1})
    assert nothing.status_code == 400
    assert Case.objects.get(pk=case.pk).version == 1


def test_resolving_through_the_api_records_how_it_ended(alice, case):
    answer = alice.patch(
        case_url(case),
        {
            "version": 1,
            "status": "resolved",
            "outcome": "Customer satisfied",
            "outcome_note": "Refunded",
        },
    )
    assert answer.status_code == 200, answer.json()
    assert answer.json()["outcome"] == "Customer satisfied: Refunded"
    assert answer.json()["resolved_at"] is not None


def test_the_case_list_pages_through_the_inbox_in_its_order_with_its_filters(
    alice, make_mention, owner
):
    cases = [open_case(make_mention(rating=1 + n % 3, label=Label.NEGATIVE))[0] for n in range(30)]
    seen, after = [], None
    while True:
        query = {"status": "open", **({"after": after} if after else {})}
        page = alice.get(reverse("api_cases"), **query).json()
        seen += [row["id"] for row in page["results"]]
        after = page["next"]
        if after is None:
            break
    assert len(seen) == 30 and len(set(seen)) == 30
    in_inbox = inbox_page(InboxFilters(status="open"), owner).cases
    assert seen[:PAGE_SIZE] == [c.pk for c in in_inbox]
    assert page["counts"]["new"] == 30

    one_star = alice.get(reverse("api_cases"), rating="1").json()["results"]
    assert {row["id"] for row in one_star} == {c.pk for c in cases if c.mention.rating == 1}


def test_a_filter_value_the_inbox_would_ignore_is_a_400_through_the_api(alice):
    answer = alice.get(reverse("api_cases"), rating="seven")
    assert answer.status_code == 400 and "rating" in answer.json()


def test_a_note_through_the_api_is_on_the_timeline_and_in_the_case_detail(alice, case, owner):
    url = reverse("api_case_notes", kwargs={"case_id": case.pk})
    answer = alice.post(url, {"body": "Called the customer; a new lamp is on its way."})
    assert answer.status_code == 201 and answer.json()["author"] == owner.email
    events = alice.get(case_url(case)).json()["events"]
    assert events[-1]["kind"] == "note"
    assert events[-1]["note"] == "Called the customer; a new lamp is on its way."
    assert alice.post(url, {"body": ""}).status_code == 400


def test_a_long_timeline_costs_no_more_queries_than_a_short_one(alice, case, owner):
    def queries_for_detail() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert alice.get(case_url(case)).status_code == 200
        return len(captured)

    add_note(case, owner, "First call.")
    queries_for_detail()  # the token's first use and rate-limit bucket, written once
    short = queries_for_detail()
    for n in range(20):
        add_note(case, owner, f"Call {n}.")
    assert queries_for_detail() == short
