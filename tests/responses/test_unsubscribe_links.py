"""Unsubscribe links from real digests: they expire, and they never show whose account it is."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import time_machine

from responses.digests import send_now
from responses.models import DigestPreference
from tests.responses.test_digest_email import subscribe

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def unsubscribe_path(smtp_server) -> str:
    text = smtp_server.text(smtp_server.messages[-1])
    return re.search(r"Unsubscribe: https://reviews\.example\.com(/\S+)", text)[1]


def digest_link(smtp_server, owner, make_mention) -> str:
    with time_machine.travel(START, tick=False):
        subscribe(owner)
        make_mention()
        assert send_now(owner.pk, ignore_schedule=True)
    return unsubscribe_path(smtp_server)


def test_unsubscribe_pages_do_not_show_whose_account_it_is(
    smtp_server, owner, make_mention, client
):
    path = digest_link(smtp_server, owner, make_mention)
    with time_machine.travel(START + timedelta(days=1)):
        asked = client.get(path)
        done = client.post(path)
    assert asked.status_code == 200 and done.status_code == 200
    for page in (asked, done):
        assert b"alice@example.com" not in page.content
        assert b"alice" not in page.content.lower()
    assert DigestPreference.objects.get(user=owner).frequency == "off"


def test_unsubscribe_link_older_than_sixty_days_has_expired_and_changes_nothing(
    smtp_server, owner, make_mention, client
):
    path = digest_link(smtp_server, owner, make_mention)
    with time_machine.travel(START + timedelta(days=61)):
        response = client.post(path)
    assert response.status_code == 400
    assert b"This unsubscribe link has expired" in response.content
    assert DigestPreference.objects.get(user=owner).frequency == "instant"


def test_unsubscribe_link_still_works_after_fifty_nine_days(
    smtp_server, owner, make_mention, client
):
    path = digest_link(smtp_server, owner, make_mention)
    with time_machine.travel(START + timedelta(days=59)):
        assert client.post(path).status_code == 200
    assert DigestPreference.objects.get(user=owner).frequency == "off"
