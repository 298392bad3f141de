"""Mentions through the API: the Mentions list's filters and pages, one mention with its
revisions, and a mention another tool submits — classified and triaged like one a poll found
(a negative complaint about us opens a case; the same id again is an edit, not a duplicate)."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from monitors.models import Label, Mention, Source, Subject, Tombstone
from responses.api.tokens import create_token
from responses.mention_list import MENTIONS_PAGE
from responses.models import Case

pytestmark = pytest.mark.django_db
COMPLAINT = {
    "external_id": "form-1042",
    "author": "Dana",
    "title": "Broken on arrival",
    "text": "Terrible. The lamp arrived broken and support never answered my emails.",
    "rating": 1,
    "url": "https://shop.example.com/feedback/1042",
}


@pytest.fixture
def form_source(db) -> Source:
    """Where the shop's feedback form sends its reviews: a source nobody polls."""
    return Source.objects.create(
        name="Feedback form", url="https://shop.example.com/feedback", enabled=False
    )


def submit(client, secret: str, body: dict):
    return client.post(
        reverse("api_mentions"),
        json.dumps(body),
        "application/json",
        HTTP_AUTHORIZATION=f"Bearer {secret}",
    )


def test_a_submitted_complaint_is_classified_negative_and_opens_a_case_in_the_inbox(
    client, staff, form_source
):
    _, secret = create_token(staff, "Feedback form")
    answer = submit(client, secret, {"source": form_source.pk, **COMPLAINT})
    assert answer.status_code == 201, answer.json()
    body = answer.json()
    assert body["label"] == "negative" and body["reason"]
    case = Case.objects.get(mention_id=body["id"])
    assert body["case"] == case.pk
    assert case.severity == Case.Severity.URGENT  # one star, as for a polled review
    inbox = client.get(reverse("api_cases"), HTTP_AUTHORIZATION=f"Bearer {secret}").json()
    assert case.pk in [row["id"] for row in inbox["results"]]


def test_the_same_external_id_again_is_an_edit_with_a_revision_not_a_second_mention(
    client, owner, form_source
):
    _, secret = create_token(owner, "Feedback form")
    first = submit(client, secret, {"source": form_source.pk, **COMPLAINT}).json()
    edited = {**COMPLAINT, "rating": 4, "text": "They sent a new lamp at once. Thank you!"}
    again = submit(client, secret, {"source": form_source.pk, **edited})
    assert again.status_code == 200
    assert again.json()["id"] == first["id"] and again.json()["rating"] == 4
    assert Mention.objects.filter(source=form_source).count() == 1
    detail = client.get(
        reverse("api_mention", kwargs={"mention_id": first["id"]}),
        HTTP_AUTHORIZATION=f"Bearer {secret}",
    ).json()
    assert detail["revisions"][0]["old_rating"] == 1
    assert detail["revisions"][0]["new_rating"] == 4


def test_praise_is_stored_without_a_case_and_a_competitors_source_opens_none(
    client, owner, form_source
):
    _, secret = create_token(owner, "Feedback form")
    praise = {"title": "Lovely", "text": "Great light, fast delivery, very happy.", "rating": 5}
    answer = submit(client, secret, {"source": form_source.pk, **praise})
    assert answer.status_code == 201 and answer.json()["case"] is None
    rival = Source.objects.create(
        name="Rival", url="https://rival.example.com", subject=Subject.COMPETITOR
    )
    answer = submit(client, secret, {"source": rival.pk, **COMPLAINT})
    assert answer.json()["label"] == "negative" and answer.json()["case"] is None


def test_an_old_complaint_is_stored_as_history_and_opens_no_case(client, owner, form_source):
    _, secret = create_token(owner, "Feedback form")
    long_ago = (timezone.now() - timedelta(days=form_source.history_days + 30)).isoformat()
    answer = submit(
        client, secret, {"source": form_source.pk, **COMPLAINT, "published_at": long_ago}
    )
    assert answer.status_code == 201
    assert answer.json()["label"] == "negative" and answer.json()["case"] is None
    assert Mention.objects.get(pk=answer.json()["id"]).imported_history


def test_a_submission_without_words_or_stars_or_with_an_unknown_source_is_refused(
    client, owner, form_source
):
    _, secret = create_token(owner, "Feedback form")
    empty = submit(client, secret, {"source": form_source.pk, "author": "Dana"})
    assert empty.status_code == 400
    unknown = submit(client, secret, {"source": 999999, **COMPLAINT})
    assert unknown.json() == {"source": ["There is no source with this id."]}
    too_many_stars = submit(client, secret, {"source": form_source.pk, **COMPLAINT, "rating": 6})
    assert too_many_stars.status_code == 400
    assert not Mention.objects.exists()


def test_a_mention_an_owner_deleted_is_not_taken_again(client, owner, form_source):
    Tombstone.objects.create(source=form_source, external_id=COMPLAINT["external_id"])
    _, secret = create_token(owner, "Feedback form")
    answer = submit(client, secret, {"source": form_source.pk, **COMPLAINT})
    assert answer.status_code == 409
    assert not Mention.objects.exists()


def test_the_mention_list_filters_by_label_and_pages_newest_first(client, owner, make_mention):
    negatives = [make_mention(label=Label.NEGATIVE) for _ in range(MENTIONS_PAGE + 5)]
    make_mention(rating=5, label=Label.POSITIVE)
    _, secret = create_token(owner, "Sheet")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    first = client.get(reverse("api_mentions"), {"label": "negative"}, **headers).json()
    rest = client.get(
        reverse("api_mentions"), {"label": "negative", "before": first["next"]}, **headers
    ).json()
    ids = [m["id"] for m in first["results"] + rest["results"]]
    assert ids == sorted((m.pk for m in negatives), reverse=True)
    assert rest["next"] is None
    bad = client.get(reverse("api_mentions"), {"label": "furious"}, **headers)
    assert bad.status_code == 400
