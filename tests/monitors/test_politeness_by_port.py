"""Politeness is owed to a host and port: a 429 from one port holds back only that port's
sources, the Sources page says why a source waits, and `manage.py poll` says so at once."""

from __future__ import annotations

import io
import threading
import time
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from pytest_httpserver import HTTPServer

from monitors.models import HostState, Source
from monitors.polling import poll_source_now
from tests.rss import Item, rss_feed

FEED = rss_feed([Item("1", "Lamp", "Works well")])


@pytest.fixture
def other_port():
    """A second web server on the same host, another port."""
    server = HTTPServer(host="localhost", port=0)
    server.start()
    yield server
    server.clear()
    server.stop()


@pytest.fixture
def slowed_down(httpserver, other_port, db):
    """Two sources on one port that asked us to wait an hour, one source on another port."""
    httpserver.expect_request("/reviews").respond_with_data(
        "slow down", status=429, headers={"Retry-After": "3600"}
    )
    other_port.expect_request("/feed").respond_with_data(FEED, content_type="application/rss+xml")
    asked = Source.objects.create(name="Asked", url=httpserver.url_for("/reviews"))
    sibling = Source.objects.create(name="Sibling", url=httpserver.url_for("/more"))
    elsewhere = Source.objects.create(name="Elsewhere", url=other_port.url_for("/feed"))
    assert poll_source_now(asked.pk).status == "deferred"
    return asked, sibling, elsewhere


def test_a_429_from_one_port_does_not_hold_back_the_sources_on_another_port(slowed_down):
    asked, sibling, elsewhere = slowed_down
    sibling.refresh_from_db()
    elsewhere.refresh_from_db()
    in_an_hour = timezone.now() + timedelta(minutes=59)
    assert sibling.next_poll_at > in_an_hour
    assert elsewhere.next_poll_at < in_an_hour
    assert poll_source_now(elsewhere.pk).status == "ok"
    assert poll_source_now(sibling.pk).status == "host_busy"


def test_a_deferred_source_says_why_on_the_sources_page(slowed_down, client, owner, staff):
    until = timezone.localtime(HostState.objects.get(host=slowed_down[0].host).deferred_until)
    for person in (owner, staff):
        client.force_login(person)
        body = client.get(reverse("sources")).content.decode()
        waiting = f"Waiting until {until:%H:%M} because localhost asked us to"
        if until.date() != timezone.localtime().date():
            waiting = f"Waiting until {until:%Y-%m-%d %H:%M} because localhost asked us to"
        assert body.count(waiting) == 2  # the source that was told, and its sibling
        detail = client.get(reverse("source_detail", args=[slowed_down[1].pk]))
        assert waiting in detail.content.decode()


def test_poll_command_says_at_once_that_the_host_asked_us_to_wait(slowed_down):
    sibling = slowed_down[1]
    err = io.StringIO()
    started = time.monotonic()
    with pytest.raises(CommandError):
        call_command("poll", str(sibling.pk), stderr=err, stdout=io.StringIO())
    assert time.monotonic() - started < 5
    assert "Sibling: held back: localhost asked us to wait until" in err.getvalue()


def test_poll_command_waits_for_another_poll_of_the_host_to_end_then_polls(
    httpserver, transactional_db
):
    feed = rss_feed([Item("1", "Lamp", "Bright and warm.")])
    httpserver.expect_request("/feed").respond_with_data(feed, content_type="application/rss+xml")
    source = Source.objects.create(name="Busy", url=httpserver.url_for("/feed"))
    HostState.objects.create(host=source.host, busy_until=timezone.now() + timedelta(minutes=3))

    def other_poll_ends() -> None:
        time.sleep(2)
        HostState.objects.filter(host=source.host).update(busy_until=None)
        connection.close()

    threading.Thread(target=other_poll_ends).start()
    out = io.StringIO()
    call_command("poll", str(source.pk), stdout=out, stderr=io.StringIO())
    assert "Busy: ok: 1 new" in out.getvalue()
