"""Every API endpoint with an owner's token, a staff member's, a revoked one and none: a token
acts with its person's role and nothing more, and a revoked, expired or missing one gets 401."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from monitors.models import Label, Source
from responses.api.tokens import create_token, revoke_token
from responses.cases import open_case
from responses.models import ReplySettings
from responses.replies import save_draft, submit
from tests.responses.test_replies import HUMBLE, configure

pytestmark = pytest.mark.django_db

MENTION = {"source": "source", "title": "Never arrived", "text": "Still waiting.", "rating": 1}
SOURCE = {"name": "Shop feed", "kind": "feed", "url": "http://127.0.0.1:9/feed.xml"}
# (method, route, its arguments, JSON body, owner's answer, staff's answer)
ENDPOINTS = [
    ("get", "api_mentions", {}, None, 200, 200),
    ("post", "api_mentions", {}, MENTION, 201, 201),
    ("get", "api_mention", {"mention_id": "mention"}, None, 200, 200),
    ("get", "api_cases", {}, None, 200, 200),
    ("get", "api_case", {"case_id": "case"}, None, 200, 200),
    ("patch", "api_case", {"case_id": "case"}, {"version": 1, "priority": 3}, 200, 200),
    ("post", "api_case_notes", {"case_id": "case"}, {"body": "Called them."}, 201, 201),
    ("get", "api_reply", {"case_id": "case"}, None, 200, 200),
    ("put", "api_reply", {"case_id": "case"}, {"text": HUMBLE + " Thanks."}, 200, 200),
    ("post", "api_reply_submit", {"case_id": "case"}, None, 200, 200),
    ("post", "api_reply_approve", {"case_id": "pending"}, {"reply_version": 1}, 200, 403),
    ("get", "api_sources", {}, None, 200, 200),
    ("post", "api_sources", {}, SOURCE, 201, 403),
    ("get", "api_source", {"source_id": "source"}, None, 200, 200),
    ("post", "api_source_pause", {"source_id": "source"}, None, 200, 403),
    ("delete", "api_source", {"source_id": "empty_source"}, None, 204, 403),
    ("get", "api_reports", {}, None, 200, 200),
    ("get", "api_report", {"report": "volume"}, None, 200, 200),
    ("get", "api_report", {"report": "people"}, None, 200, 403),
]
IDS = [
    f"{method} {route} {'/'.join(map(str, args.values()))}" for method, route, args, *_ in ENDPOINTS
]


@pytest.fixture
def world(owner, staff, make_mention, settings) -> dict:
    """A case with a draft reply, a case whose reply waits for approval, and sources."""
    settings.RW_ALLOW_PRIVATE_SOURCES = True
    configure()
    ReplySettings.objects.update(approval_required=True)
    case, _ = open_case(make_mention(rating=1, label=Label.NEGATIVE, author="Dana"))
    save_draft(case, staff, HUMBLE)
    pending, _ = open_case(make_mention(rating=2, label=Label.NEGATIVE, author="Dana"))
    submit(save_draft(pending, staff, HUMBLE).draft, staff)
    empty = Source.objects.create(name="Old feed", url="https://old.example.com/feed")
    return {
        "case": case.pk,
        "pending": pending.pk,
        "mention": case.mention_id,
        "source": case.mention.source_id,
        "empty_source": empty.pk,
    }


def call(client, method: str, route: str, args: dict, body, world: dict, token: str | None):
    kwargs = {name: world.get(value, value) for name, value in args.items()}
    if body is not None:
        body = {
            name: world.get(value, value) if value == "source" else value
            for name, value in body.items()
        }
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    return getattr(client, method)(
        reverse(route, kwargs=kwargs),
        data=json.dumps(body) if body is not None else None,
        content_type="application/json",
        **headers,
    )


@pytest.mark.parametrize(("method", "route", "args", "body", "for_owner", "_"), ENDPOINTS, ids=IDS)
def test_an_owner_token_does_what_an_owner_may(
    client, world, owner, method, route, args, body, for_owner, _
):
    _, secret = create_token(owner, "Sheet")
    response = call(client, method, route, args, body, world, secret)
    assert response.status_code == for_owner, response.content[:500]


@pytest.mark.parametrize(("method", "route", "args", "body", "_", "for_staff"), ENDPOINTS, ids=IDS)
def test_a_staff_token_does_only_what_staff_may(
    client, world, staff, method, route, args, body, _, for_staff
):
    _, secret = create_token(staff, "Help desk")
    response = call(client, method, route, args, body, world, secret)
    assert response.status_code == for_staff, response.content[:500]
    if for_staff == 403:
        assert (
            response.json() == {"detail": "Only an owner can do this."}
            or "detail" in response.json()
        )


@pytest.mark.parametrize(("method", "route", "args", "body", "_", "__"), ENDPOINTS, ids=IDS)
def test_a_revoked_token_gets_401_and_changes_nothing(
    client, world, owner, method, route, args, body, _, __
):
    token, secret = create_token(owner, "Old script")
    assert revoke_token(owner, token.pk)
    response = call(client, method, route, args, body, world, secret)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'
    assert "revoked" in response.json()["detail"]


@pytest.mark.parametrize(("method", "route", "args", "body", "_", "__"), ENDPOINTS, ids=IDS)
def test_no_token_gets_401_not_the_login_page(client, world, method, route, args, body, _, __):
    response = call(client, method, route, args, body, world, None)
    assert response.status_code == 401
    assert response["Content-Type"] == "application/json"


def test_a_signed_in_session_is_not_enough_for_the_api(client, world, owner):
    client.force_login(owner)
    assert client.get(reverse("api_cases")).status_code == 401


def test_an_expired_token_and_a_deactivated_persons_token_get_401(client, world, owner, staff):
    _, expired = create_token(owner, "Expired", expires_at=timezone.now() - timedelta(seconds=1))
    _, bobs = create_token(staff, "Bob's")
    staff.is_active = False
    staff.save(update_fields=["is_active"])
    for secret in (expired, bobs, "rw_not-a-token", "not even the prefix"):
        response = client.get(reverse("api_cases"), HTTP_AUTHORIZATION=f"Bearer {secret}")
        assert response.status_code == 401, secret


def test_the_openapi_description_is_public_and_names_the_bearer_scheme(client):
    schema = client.get(reverse("api_schema")).json()
    assert schema["openapi"].startswith("3.")
    assert schema["components"]["securitySchemes"]["personalToken"]["scheme"] == "bearer"
    assert "/api/v1/cases/{case_id}" in schema["paths"]


def test_the_openapi_description_is_valid_and_drf_spectacular_guesses_nothing(tmp_path):
    """A view or field whose shape drf-spectacular would have to guess fails here."""
    call_command(
        "spectacular",
        "--format",
        "openapi-json",
        "--file",
        str(tmp_path / "openapi.json"),
        "--validate",
        "--fail-on-warn",
    )
    assert json.loads((tmp_path / "openapi.json").read_text())["info"]["title"] == "ReviewWatch API"


def test_an_unknown_api_address_is_a_json_404(client, owner):
    _, secret = create_token(owner, "Sheet")
    response = client.post("/api/v1/nothing/here", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 404
    assert response.json() == {"detail": "There is nothing at this address."}


def test_a_staff_token_cannot_see_owner_only_report_figures_in_the_list(client, staff, owner):
    _, bobs = create_token(staff, "Bob's")
    _, alices = create_token(owner, "Alice's")
    for_staff = client.get(reverse("api_reports"), HTTP_AUTHORIZATION=f"Bearer {bobs}").json()
    for_owner = client.get(reverse("api_reports"), HTTP_AUTHORIZATION=f"Bearer {alices}").json()
    assert "people" not in {r["name"] for r in for_staff}
    assert "people" in {r["name"] for r in for_owner}


def test_rating_in_answers_is_a_json_number(client, world, owner):
    _, secret = create_token(owner, "Sheet")
    url = reverse("api_mention", kwargs={"mention_id": world["mention"]})
    rating = client.get(url, HTTP_AUTHORIZATION=f"Bearer {secret}").json()["rating"]
    assert rating == 1 and Decimal(str(rating)) == Decimal(1)
