"""Changing a case: every change an Event, optimistic locking, reopening, merging, notes."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone

from monitors.models import Mention, Revision
from monitors.signals import mention_revised
from responses.cases import (
    UNASSIGN,
    Change,
    StaleCase,
    add_note,
    change_case,
    merge_case,
    open_case,
)
from responses.models import Case, Event, Tag
from tests.queued import run_queued_tasks
from tests.responses.test_cases_opening import make_mention

pytestmark = pytest.mark.django_db


@pytest.fixture
def case() -> Case:
    return open_case(make_mention())[0]


def test_status_change_writes_event_with_actor_old_and_new(case, staff):
    change_case(case.pk, 1, staff, Change(status=Case.Status.ACKNOWLEDGED))
    event = case.events.get(kind=Event.Kind.STATUS)
    assert (event.actor, event.old_value, event.new_value) == (staff, "New", "Acknowledged")


def test_each_change_bumps_the_version(case, staff):
    updated = change_case(case.pk, 1, staff, Change(assignee=staff))
    assert updated.version == 2 and updated.assignee == staff
    assert change_case(case.pk, 2, staff, Change(assignee=UNASSIGN)).assignee is None


def test_second_person_with_an_old_version_is_refused_and_nothing_is_lost(case, staff, other_staff):
    change_case(case.pk, 1, staff, Change(assignee=staff))
    with pytest.raises(StaleCase) as refused:
        change_case(case.pk, 1, other_staff, Change(assignee=other_staff))
    assert refused.value.case.assignee == staff
    case.refresh_from_db()
    assert case.assignee == staff
    assert case.events.filter(kind=Event.Kind.ASSIGNEE).count() == 1


def test_change_that_changes_nothing_writes_no_event(case, staff):
    change_case(case.pk, 1, staff, Change(status=Case.Status.NEW))
    case.refresh_from_db()
    assert case.version == 1 and case.events.count() == 1


def test_resolving_without_a_posted_reply_records_resolution_but_is_not_an_answer(case, staff):
    resolved = change_case(
        case.pk, 1, staff, Change(status=Case.Status.RESOLVED, outcome="Refund sent")
    )
    assert resolved.resolved_at and resolved.outcome == "Refund sent"
    assert not resolved.responded and resolved.first_responded_at is None
    kinds = set(case.events.values_list("kind", flat=True))
    assert {Event.Kind.STATUS, Event.Kind.OUTCOME} <= kinds


def test_reopened_case_gets_a_new_due_time_and_loses_the_old_outcome_but_keeps_history(case, staff):
    change_case(case.pk, 1, staff, Change(status=Case.Status.RESOLVED, outcome="Refund sent"))
    before = timezone.now()
    reopened = change_case(case.pk, 2, staff, Change(status=Case.Status.ACKNOWLEDGED))
    assert reopened.resolved_at is None and reopened.is_open
    assert reopened.outcome == "" and not reopened.responded
    assert reopened.clock_from >= before and reopened.due_at > timezone.now()
    assert case.events.filter(kind=Event.Kind.STATUS).count() == 2
    assert case.events.filter(kind=Event.Kind.REOPENED).count() == 1
    assert case.events.filter(kind=Event.Kind.OUTCOME).last().old_value == "Refund sent"


def test_dismissal_keeps_the_reason(case, staff):
    change = Change(status=Case.Status.DISMISSED, dismiss_reason=Case.DismissReason.SPAM)
    dismissed = change_case(case.pk, 1, staff, change)
    assert dismissed.dismiss_reason == "spam"
    assert case.events.get(kind=Event.Kind.STATUS).new_value == "Dismissed (Spam)"


def test_tags_change_is_one_event_listing_old_and_new(case, staff):
    delivery, billing = Tag.objects.get(name="Delivery"), Tag.objects.get(name="Billing")
    change_case(case.pk, 1, staff, Change(tags=[delivery]))
    change_case(case.pk, 2, staff, Change(tags=[delivery, billing]))
    last = case.events.filter(kind=Event.Kind.TAGS).last()
    assert (last.old_value, last.new_value) == ("Delivery", "Billing, Delivery")


def test_merging_a_duplicate_closes_it_and_links_it(case, staff):
    duplicate = open_case(make_mention(author="Dana"))[0]
    merge_case(duplicate.pk, 1, case, staff)
    duplicate.refresh_from_db()
    assert duplicate.merged_into == case
    assert duplicate.status == Case.Status.DISMISSED
    assert duplicate.dismiss_reason == Case.DismissReason.DUPLICATE
    assert list(case.merged_cases.all()) == [duplicate]
    assert case.events.filter(kind=Event.Kind.MERGED).exists()


def test_a_case_cannot_be_merged_into_itself(case, staff):
    with pytest.raises(ValueError):
        merge_case(case.pk, 1, case, staff)


def test_note_mentioning_a_colleague_emails_them_once(
    case, owner, staff, other_staff, django_capture_on_commit_callbacks
):
    run_queued_tasks()
    with django_capture_on_commit_callbacks(execute=True):
        add_note(case, owner, "@bob can you call her? cc @bob and @nobody")
    assert run_queued_tasks() == ["responses.tasks.send_note_mention"]
    assert [message.to for message in mail.outbox] == [["bob@example.com"]]
    assert "alice@example.com mentioned you" in mail.outbox[0].subject
    assert "can you call her" in mail.outbox[0].body
    assert case.events.filter(kind=Event.Kind.NOTE, actor=owner).exists()


def test_email_address_in_a_note_is_not_a_mention(
    case, owner, staff, django_capture_on_commit_callbacks
):
    run_queued_tasks()
    with django_capture_on_commit_callbacks(execute=True):
        add_note(case, owner, "She wrote from dana@bob.example")
    assert run_queued_tasks() == []
    assert mail.outbox == []


def test_rating_edit_of_a_reviewed_mention_shows_on_the_timeline(case):
    mention = case.mention
    revision = Revision.objects.create(
        mention=mention, changed=["rating"], old_rating=Decimal("2"), new_rating=Decimal("4")
    )
    mention_revised.send(
        sender=Mention,
        mention=mention,
        revision=revision,
        old={"rating": Decimal("2")},
        new={"rating": Decimal("4.00")},
    )
    event = case.events.get(kind=Event.Kind.MENTION_EDITED)
    assert f"{event.old_value} → {event.new_value}" == "2★ → 4★"
