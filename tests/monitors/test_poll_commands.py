"""`manage.py poll` and `fetch_preview`: what they print, and one clear line on failure."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command

from monitors.models import Mention, Source
from tests.rss import Item, rss_feed

pytestmark = pytest.mark.django_db
FEED = rss_feed(
    [Item("1", "Broken lamp", "It stopped working, I want a refund"), Item("2", "ok", "")]
)


def test_fetch_preview_prints_one_json_object_per_mention_and_saves_nothing(httpserver):
    httpserver.expect_request("/feed").respond_with_data(FEED, content_type="application/rss+xml")
    out = io.StringIO()
    call_command("fetch_preview", httpserver.url_for("/feed"), "--kind", "feed", stdout=out)
    rows = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [r["external_id"] for r in rows] == ["1", "2"]
    assert set(rows[0]) == {
        "external_id",
        "url",
        "author",
        "title",
        "text",
        "rating",
        "published_at",
        "label",
        "reason",
    }
    assert rows[0]["label"] == "negative" and rows[0]["reason"]
    assert not Mention.objects.exists() and not Source.objects.exists()


@pytest.mark.parametrize(
    ("path", "status", "message"),
    [("/gone", 404, "404"), ("/garbage", 200, "could not be read")],
)
def test_fetch_preview_failure_is_one_clear_line(httpserver, path, status, message):
    httpserver.expect_request(path).respond_with_data(b"\x00\x01garbage", status=status)
    with pytest.raises(CommandError, match=message):
        call_command("fetch_preview", httpserver.url_for(path))


def test_fetch_preview_refuses_unsafe_urls(settings):
    settings.RW_ALLOW_PRIVATE_SOURCES = False
    with pytest.raises(CommandError, match="(?i)private|loopback|local"):
        call_command("fetch_preview", "http://127.0.0.1:9/feed")


def test_poll_prints_counts_and_fails_with_the_reason(httpserver):
    httpserver.expect_request("/feed").respond_with_data(FEED, content_type="application/rss+xml")
    httpserver.expect_request("/down").respond_with_data("no", status=500)
    good = Source.objects.create(name="Good", url=httpserver.url_for("/feed"))
    Source.objects.create(name="Down", url=httpserver.url_for("/down"))
    out = io.StringIO()
    call_command("poll", str(good.pk), stdout=out)
    assert "Good: ok: 2 new, 0 updated, 0 unchanged" in out.getvalue()
    err = io.StringIO()
    with pytest.raises(CommandError, match="1 of 2 polls"):
        call_command("poll", "--all", stdout=io.StringIO(), stderr=err)
    assert "Down: failed:" in err.getvalue() and "500" in err.getvalue()


def test_poll_unknown_source_is_a_clear_error():
    with pytest.raises(CommandError, match="no source with id 99"):
        call_command("poll", "99")
