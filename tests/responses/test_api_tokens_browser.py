"""A token made on Settings in headless Chromium: shown once, copied, used from another tool
(a plain HTTP client) as its person, then revoked on the page; the token page and the API
reference pass axe-core and fit a 390 px phone."""

from __future__ import annotations

import pytest
import requests
from playwright.sync_api import Page, expect

from tests.page_checks import assert_accessible, assert_fits_phone
from tests.responses.test_inbox_browser import log_in


def checked(page: Page) -> None:
    assert_accessible(page)
    page.set_viewport_size({"width": 390, "height": 844})
    assert_fits_phone(page)
    assert_accessible(page)
    page.set_viewport_size({"width": 1280, "height": 800})


@pytest.mark.browser
def test_staff_member_makes_a_token_uses_it_from_a_script_and_revokes_it(
    live_server, page: Page, staff, settings
):
    settings.RW_API_REQUESTS_PER_MINUTE = 1000
    log_in(page, live_server.url, "bob@example.com")
    page.goto(f"{live_server.url}/settings/")
    page.get_by_role("link", name="API tokens").click()
    page.get_by_label("Name").fill("Help desk")
    page.get_by_role("button", name="Make token").click()
    secret = page.get_by_role("textbox", name="Token", exact=True).input_value()
    assert secret.startswith("rw_")
    checked(page)

    api = f"{live_server.url}/api/v1/reports"
    answer = requests.get(api, headers={"Authorization": f"Bearer {secret}"}, timeout=10)
    assert answer.status_code == 200
    assert "people" not in {report["name"] for report in answer.json()}  # staff's role

    page.reload()  # a fresh look at the page: the secret is not shown again
    expect(page.get_by_role("textbox", name="Token", exact=True)).to_have_count(0)
    row = page.locator("[data-token='Help desk']")
    expect(row.locator("td[data-label='Last used']")).to_contain_text("minutes ago")
    row.get_by_role("button", name="Revoke Help desk").click()
    expect(page.get_by_text("Token revoked: it no longer works.")).to_be_visible()
    answer = requests.get(api, headers={"Authorization": f"Bearer {secret}"}, timeout=10)
    assert answer.status_code == 401

    page.get_by_role("link", name="ReviewWatch API").click()
    expect(page.get_by_role("heading", name="PATCH /api/v1/cases/{case_id}")).to_be_visible()
    checked(page)
