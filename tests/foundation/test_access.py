"""Every page needs a login, except the few that must not; owner-only pages refuse staff."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

PUBLIC = {
    "healthz",
    "login",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    "robots_txt",
    # The demo's sample documents are read by the poller, which has no session.
    "demo_alerts",
    "demo_reviews",
    "demo_app_store",
    "demo_competitor",
    # The demo's Google Play API: a bearer token or a signed JWT instead of a session.
    "demo_play_token",
    "demo_play_reviews",
    "demo_play_review",
    "demo_play_reply",
    # Unsubscribing from a digest works from the email, without logging in.
    "digest_unsubscribe",
    # The REST API answers 401 itself: a personal token, not a session (tests/responses/
    # test_api_access.py walks every endpoint with each kind of token).
    "api_schema",
    "api_mentions",
    "api_mention",
    "api_cases",
    "api_case",
    "api_case_notes",
    "api_reply",
    "api_reply_submit",
    "api_reply_approve",
    "api_sources",
    "api_source",
    "api_source_pause",
    "api_reports",
    "api_report",
    "api_not_found",
}


def walk(patterns, prefix=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            if str(entry.pattern).startswith("admin/"):
                continue  # Django admin has its own login, checked below
            yield from walk(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield entry.name, prefix + str(entry.pattern)


def concrete(route: str) -> str:
    """Fill converters with plausible values so the URL resolves."""
    route = re.sub(r"<int:\w+>", "1", route)
    route = re.sub(r"<(?:str|slug|uuid|path:)?:?\w+>", "x", route)
    return "/" + route.lstrip("^").rstrip("$")


ALL_ROUTES = sorted(set(walk(get_resolver().url_patterns)), key=lambda item: item[1])


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "route"), ALL_ROUTES, ids=[r for _, r in ALL_ROUTES])
def test_anonymous_request_goes_to_login_unless_page_is_public(client, name, route):
    response = client.get(concrete(route))
    if name in PUBLIC:
        # 400/401/404 are fine here: a made-up token or a demo that is not loaded.
        assert response.status_code in (200, 302, 400, 401, 404, 405), response.status_code
        if response.status_code == 302:
            assert not response["Location"].startswith(reverse("login"))
    else:
        assert response.status_code == 302, f"{route} answered {response.status_code}"
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.django_db
def test_admin_refuses_anonymous_and_staff(client, staff):
    assert client.get("/admin/").status_code == 302
    client.force_login(staff)
    assert client.get("/admin/").status_code == 302


def test_owner_sees_users_page_and_staff_is_refused(client, owner, staff):
    client.force_login(staff)
    assert client.get(reverse("users")).status_code == 403
    client.force_login(owner)
    response = client.get(reverse("users"))
    assert response.status_code == 200
    assert b"bob@example.com" in response.content


def test_staff_and_owner_see_inbox_shell_with_navigation(client, owner, staff):
    for person in (owner, staff):
        client.force_login(person)
        body = client.get(reverse("home")).content.decode()
        for label in ("Inbox", "Sources", "Reports", "Settings"):
            assert f">{label}</a>" in body


def test_users_link_only_in_owner_menu(client, owner, staff):
    client.force_login(staff)
    assert reverse("users") not in client.get(reverse("home")).content.decode()
    client.force_login(owner)
    assert reverse("users") in client.get(reverse("home")).content.decode()


def test_readme_lists_every_page_reachable_without_a_login():
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    public = {
        "/" + re.sub(r"<\w+:(\w+)>", r"<\1>", route) for name, route in ALL_ROUTES if name in PUBLIC
    } | {"/admin/login/"}
    assert {path for path in public if f"`{path}`" not in readme} == set()
