"""The owner adds a source in headless Chromium: "Test this source" (htmx), then "Save source"."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from monitors.models import Source
from tests.conftest import PASSWORD

ALERTS = Path(__file__).parents[1] / "fixtures/alerts/degru82_google_alerts.xml"


@pytest.mark.browser
def test_owner_tests_a_feed_sees_the_preview_then_saves_it(
    live_server, page: Page, owner, httpserver
):
    httpserver.expect_request("/alerts.xml").respond_with_data(
        ALERTS.read_bytes(), content_type="application/atom+xml"
    )
    refused: list[str] = []  # the Content-Security-Policy refusing a script or a style
    page.on("console", lambda msg: refused.append(msg.text) if "Refused" in msg.text else None)
    page.goto(f"{live_server.url}/accounts/login/?next=/sources/")
    page.get_by_label("Email").fill("alice@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("link", name="Add a source").click()

    page.get_by_label("Name", exact=True).fill("Google Alerts")
    page.get_by_label("Address").fill(httpserver.url_for("/alerts.xml"))
    page.get_by_label("Check every (minutes)").fill("20")
    with page.expect_response(lambda r: r.url.endswith("/sources/test")):
        page.get_by_role("button", name="Test this source").click()

    preview = page.get_by_role("region", name="Test result")
    expect(preview).to_contain_text("Nothing has been saved yet")
    expect(preview.get_by_role("table")).to_contain_text("Sample news article about generative AI")
    expect(page).to_have_url(f"{live_server.url}/sources/add")  # htmx swapped the form in place
    assert Source.objects.count() == 0

    page.get_by_role("button", name="Save source").click()
    expect(page.get_by_role("heading", name="Google Alerts", level=1)).to_be_visible()
    source = Source.objects.get()
    assert source.url == httpserver.url_for("/alerts.xml")
    assert source.poll_interval_minutes == 20
    assert not refused, refused
