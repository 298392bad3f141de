"""A person logs in through the real login page in headless Chromium and sees the inbox."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import PASSWORD


@pytest.mark.browser
def test_owner_logs_in_through_login_page_and_sees_inbox_shell(live_server, page: Page, owner):
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(f"{live_server.url}/accounts/login/?next=/")
    page.get_by_label("Email").fill("alice@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Inbox")).to_be_visible()
    nav = page.get_by_role("navigation", name="Main")
    for label in ("Inbox", "Sources", "Reports", "Settings"):
        expect(nav.get_by_role("link", name=label)).to_be_visible()


@pytest.mark.browser
def test_wrong_password_shows_an_error_and_keeps_the_email(live_server, page: Page, owner):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").fill("alice@example.com")
    page.get_by_label("Password").fill("wrong")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("alert")).to_contain_text("correct")
    expect(page.get_by_label("Email")).to_have_value("alice@example.com")
