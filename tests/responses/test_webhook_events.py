"""Each event an endpoint can choose, made the way the product makes it (a poll's signal, a
change on the case page, the breach beat, the reply workflow, an incident, a paused source),
arrives once at an endpoint that chose every type, and only the chosen types arrive at one
that chose a few."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from monitors.ingest import ingest
from monitors.models import Mention, PollLog, Revision
from monitors.parsers.base import ReviewRecord
from monitors.signals import mention_revised, negative_mentions, source_paused
from responses.cases import Change, change_case, open_case
from responses.incidents import post_update
from responses.models import Case, Incident, NotifyEvent, ReplyDraft
from responses.notify import webhooks
from responses.replies import approve, mark_posted, save_draft, submit
from responses.tasks import alert_breached_cases
from reviewwatch.celery import app as celery_app
from tests.responses.test_incidents import declare_login_outage
from tests.responses.test_replies import HUMBLE, configure

Type = NotifyEvent.Type
pytestmark = pytest.mark.django_db


@pytest.fixture
def endpoints(httpserver, settings, django_capture_on_commit_callbacks):
    """/all chose every event type, /few only incidents; tasks run as each change commits."""
    settings.RW_ALLOW_PRIVATE_SOURCES = True
    httpserver.expect_request("/all").respond_with_data("ok")
    httpserver.expect_request("/few").respond_with_data("ok")
    webhooks.create_endpoint(httpserver.url_for("/all"), list(Type.values))
    webhooks.create_endpoint(
        httpserver.url_for("/few"), [Type.INCIDENT_DECLARED, Type.INCIDENT_UPDATED]
    )
    celery_app.conf.task_always_eager = True
    yield lambda: django_capture_on_commit_callbacks(execute=True)
    celery_app.conf.task_always_eager = False


def arrived(httpserver, path: str) -> list[str]:
    return [
        json.loads(request.get_data())["type"]
        for request, _ in httpserver.log
        if request.path == path
    ]


def test_every_event_reaches_the_endpoints_that_chose_it_once(
    httpserver, endpoints, owner, staff, make_mention, source
):
    configure()
    mention = make_mention(rating=1, author="Dana Reyes")
    with endpoints():
        negative_mentions.send(sender=Mention, mentions=[mention])
    case = Case.objects.get(mention=mention)
    with endpoints():
        revision = Revision.objects.create(mention=mention, changed=["rating"], old_rating=1)
        mention_revised.send(
            sender=Mention, mention=mention, revision=revision, old={"rating": 1}, new={"rating": 2}
        )
    with endpoints():
        draft = submit(save_draft(case, staff, HUMBLE).draft, staff)
    with endpoints():
        approve(draft, owner, draft.versions.get().number)
    case.refresh_from_db()
    with endpoints():
        mark_posted(ReplyDraft.objects.get(pk=draft.pk), owner, case.version)
    case.refresh_from_db()
    with endpoints():
        change_case(case.pk, case.version, owner, Change(status=Case.Status.RESOLVED))
    with endpoints():
        late = open_case(make_mention(rating=3), actor=owner)[0]  # opened by hand
    Case.objects.filter(pk=late.pk).update(due_at=timezone.now() - timedelta(minutes=1))
    with endpoints():
        alert_breached_cases()
    with endpoints():
        incident = declare_login_outage(owner)
    with endpoints():
        post_update(incident, owner, Incident.Status.RESOLVED, "Fixed.", timezone.now())
    with endpoints():
        source_paused.send(sender=type(source), source=source, reason="410 Gone")

    assert arrived(httpserver, "/all") == [
        "mention.negative",
        "case.opened",
        "mention.revised",
        "reply.submitted",
        "reply.approved",
        "case.status_changed",
        "reply.posted",
        "case.status_changed",
        "case.resolved",
        "case.opened",
        "case.breached",
        "incident.declared",
        "incident.updated",
        "source.paused",
    ]
    assert arrived(httpserver, "/few") == ["incident.declared", "incident.updated"]


def test_a_polls_new_mentions_arrive_as_created_but_a_new_sources_history_does_not(
    httpserver, endpoints, source
):
    now = timezone.now()
    records = [
        ReviewRecord("new", author="Eli", text="Lovely lamp.", rating=Decimal(5), published_at=now),
        ReviewRecord(
            "old", author="Fay", text="Fine.", rating=Decimal(4), published_at=now - timedelta(400)
        ),
    ]
    with endpoints():
        ingest(source, records, PollLog.objects.create(source=source))
    [body] = [json.loads(r.get_data()) for r, _ in httpserver.log if r.path == "/all"]
    assert body["type"] == "mention.created"
    mention = body["data"]["mention"]
    assert (mention["author"], mention["stars"], mention["case_url"]) == ("Eli", "5★", "")
