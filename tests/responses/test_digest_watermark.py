"""A person's first digest covers everything since their account was created."""

from __future__ import annotations

import io
from email.utils import format_datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from monitors.models import Source
from tests.rss import Item, rss_feed

pytestmark = pytest.mark.django_db


def test_first_digest_after_createuser_and_a_poll_carries_what_the_poll_found(
    smtp_server, httpserver, monkeypatch
):
    monkeypatch.setattr("sys.stdin", io.StringIO("a-long-enough-secret-9\n"))
    call_command("createuser", "dana@example.com", "--password-stdin", stdout=io.StringIO())
    published = format_datetime(timezone.now())
    feed = rss_feed(
        [Item("1", "Broken lamp", "It broke in a day, I want a refund", pub_date=published)]
    )
    httpserver.expect_request("/feed").respond_with_data(feed, content_type="application/rss+xml")
    source = Source.objects.create(name="Acme mentions", url=httpserver.url_for("/feed"))
    call_command("poll", str(source.pk), stdout=io.StringIO())

    call_command("send_digests", "--now", stdout=io.StringIO())

    [message] = smtp_server.messages
    assert message["To"] == "dana@example.com"
    assert "It broke in a day" in smtp_server.text(message)


def test_settings_page_before_any_digest_run_keeps_what_arrived_since_joining(
    smtp_server, staff, staff_client, make_mention
):
    make_mention(text="Rude staff at the counter.")
    staff_client.get("/settings/")  # creates the preference row
    call_command("send_digests", "--now", stdout=io.StringIO())
    [message] = smtp_server.messages
    assert "Rude staff at the counter." in smtp_server.text(message)
