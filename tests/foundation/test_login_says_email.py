"""The login page speaks of an email, never of a "username" the person never chose."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect


@pytest.mark.browser
def test_a_wrong_password_asks_for_a_correct_email_not_a_username(live_server, page: Page, owner):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").fill(owner.email)
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Log in").click()
    alert = page.locator(".errors[role=alert]")
    expect(alert).to_have_text(
        "Please enter a correct email and password. The password is case-sensitive."
    )
    expect(page.locator("main")).not_to_contain_text("username")


@pytest.mark.django_db
def test_an_empty_login_form_asks_for_an_email_and_a_password(client):
    page = client.post(reverse("login"), {"username": "", "password": ""}).content.decode()
    assert "Enter your email address." in page
    assert "Enter your password." in page
    visible_text = re.sub(r"<[^>]*>", " ", page)
    assert "username" not in visible_text.lower()


@pytest.mark.django_db
def test_a_login_with_something_that_is_not_an_email_says_so(client):
    page = client.post(reverse("login"), {"username": "bob", "password": "x"}).content.decode()
    assert "Enter your email address, such as name@example.com." in page
