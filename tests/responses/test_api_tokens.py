"""Personal API tokens on Settings: made with a name and an optional expiry, the secret shown
once and stored only as a digest, last use noted, revoked by their person only; and the rate
limit each token has."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from responses.api.tokens import create_token
from responses.models import ApiToken

pytestmark = pytest.mark.django_db


def make_on_the_page(client, name: str, expires_on: str = "") -> str:
    response = client.post(reverse("api_tokens"), {"name": name, "expires_on": expires_on})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]  # the one answer that shows the secret
    return response.context["secret"]


@pytest.mark.parametrize("person", ["owner", "staff"])
def test_a_person_makes_a_token_sees_it_once_and_uses_it_with_their_role(client, request, person):
    user = request.getfixturevalue(person)
    client.force_login(user)
    secret = make_on_the_page(client, "Spreadsheet")
    assert secret.startswith("rw_") and len(secret) > 40
    token = ApiToken.objects.get(user=user, name="Spreadsheet")
    assert token.digest == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in str(list(ApiToken.objects.values()))  # only the digest is kept
    page = client.get(reverse("api_tokens")).content.decode()
    assert "Spreadsheet" in page and token.prefix in page and secret not in page
    assert "never" in page  # not used yet

    api = client.__class__()
    answer = api.get(reverse("api_reports"), HTTP_AUTHORIZATION=f"Bearer {secret}").json()
    assert ("people" in {r["name"] for r in answer}) == (person == "owner")
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_a_token_expires_after_the_chosen_day_and_a_past_day_is_refused(client, owner):
    client.force_login(owner)
    tomorrow = timezone.localdate() + timedelta(days=1)
    make_on_the_page(client, "Trial", str(tomorrow))
    token = ApiToken.objects.get(name="Trial")
    assert timezone.localtime(token.expires_at).date() == tomorrow + timedelta(days=1)
    yesterday = timezone.localdate() - timedelta(days=1)
    refused = client.post(reverse("api_tokens"), {"name": "Old", "expires_on": str(yesterday)})
    assert refused.status_code == 400 and "today or a later day" in refused.content.decode()
    same_name = client.post(reverse("api_tokens"), {"name": "Trial"})
    assert "already have a token with this name" in same_name.content.decode()


def test_revoking_on_the_page_stops_the_token_and_nobody_revokes_anothers(client, owner, staff):
    token, secret = create_token(staff, "Help desk")
    client.force_login(owner)
    client.post(reverse("api_token_revoke", args=[token.pk]))
    token.refresh_from_db()
    assert token.revoked_at is None  # Alice cannot revoke Bob's token
    client.force_login(staff)
    client.post(reverse("api_token_revoke", args=[token.pk]))
    token.refresh_from_db()
    assert token.revoked_at is not None
    answer = client.__class__().get(reverse("api_cases"), HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert answer.status_code == 401
    assert "revoked" in client.get(reverse("api_tokens")).content.decode()


def test_a_stranger_is_sent_to_sign_in_for_the_token_and_reference_pages(client):
    for name in ("api_tokens", "api_reference"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_the_reference_page_lists_every_endpoint_from_the_openapi_description(client, staff):
    client.force_login(staff)
    page = client.get(reverse("api_reference")).content.decode()
    schema = client.get(reverse("api_schema")).json()
    for path, operations in schema["paths"].items():
        for method in operations:
            if method in ("get", "post", "put", "patch", "delete"):
                assert f"{method.upper()} {path}" in page
    assert "version" in page and "409" in page  # PATCH /cases/{id}'s body and answers


def test_each_token_has_its_own_rate_limit_then_429_with_retry_after(client, owner, settings):
    settings.RW_API_REQUESTS_PER_MINUTE = 3
    _, busy = create_token(owner, "Busy script")
    _, other = create_token(owner, "Other script")
    codes = [
        client.get(reverse("api_sources"), HTTP_AUTHORIZATION=f"Bearer {busy}").status_code
        for _ in range(4)
    ]
    assert codes == [200, 200, 200, 429]
    limited = client.get(reverse("api_sources"), HTTP_AUTHORIZATION=f"Bearer {busy}")
    assert int(limited["Retry-After"]) >= 1
    assert (
        client.get(reverse("api_sources"), HTTP_AUTHORIZATION=f"Bearer {other}").status_code == 200
    )
