"""Error pages look like the rest of the site and offer a way back; refusals log one line."""

from __future__ import annotations

import logging

import pytest
from django.test import Client
from django.urls import reverse
from playwright.sync_api import Page, expect

from tests.conftest import PASSWORD


def log_in(page: Page, base_url: str, email: str) -> None:
    page.goto(f"{base_url}/accounts/login/?next=/settings/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()


@pytest.mark.browser
def test_a_stranger_on_a_missing_page_sees_a_styled_404_with_a_way_to_log_in(
    live_server, page: Page, db
):
    response = page.goto(f"{live_server.url}/no/such/page")
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
    page.get_by_role("link", name="Go to the login page").click()
    expect(page.get_by_role("button", name="Log in")).to_be_visible()


@pytest.mark.browser
def test_staff_on_an_owner_page_sees_a_styled_403_with_a_way_back_to_the_inbox(
    live_server, page: Page, staff
):
    log_in(page, live_server.url, staff.email)
    response = page.goto(f"{live_server.url}{reverse('users')}")
    assert response is not None and response.status == 403
    expect(page.get_by_role("heading", name="Not allowed")).to_be_visible()
    expect(page.get_by_text("This page is for owners of ReviewWatch")).to_be_visible()
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()
    expect(page.get_by_role("link", name="Back to the inbox")).to_have_attribute("href", "/")


@pytest.mark.browser
def test_opening_a_form_only_address_shows_a_styled_405_not_a_blank_page(
    live_server, page: Page, staff
):
    log_in(page, live_server.url, staff.email)
    response = page.goto(f"{live_server.url}{reverse('cases_bulk')}")
    assert response is not None and response.status == 405
    expect(page.get_by_role("heading", name="Not available this way")).to_be_visible()
    expect(page.get_by_role("link", name="Back to the inbox")).to_have_attribute("href", "/")


@pytest.mark.browser
def test_a_form_sent_after_its_cookie_is_gone_shows_a_styled_expired_page(
    live_server, page: Page, owner
):
    page.goto(f"{live_server.url}/accounts/login/")
    page.context.clear_cookies()  # as after a log-out in another tab, or cookies blocked
    page.get_by_label("Email").fill(owner.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="This form has expired")).to_be_visible()
    expect(page.get_by_text("Nothing was saved.")).to_be_visible()
    page.get_by_role("link", name="Go to the login page").click()
    expect(page.get_by_role("button", name="Log in")).to_be_visible()


def test_error_pages_carry_the_site_layout_for_owner_staff_and_stranger(client, owner, staff):
    for person, way_back in ((owner, "Back to the inbox"), (staff, "Back to the inbox")):
        client.force_login(person)
        missing = client.get("/no/such/page")
        assert missing.status_code == 404
        assert way_back in missing.content.decode()
        assert "app.css" in missing.content.decode()
    client.logout()
    missing = client.get("/no/such/page")
    assert missing.status_code == 404 and "Go to the login page" in missing.content.decode()


def test_a_405_keeps_its_allow_header(staff_client):
    response = staff_client.get(reverse("cases_bulk"))
    assert response.status_code == 405
    assert response["Allow"] == "POST"
    assert "Not available this way" in response.content.decode()


def test_a_refused_form_from_a_logged_in_person_shows_the_expired_page(owner):
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(owner)
    response = strict.post(reverse("cases_bulk"), {"action": "resolve"})
    assert response.status_code == 403
    page = response.content.decode()
    assert "This form has expired" in page and "Back to the inbox" in page


def test_staff_on_an_owner_page_is_logged_as_one_line_without_a_traceback(staff_client, caplog):
    with caplog.at_level(logging.INFO):
        response = staff_client.get(reverse("users"))
    assert response.status_code == 403
    refusals = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(refusals) == 1, [r.getMessage() for r in refusals]
    assert refusals[0].getMessage() == "403 refused bob@example.com GET /users/"
    assert refusals[0].exc_info is None
