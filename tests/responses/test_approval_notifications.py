"""Approvals find the owner: an email to each owner when staff send a reply for approval, and
to its writer when it is approved or returned (with the comment), through a task that sends
each email once, against a real SMTP server. Anyone can switch these emails off in Settings."""

from __future__ import annotations

import re

import pytest
import redis
from django.urls import reverse

from responses.digests import preference_for
from responses.models import ReplyDecision
from responses.replies import approve, return_for_changes, save_draft, submit
from responses.tasks import send_approval_emails
from tests.conftest import make_user
from tests.queued import run_queued_tasks
from tests.responses.test_replies import HUMBLE, configure, make_case
from tests.responses.test_send_once import run_twice_at_once

pytestmark = pytest.mark.django_db(transaction=True)
CASE_LINK = "https://reviews.example.com/cases/{}/"


@pytest.fixture(autouse=True)
def acme_settings(settings):
    redis.Redis.from_url(settings.CELERY_BROKER_URL).delete("celery")  # no earlier test's tasks
    return configure()


def test_each_owner_is_emailed_when_staff_send_a_reply_for_approval(
    smtp_server, staff_client, owner
):
    second_owner = make_user("erin@example.com", "owner")
    case = make_case(author="Dana O'Brien")

    response = staff_client.post(
        reverse("reply_save", args=[case.pk]), {"text": HUMBLE, "action": "submit"}
    )

    assert response.status_code == 302
    assert run_queued_tasks() == ["responses.tasks.send_approval_emails"]
    by_recipient = {m["To"]: m for m in smtp_server.messages}
    assert sorted(by_recipient) == [owner.email, second_owner.email]
    message = by_recipient[owner.email]
    assert smtp_server.subject(message) == f"A reply on case {case.pk} waits for your approval"
    text = smtp_server.text(message)
    assert "bob@example.com sent a reply to Dana O'Brien's 2★ review on Google Alerts" in text
    assert HUMBLE in text
    assert CASE_LINK.format(case.pk) in text
    assert CASE_LINK.format(case.pk) in smtp_server.html(message)


def test_an_owner_who_switched_approval_emails_off_in_settings_gets_none(
    smtp_server, client, owner, staff
):
    second_owner = make_user("erin@example.com", "owner")
    client.force_login(second_owner)
    page = client.get(reverse("settings")).content.decode()
    assert re.search(r'<input type="checkbox" name="approval_emails"[^>]* checked', page)
    pref = preference_for(second_owner)
    form = {
        "frequency": pref.frequency,
        "scope": pref.scope,
        "send_time": "08:00",
        "weekday": pref.weekday,
        "time_zone": pref.time_zone,
    }  # the checkbox left unticked
    assert client.post(reverse("digest_preferences"), form).status_code == 302
    case = make_case()

    submit(save_draft(case, staff, HUMBLE).draft, staff)
    run_queued_tasks()

    assert [m["To"] for m in smtp_server.messages] == [owner.email]


def test_the_writer_is_emailed_the_owners_comment_when_the_reply_is_returned(
    smtp_server, owner_client, staff
):
    case = make_case(author="Dana")
    submit(save_draft(case, staff, HUMBLE).draft, staff)
    run_queued_tasks()
    smtp_server.messages.clear()

    owner_client.post(
        reverse("reply_return", args=[case.pk]),
        {"reply_version": 1, "comment": "Say which day it arrives, and don't promise a refund."},
    )
    run_queued_tasks()

    (message,) = smtp_server.messages
    assert message["To"] == staff.email
    assert smtp_server.subject(message) == (
        f"alice@example.com returned your reply on case {case.pk} with a comment"
    )
    text = smtp_server.text(message)
    assert "Say which day it arrives, and don't promise a refund." in text
    assert CASE_LINK.format(case.pk) in text


def test_the_writer_is_emailed_when_the_reply_is_approved(smtp_server, owner_client, staff):
    case = make_case(author="Dana")
    submit(save_draft(case, staff, HUMBLE).draft, staff)
    run_queued_tasks()
    smtp_server.messages.clear()

    owner_client.post(reverse("reply_approve", args=[case.pk]), {"reply_version": 1})
    run_queued_tasks()

    (message,) = smtp_server.messages
    assert message["To"] == staff.email
    assert (
        smtp_server.subject(message) == f"alice@example.com approved your reply on case {case.pk}"
    )
    assert CASE_LINK.format(case.pk) in smtp_server.text(message)


def test_an_owners_own_reply_emails_nobody(smtp_server, owner, staff):
    case = make_case()
    submit(save_draft(case, owner, HUMBLE).draft, owner)
    assert run_queued_tasks() == []
    assert smtp_server.messages == []


def test_no_waiting_email_once_the_reply_was_decided(smtp_server, owner, staff):
    """The owner approved before the worker got to the email: nothing waits any more."""
    case = make_case()
    draft = submit(save_draft(case, staff, HUMBLE).draft, staff)
    approve(draft, owner, seen=1)

    run_queued_tasks()

    assert [m["To"] for m in smtp_server.messages] == [staff.email]  # only "approved"


def test_an_approval_email_task_delivered_twice_sends_one_email(slow_smtp_server, owner, staff):
    case = make_case()
    draft = submit(save_draft(case, staff, HUMBLE).draft, staff)
    return_for_changes(draft, owner, 1, "Shorter, please.")
    returned = ReplyDecision.objects.get(kind=ReplyDecision.Kind.RETURNED)

    run_twice_at_once(lambda: send_approval_emails(returned.pk), slow_smtp_server)
    send_approval_emails(returned.pk)  # and a third copy, later

    assert [m["To"] for m in slow_smtp_server.messages] == [staff.email]


def test_an_approval_email_the_mail_server_refused_is_sent_by_the_retry(smtp_server, owner, staff):
    case = make_case()
    submit(save_draft(case, staff, HUMBLE).draft, staff)
    submitted = ReplyDecision.objects.get(kind=ReplyDecision.Kind.SUBMITTED)
    smtp_server.fail_next = ["reject"]

    with pytest.raises(Exception):  # noqa: B017 - Celery's Retry, raised when called directly
        send_approval_emails(submitted.pk)
    assert send_approval_emails(submitted.pk) == 1
    assert send_approval_emails(submitted.pk) == 0

    assert [m["To"] for m in smtp_server.messages] == [owner.email]
