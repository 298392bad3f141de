"""Approvals find the owner, in headless Chromium: staff send a reply for approval, the owner is
emailed and sees the count in the navigation, opens the reply from "Awaiting approval" and
returns it with a comment; staff are emailed the comment and the timeline tells the story."""

from __future__ import annotations

import pytest
import redis
from django.conf import settings
from playwright.sync_api import Page, expect

from tests.queued import run_queued_tasks
from tests.responses.test_inbox_browser import log_in
from tests.responses.test_replies import HUMBLE, configure, make_case

COMMENT = "Say which day the new lamp will arrive."


@pytest.mark.browser
def test_owner_finds_a_waiting_reply_from_the_navigation_and_returns_it_with_a_comment(
    live_server, page: Page, smtp_server, owner, staff
):
    redis.Redis.from_url(settings.CELERY_BROKER_URL).delete("celery")  # no earlier test's tasks
    configure()
    case = make_case(author="Dana", title="My lamp stopped working")

    log_in(page, live_server.url, "bob@example.com")
    page.goto(f"{live_server.url}/cases/{case.pk}/reply/")
    page.get_by_label("Reply to Dana").fill(HUMBLE)
    page.get_by_role("button", name="Send for approval").click()
    expect(page.locator("[data-reply-state]")).to_have_text("Waiting for approval")
    expect(page.get_by_role("link", name="Awaiting approval")).to_have_count(0)  # owners only
    run_queued_tasks()
    assert [m["To"] for m in smtp_server.messages] == ["alice@example.com"]

    log_in(page, live_server.url, "alice@example.com")
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.locator("[data-approvals-count]")).to_have_text("1 waiting")
    nav.get_by_role("link", name="Awaiting approval").click()
    expect(page.get_by_role("heading", name="Awaiting approval")).to_be_visible()
    row = page.locator("[data-waiting-draft]")
    expect(row).to_contain_text("My lamp stopped working")
    expect(row).to_contain_text("bob@example.com")
    row.get_by_role("link", name="Read and decide").click()
    page.get_by_label("What should change?").fill(COMMENT)
    page.get_by_role("button", name="Return with comment").click()
    expect(page.locator("[data-reply-state]")).to_have_text("Returned for changes")
    run_queued_tasks()
    returned = smtp_server.messages[-1]
    assert returned["To"] == "bob@example.com" and COMMENT in smtp_server.text(returned)

    page.goto(f"{live_server.url}/cases/{case.pk}/")
    expect(page.locator("[data-approvals-count]")).to_have_count(0)
    timeline = page.get_by_role("list", name="Timeline")
    expect(timeline).to_contain_text("bob@example.com sent the reply (version 1) for approval")
    expect(timeline).to_contain_text(
        f"alice@example.com returned the reply (version 1) for changes: {COMMENT}"
    )
