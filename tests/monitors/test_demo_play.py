"""The demo's Google Play app: `load_demo` connects it, its API (served under /demo/play/) answers
our Google Play client as Google's does, and the whole loop runs — a 1★ review arrives two
minutes in, an approved reply is posted and comes back published, and the next poll sees it live.
"""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse

from monitors import demo_play
from monitors.demo import NEW_REVIEW_AFTER
from monitors.models import Connection, Mention, Source
from monitors.platforms import base_url, client_for
from monitors.platforms.base import PlatformError
from monitors.polling import poll_source_now
from responses import posting
from responses.models import Case, PlatformPost, ReplySettings
from responses.replies import approve, save_draft, submit

REPLY = (
    "Thank you for telling us, and we are sorry the app keeps crashing and forgets your name. "
    "Version 8.1 fixes Face ID sign-in. Please email us at help@northgate.example so we can "
    "put this right."
)


def load_demo(base_url: str) -> str:
    out = StringIO()
    call_command("load_demo", "--base-url", base_url, stdout=out, stderr=StringIO())
    return out.getvalue()


def play_source() -> Source:
    return Source.objects.get(name=demo_play.source_name())


def two_minutes_in():
    started = play_source().created_at
    return time_machine.travel(started + NEW_REVIEW_AFTER + timedelta(seconds=30), tick=True)


@pytest.mark.django_db
def test_load_demo_connects_the_demo_play_app_once_and_remove_takes_it_away():
    said = load_demo("http://127.0.0.1:8000")
    assert "com.northgate.bank.demo" in said
    load_demo("http://127.0.0.1:8000")
    connection = Connection.objects.get()
    assert connection.base_url == "http://127.0.0.1:8000/demo/play"
    assert "PRIVATE KEY" not in connection.secrets
    source = play_source()
    assert (source.connection, source.platform_target) == (connection, demo_play.PACKAGE)
    call_command("load_demo", "--remove", stdout=StringIO())
    assert not Connection.objects.exists() and not Source.objects.exists()


@pytest.mark.django_db
def test_without_platform_base_urls_the_demo_play_app_still_reads_this_machines_api(settings):
    settings.RW_ALLOW_PLATFORM_BASE_URL = False
    call_command(
        "load_demo", "--base-url", "http://127.0.0.1:8000", stdout=StringIO(), stderr=StringIO()
    )
    connection = Connection.objects.get()
    assert connection.is_demo
    assert base_url(connection) == "http://127.0.0.1:8000/demo/play"
    Connection.objects.update(base_url="https://attacker.example/api")
    assert base_url(Connection.objects.get()) == "https://androidpublisher.googleapis.com"


@pytest.mark.django_db
def test_the_demo_api_refuses_a_token_it_did_not_issue(client):
    load_demo("http://testserver")
    url = reverse("demo_play_reviews", args=[demo_play.PACKAGE])
    refused = client.get(url, headers={"Authorization": "Bearer made-up"})
    assert refused.status_code == 401
    assert refused.json()["error"]["status"] == "UNAUTHENTICATED"
    forged = client.post(
        reverse("demo_play_token"),
        {"grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer", "assertion": "a.b.c"},
    )
    assert forged.status_code == 400 and forged.json()["error"] == "invalid_grant"


def test_the_one_star_play_review_arrives_and_a_posted_reply_comes_back_live(live_server, owner):
    load_demo(live_server.url)
    source = play_source()
    assert poll_source_now(source.pk).status == "ok"
    assert Mention.objects.filter(source=source).count() == 2  # the two older reviews
    with two_minutes_in():
        assert poll_source_now(source.pk).log.new_count == 1
        mention = Mention.objects.get(external_id="gp:AOqpTOdemo6952756142")
        assert mention.rating == 1 and mention.title == "Ugh"
        case = Case.objects.get(mention=mention)

        settings = ReplySettings.current()
        settings.contact = "help@northgate.example"
        settings.save()
        draft = submit(save_draft(case, owner, REPLY).draft, owner)
        if draft.state != "approved":
            draft = approve(draft, owner, draft.versions.last().number)
        post = posting.request(draft, owner, "post", draft.approved_version)
        assert posting.send(post.pk).state == PlatformPost.State.PUBLISHED
        assert Case.objects.get(pk=case.pk).responded

        found = client_for(source.connection).find_reply(demo_play.PACKAGE, mention.external_id)
        assert found.text == REPLY


def test_the_demo_play_app_answers_like_google_when_things_go_wrong(live_server):
    load_demo(live_server.url)
    client = client_for(play_source().connection)
    with pytest.raises(PlatformError) as unknown:
        client.read_reviews("com.someone.else", None)
    assert unknown.value.kind == "not_found"
    with pytest.raises(PlatformError) as too_long:
        client.post_reply(demo_play.PACKAGE, "gp:AOqpTOdemo6569509308", "x" * 351)
    assert too_long.value.kind == "too_long"
    checks = client.check(demo_play.PACKAGE)
    assert all(check.ok for check in checks), checks
