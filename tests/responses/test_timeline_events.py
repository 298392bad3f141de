"""The case timeline tells the reply's and the follow-through's story: sent for approval,
approved or returned (with the comment), remedies offered and delivered, follow-ups scheduled
and done, the author blocked — each in words, each written with the action itself."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from responses.models import Event, FollowUp, Remedy
from responses.replies import ReplyChanged, approve, return_for_changes, save_draft, submit
from tests.responses.test_replies import HUMBLE, configure, make_case

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def acme_settings():
    return configure()


def timeline(client, case) -> list[str]:
    """The timeline of the case page, one line of words per event."""
    html = client.get(reverse("case", args=[case.pk])).content.decode()
    items = re.findall(r'<li class="event event-[\w-]+">(.*?)</li>', html, re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", item).split()) for item in items]


def said(lines: list[str], words: str) -> bool:
    return any(words in line for line in lines)


def test_a_reply_sent_for_approval_and_approved_is_on_the_timeline(owner_client, owner, staff):
    case = make_case(author="Dana")
    draft = submit(save_draft(case, staff, HUMBLE).draft, staff)

    owner_client.post(reverse("reply_approve", args=[case.pk]), {"reply_version": 1}, **HTMX)

    lines = timeline(owner_client, case)
    assert said(lines, "bob@example.com sent the reply (version 1) for approval")
    assert said(lines, "alice@example.com approved the reply (version 1)")
    decided = draft.decisions.get(kind="approved")
    assert Event.objects.get(kind=Event.Kind.REPLY_APPROVED).at == decided.at


def test_a_reply_returned_shows_the_owners_comment_on_the_timeline(owner_client, staff):
    case = make_case(author="Dana")
    submit(save_draft(case, staff, HUMBLE).draft, staff)

    owner_client.post(
        reverse("reply_return", args=[case.pk]),
        {"reply_version": 1, "comment": "Say which day the parcel will arrive."},
        **HTMX,
    )

    lines = timeline(owner_client, case)
    assert said(
        lines,
        "alice@example.com returned the reply (version 1) for changes: "
        "Say which day the parcel will arrive.",
    )


def test_an_owners_own_reply_is_approved_on_the_timeline_without_waiting(owner_client, owner):
    case = make_case(author="Dana")
    submit(save_draft(case, owner, HUMBLE).draft, owner)

    lines = timeline(owner_client, case)
    assert said(lines, "alice@example.com approved the reply (version 1)")
    assert not said(lines, "for approval")


def test_a_decision_on_a_changed_reply_leaves_nothing_on_the_timeline(owner, staff):
    case = make_case(author="Dana")
    draft = submit(save_draft(case, staff, HUMBLE).draft, staff)
    submit(save_draft(case, staff, HUMBLE + " Thank you.").draft, staff)

    for decide in (
        lambda: approve(draft, owner, seen=1),
        lambda: return_for_changes(draft, owner, 1, "Shorter, please."),
    ):
        with pytest.raises(ReplyChanged):
            decide()

    kinds = set(case.events.values_list("kind", flat=True))
    assert kinds == {Event.Kind.OPENED, Event.Kind.REPLY_SUBMITTED}


def test_a_remedy_offered_and_delivered_is_on_the_timeline_once(staff_client):
    case = make_case()
    staff_client.post(
        reverse("remedy_add", args=[case.pk]), {"kind": "refund", "amount": "25.00"}, **HTMX
    )
    remedy = Remedy.objects.get()
    delivered = reverse("remedy_delivered", args=[case.pk, remedy.pk])
    staff_client.post(delivered, **HTMX)
    staff_client.post(delivered, **HTMX)  # a second click records nothing more

    lines = timeline(staff_client, case)
    assert said(lines, "bob@example.com offered a refund of 25.00")
    assert [line for line in lines if "delivered" in line][0].endswith(
        "bob@example.com delivered a refund of 25.00"
    )
    assert case.events.filter(kind=Event.Kind.REMEDY_DELIVERED).count() == 1


def test_a_follow_up_scheduled_and_done_is_on_the_timeline_once(staff_client):
    case = make_case()
    staff_client.post(
        reverse("followup_add", args=[case.pk]),
        {"days": "3", "note": "Check the refund arrived"},
        **HTMX,
    )
    followup = FollowUp.objects.get()
    done = reverse("followup_done", args=[case.pk, followup.pk])
    staff_client.post(done, **HTMX)
    staff_client.post(done, **HTMX)

    lines = timeline(staff_client, case)
    assert said(lines, "bob@example.com scheduled a follow-up in 3 days: Check the refund arrived")
    assert said(lines, "bob@example.com marked a follow-up done: Check the refund arrived")
    assert case.events.filter(kind=Event.Kind.FOLLOWUP_DONE).count() == 1


def test_a_follow_up_for_today_without_a_note_reads_naturally(staff_client):
    case = make_case()
    staff_client.post(reverse("followup_add", args=[case.pk]), {"days": "0"}, **HTMX)
    staff_client.post(reverse("followup_add", args=[case.pk]), {"days": "1"}, **HTMX)

    lines = timeline(staff_client, case)
    assert said(lines, "bob@example.com scheduled a follow-up for today")
    assert said(lines, "bob@example.com scheduled a follow-up in 1 day")
    assert not said(lines, "1 days")


def test_blocking_an_author_is_on_the_timeline(owner_client):
    case = make_case(author="Dana")
    owner_client.post(reverse("block_author", args=[case.pk]), **HTMX)
    owner_client.post(reverse("block_author", args=[case.pk]), **HTMX)

    lines = timeline(owner_client, case)
    assert said(lines, "alice@example.com blocked Dana: their new reviews open no case")
    assert case.events.filter(kind=Event.Kind.AUTHOR_BLOCKED).count() == 1
