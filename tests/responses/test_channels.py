"""Notification channels through Apprise: a person's alerts reach their channel (a generic JSON
receiver on this machine, and email through the local SMTP server) as well as or instead of
email, team channels hear the event types the owners chose, each message once, with the
source, stars, first line and case link; channel URLs are stored encrypted."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from monitors.models import Mention
from monitors.signals import negative_mentions
from responses.cases import open_case
from responses.models import Case, Channel, ChannelMessage, DigestPreference
from responses.notify.channels import prepared, send_message
from responses.replies import save_draft, submit
from responses.tasks import alert_breached_cases
from reviewwatch.celery import app as celery_app
from tests.responses.test_replies import HUMBLE, configure


@pytest.fixture
def eager(settings, django_capture_on_commit_callbacks):
    settings.RW_ALLOW_PRIVATE_SOURCES = True
    settings.SITE_URL = "https://reviews.example.com"
    celery_app.conf.task_always_eager = True

    def commit():
        return django_capture_on_commit_callbacks(execute=True)

    yield commit
    celery_app.conf.task_always_eager = False


def add_channel(url: str, user=None, alerts=(), event_types=(), name="Chat") -> Channel:
    encrypted, hint = prepared(url)
    return Channel.objects.create(
        user=user,
        name=name,
        url_encrypted=encrypted,
        url_hint=hint,
        alerts=list(alerts),
        event_types=list(event_types),
    )


def json_url(httpserver, path: str = "/notify") -> str:
    return f"json://{httpserver.host}:{httpserver.port}{path}"


def posted(httpserver) -> list[dict]:
    return [json.loads(request.get_data()) for request, _ in httpserver.log]


def test_a_negative_mention_reaches_the_persons_json_channel_with_the_essentials(
    httpserver, eager, staff, make_mention
):
    httpserver.expect_request("/notify", method="POST").respond_with_data("ok")
    add_channel(json_url(httpserver), user=staff, alerts=[Channel.Alert.NEGATIVE])
    mention = make_mention(rating=1, author="Dana Reyes", title="Broken on arrival")
    with eager():
        negative_mentions.send(sender=Mention, mentions=[mention])
    [message] = posted(httpserver)
    case = Case.objects.get(mention=mention)
    assert message["title"] == "Negative mention"
    assert message["message"].splitlines() == [
        "Trustpilot 1★ — Dana Reyes",
        "“Broken on arrival”",
        f"https://reviews.example.com/cases/{case.pk}/",
    ]
    sent = ChannelMessage.objects.get()
    assert sent.sent_at is not None
    assert send_message(sent.pk) is False, "told once, however often the task runs"
    assert len(httpserver.log) == 1


def test_a_breach_goes_to_the_owners_email_channel_instead_of_the_email_alert(
    smtp_server, eager, owner, make_mention
):
    DigestPreference.objects.create(user=owner, breach_alerts=False)
    smtp = f"mailto://127.0.0.1:{smtp_server.port}?from=rw@example.com&to=alice-phone@example.com"
    add_channel(smtp, user=owner, alerts=[Channel.Alert.BREACH], name="Phone mail")
    case = open_case(make_mention(rating=1, author="Dana Reyes"))[0]
    Case.objects.filter(pk=case.pk).update(due_at=timezone.now() - timedelta(minutes=5))
    with eager():
        assert alert_breached_cases() == 1
    [message] = smtp_server.messages
    assert message["To"] == "alice-phone@example.com", "no breach email: it was switched off"
    assert smtp_server.subject(message) == f"Case breached its response time (case {case.pk})"
    body = message.get_body().get_content()
    assert "Trustpilot 1★ — Dana Reyes" in body
    assert f"https://reviews.example.com/cases/{case.pk}/" in body


def test_team_channels_hear_their_event_types_and_people_only_their_alerts(
    httpserver, eager, owner, staff, make_mention
):
    httpserver.expect_request("/team").respond_with_data("ok")
    httpserver.expect_request("/bob").respond_with_data("ok")
    add_channel(json_url(httpserver, "/team"), event_types=["mention.negative"], name="#reviews")
    add_channel(json_url(httpserver, "/bob"), user=staff, alerts=[Channel.Alert.BREACH])
    with eager():
        negative_mentions.send(sender=Mention, mentions=[make_mention(rating=2)])
    assert [request.path for request, _ in httpserver.log] == ["/team"]


def test_an_approval_request_reaches_each_owners_channel_but_not_the_writers(
    httpserver, eager, owner, staff, make_mention
):
    configure()
    httpserver.expect_request("/alice").respond_with_data("ok")
    httpserver.expect_request("/bob").respond_with_data("ok")
    add_channel(json_url(httpserver, "/alice"), user=owner, alerts=[Channel.Alert.APPROVAL])
    add_channel(json_url(httpserver, "/bob"), user=staff, alerts=[Channel.Alert.APPROVAL])
    case = open_case(make_mention(rating=1))[0]
    with eager():
        submit(save_draft(case, staff, HUMBLE).draft, staff)
    [(request, _)] = httpserver.log
    assert request.path == "/alice"
    title = json.loads(request.get_data())["title"]
    assert title == f"Reply sent for approval by bob@example.com (case {case.pk})"


def test_a_refused_message_is_retried_until_the_service_takes_it(
    httpserver, eager, staff, make_mention
):
    httpserver.expect_ordered_request("/notify").respond_with_data("busy", status=503)
    httpserver.expect_ordered_request("/notify").respond_with_data("ok")
    channel = add_channel(json_url(httpserver), user=staff, alerts=[Channel.Alert.NEGATIVE])
    with eager():
        negative_mentions.send(sender=Mention, mentions=[make_mention(rating=1)])
    assert len(httpserver.log) == 2, "the task retried after the 503"
    channel.refresh_from_db()
    assert channel.last_error == "" and channel.last_sent_at is not None
    assert ChannelMessage.objects.get().attempts == 2


def test_channel_urls_are_stored_encrypted_and_shown_starred(db):
    url = "slack://T1JJ3T3L2/A1BRTD4JD/TIiajkdnlazkcOXrIdevi7FQ/#reviews"
    channel = add_channel(url)
    assert "TIiajkdnlazkcOXrIdevi7FQ" not in channel.url_encrypted
    assert "TIiajkdnlazkcOXrIdevi7FQ" not in channel.url_hint
    assert channel.url_hint.startswith("slack://T...2/")
