"""A bulk action pressed with no case ticked says what to do, in words a person understands."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from responses.cases import open_case
from responses.models import Case
from tests.conftest import PASSWORD
from tests.responses.test_cases_opening import make_mention

pytestmark = pytest.mark.django_db


@pytest.mark.browser
def test_applying_a_bulk_action_with_nothing_selected_asks_to_select_a_case(
    live_server, page: Page, staff
):
    case, _ = open_case(make_mention(), actor=None, clock_from=timezone.now())
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").fill(staff.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Inbox")).to_be_visible()
    page.get_by_role("button", name="Apply to selected").click()
    expect(page.get_by_role("status").filter(has_text="Select at least one case.")).to_be_visible()
    expect(page.locator("main")).not_to_contain_text("This field is required")
    case.refresh_from_db()
    assert case.assignee is None


@pytest.mark.parametrize("action", ["assign", "resolve", "dismiss"])
def test_each_bulk_action_with_nothing_selected_says_select_at_least_one_case(
    client, owner, staff, action
):
    for person in (owner, staff):
        client.force_login(person)
        response = client.post(
            reverse("cases_bulk"), {"action": action, "assignee": "me"}, HTTP_HX_REQUEST="true"
        )
        assert response.status_code == 200
        page = response.content.decode()
        assert "Select at least one case." in page
        assert "This field is required" not in page


def test_without_htmx_the_notice_comes_back_on_the_inbox(client, staff):
    client.force_login(staff)
    response = client.post(reverse("cases_bulk"), {"action": "resolve"}, follow=True)
    assert [str(m) for m in response.context["messages"]] == ["Select at least one case."]


def test_a_stranger_pressing_a_bulk_action_is_sent_to_log_in(client):
    response = client.post(reverse("cases_bulk"), {"action": "resolve"})
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert not Case.objects.exists()
