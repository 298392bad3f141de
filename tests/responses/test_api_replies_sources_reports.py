"""Replies, sources and report figures through the API, with the pages' rules: a staff reply
waits for an owner, an owner approves only the version they read, sources are the owner's, and
report figures are the Reports page's CSV rows for the days asked."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from monitors.models import Label, Source
from responses.api.tokens import create_token
from responses.cases import open_case
from responses.models import ReplyDraft, ReplySettings
from tests.responses.test_replies import HUMBLE, configure

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def acme_settings():
    configure()
    ReplySettings.objects.update(approval_required=True)


def call(client, owner_or_staff, method: str, url: str, body: dict | None = None):
    _, secret = create_token(owner_or_staff, f"Token {timezone.now().timestamp()}")
    payload = json.dumps(body) if body is not None else None
    return getattr(client, method)(
        url, payload, "application/json", HTTP_AUTHORIZATION=f"Bearer {secret}"
    )


def test_a_staff_reply_waits_for_the_owner_who_approves_the_version_they_read(
    client, owner, staff, make_mention
):
    case, _ = open_case(make_mention(rating=1, label=Label.NEGATIVE, author="Dana"))
    reply_url = reverse("api_reply", kwargs={"case_id": case.pk})
    sent = call(client, staff, "put", reply_url, {"text": HUMBLE, "submit": True})
    assert sent.status_code == 200, sent.json()
    assert sent.json()["state"] == "pending" and sent.json()["latest"]["number"] == 1

    approve_url = reverse("api_reply_approve", kwargs={"case_id": case.pk})
    assert call(client, staff, "post", approve_url, {"reply_version": 1}).status_code == 403
    call(client, staff, "put", reply_url, {"text": HUMBLE + " Thank you.", "submit": True})
    stale = call(client, owner, "post", approve_url, {"reply_version": 1})
    assert stale.status_code == 409 and "version 2" in stale.json()["detail"]
    approved = call(client, owner, "post", approve_url, {"reply_version": 2})
    assert approved.status_code == 200
    assert approved.json()["state"] == "approved" and approved.json()["approved_version"] == 2


def test_a_reply_with_a_tone_problem_is_saved_but_not_sent(client, staff, make_mention):
    case, _ = open_case(make_mention(rating=1, label=Label.NEGATIVE, author="Dana"))
    reply_url = reverse("api_reply", kwargs={"case_id": case.pk})
    rude = "Clearly you did not read the manual. Your fault, not ours."
    answer = call(client, staff, "put", reply_url, {"text": rude, "submit": True})
    assert answer.status_code == 400 and "tone check" in answer.json()["detail"]
    assert ReplyDraft.objects.get(case=case).state == ReplyDraft.State.DRAFT
    unknown = call(client, staff, "put", reply_url, {"text": "Hi {customer}"})
    assert unknown.status_code == 400 and "customer" in unknown.json()["text"][0]


def test_an_owner_adds_pauses_and_deletes_a_source_and_staff_only_read(
    client, owner, staff, settings
):
    settings.RW_ALLOW_PRIVATE_SOURCES = True
    body = {"name": "Shop feed", "kind": "feed", "url": "http://127.0.0.1:9/feed.xml"}
    assert call(client, staff, "post", reverse("api_sources"), body).status_code == 403
    added = call(client, owner, "post", reverse("api_sources"), body)
    assert added.status_code == 201, added.json()
    source_id = added.json()["id"]
    assert added.json()["poll_interval_minutes"] == 15 and added.json()["enabled"]

    pause_url = reverse("api_source_pause", kwargs={"source_id": source_id})
    paused = call(client, owner, "post", pause_url)
    assert paused.json()["enabled"] is False
    assert paused.json()["paused_reason"] == "Paused by the owner."
    listed = call(client, staff, "get", reverse("api_sources")).json()
    assert [s["name"] for s in listed] == ["Shop feed"]

    detail_url = reverse("api_source", kwargs={"source_id": source_id})
    assert call(client, owner, "delete", detail_url).status_code == 204
    assert not Source.objects.filter(pk=source_id).exists()


def test_a_source_with_cases_is_not_deleted_and_an_unsafe_address_is_refused(
    client, owner, make_mention, settings
):
    case, _ = open_case(make_mention(rating=1, label=Label.NEGATIVE))
    url = reverse("api_source", kwargs={"source_id": case.mention.source_id})
    kept = call(client, owner, "delete", url)
    assert kept.status_code == 409 and "Pause it instead" in kept.json()["detail"]
    settings.RW_ALLOW_PRIVATE_SOURCES = False
    body = {"name": "Router", "kind": "feed", "url": "http://192.168.1.1/feed"}
    refused = call(client, owner, "post", reverse("api_sources"), body)
    assert refused.status_code == 400 and "url" in refused.json()


def test_report_figures_for_a_range_of_days_are_the_reports_csv_rows(client, staff, make_mention):
    for rating in (1, 2, 5):
        make_mention(rating=rating, label=Label.NEGATIVE if rating < 3 else Label.POSITIVE)
    today = timezone.localdate()
    url = reverse("api_report", kwargs={"report": "volume"})
    query = f"?since={today - timedelta(days=2)}&until={today}"
    figures = call(client, staff, "get", url + query).json()
    assert figures["first_day"] == str(today - timedelta(days=2))
    assert figures["columns"][1:] == ["source", "mentions", "negative"]
    assert [row[1:] for row in figures["rows"] if row[0] == str(today)] == [
        ["Trustpilot", "3", "2"]
    ]
    backwards = call(
        client, staff, "get", url + f"?since={today}&until={today - timedelta(days=1)}"
    )
    assert backwards.status_code == 400
    assert (
        call(client, staff, "get", reverse("api_report", kwargs={"report": "nope"})).status_code
        == 404
    )
