"""Approval binds to what the owner read: the approve and return forms carry the version shown,
and a reply staff changed since is neither approved nor returned (checked under a row lock)."""

from __future__ import annotations

import re
import threading
import time

import pytest
from django.db import connection, connections, transaction
from django.test import Client
from django.urls import reverse

from responses.models import ReplyDecision, ReplyDraft
from responses.replies import save_draft, submit
from tests.responses.test_replies import HUMBLE, configure, make_case

HTMX = {"HTTP_HX_REQUEST": "true"}
EDITED = HUMBLE + " We will also refund the delivery charge."


def shown_version(html: str) -> str:
    """The reply version the owner's approve form carries, as the page rendered it."""
    return re.search(r'name="reply_version" value="(\d+)"', html).group(1)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("action", "data"), [("reply_approve", {}), ("reply_return", {"comment": "Add the date."})]
)
def test_owner_cannot_decide_on_a_reply_staff_changed_after_they_read_it(
    owner_client, staff, action, data
):
    configure()
    case = make_case(author="Dana")
    submit(save_draft(case, staff, HUMBLE).draft, staff)
    read = shown_version(owner_client.get(reverse("case", args=[case.pk])).content.decode())
    submit(save_draft(case, staff, EDITED).draft, staff)  # staff edit and send it again

    url = reverse(action, args=[case.pk])
    response = owner_client.post(url, {"reply_version": read, **data}, **HTMX)

    html = response.content.decode()
    assert "bob@example.com changed the reply after you read it" in html
    assert "you read version 1, it is now version 2" in html
    assert "<ins> We will also refund the delivery charge.</ins>" in html
    draft = ReplyDraft.objects.get()
    assert draft.state == ReplyDraft.State.PENDING and draft.approved_version is None
    assert not draft.decisions.exclude(kind=ReplyDecision.Kind.SUBMITTED).exists()

    now_read = shown_version(html)
    assert now_read == "2"
    owner_client.post(url, {"reply_version": now_read, **data}, **HTMX)
    draft.refresh_from_db()
    assert draft.state != ReplyDraft.State.PENDING
    assert draft.decisions.last().version.text == EDITED


def waiting_for_a_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0] > 0


@pytest.mark.django_db(transaction=True)
def test_a_save_racing_the_approval_is_never_approved_unread(owner, staff):
    """Staff save version 2 while the owner approves version 1: the owner's approval waits on the
    draft's row lock, then sees version 2 and approves nothing."""
    configure()
    case = make_case(author="Dana")
    submit(save_draft(case, staff, HUMBLE).draft, staff)
    saved, release = threading.Event(), threading.Event()
    answers: list[str] = []

    def staff_saves() -> None:
        try:
            with transaction.atomic():
                save_draft(case, staff, EDITED)  # holds the draft's row lock until commit
                saved.set()
                release.wait(20)
        finally:
            connections.close_all()

    def owner_approves() -> None:
        try:
            saved.wait(20)
            client = Client()
            client.force_login(owner)
            url = reverse("reply_approve", args=[case.pk])
            answers.append(client.post(url, {"reply_version": 1}, **HTMX).content.decode())
        finally:
            connections.close_all()

    threads = [threading.Thread(target=staff_saves), threading.Thread(target=owner_approves)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 60
    while not waiting_for_a_lock() and time.monotonic() < deadline:
        time.sleep(0.05)
    blocked = waiting_for_a_lock()  # the owner's request waits for the staff save to commit
    release.set()
    for thread in threads:
        thread.join(30)

    assert blocked
    [html] = answers
    assert "changed the reply after you read it" in html
    draft = ReplyDraft.objects.get()
    assert draft.state == ReplyDraft.State.DRAFT and draft.approved_version is None
    assert not draft.decisions.filter(kind=ReplyDecision.Kind.APPROVED).exists()
