"""Webhooks and channels in headless Chromium: the owner adds an endpoint from Settings and
copies its secret, shown once, then adds a team channel and sends it a test message, which a
local JSON receiver gets."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import Page, expect

from responses.models import WebhookEndpoint
from responses.notify.webhooks import secret_of
from tests.responses.test_inbox_browser import log_in


@pytest.mark.browser
def test_owner_adds_a_webhook_and_a_team_channel_and_tests_the_channel(
    live_server, page: Page, owner, httpserver, settings
):
    settings.RW_ALLOW_PRIVATE_SOURCES = True
    httpserver.expect_request("/team").respond_with_data("ok")
    log_in(page, live_server.url, "alice@example.com")
    page.goto(f"{live_server.url}/settings/")
    page.get_by_role("link", name="Webhooks").click()
    page.get_by_label("Endpoint URL").fill("http://127.0.0.1:9/hook")
    page.get_by_label("Case status changed").check()
    page.get_by_label("Case resolved").check()
    page.get_by_role("button", name="Add the endpoint").click()
    secret = secret_of(WebhookEndpoint.objects.get())
    expect(page.locator("[data-secret]")).to_contain_text(secret)
    page.reload()
    expect(page.locator("[data-secret]")).to_have_count(0)
    expect(page.get_by_role("checkbox", name="Case resolved")).to_be_checked()

    page.goto(f"{live_server.url}/settings/")
    page.get_by_role("link", name="Notification channels (Slack, Teams, ntfy…)").click()
    team = page.locator("[data-team-channel-form]")
    team.get_by_label("Name").fill("#reviews")
    team.get_by_label("Apprise URL").fill(f"json://{httpserver.host}:{httpserver.port}/team")
    team.get_by_label("Negative mention").check()
    team.get_by_role("button", name="Add the team channel").click()
    channel = page.locator('[data-channel="#reviews"]')
    expect(channel.locator("[data-hint]")).to_have_text(
        f"json://{httpserver.host}:{httpserver.port}/team"
    )
    channel.get_by_role("button", name="Send a test message").click()
    expect(page.get_by_text("Test message sent to #reviews.")).to_be_visible()
    [(request, _)] = httpserver.log
    assert json.loads(request.get_data())["title"] == "ReviewWatch test message"
