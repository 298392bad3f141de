"""The Advocates page in headless Chromium: the owner finds it from Customers, thanks a happy
customer with the prefilled thank-you, asks her for a testimonial and records her answer; the
page passes the accessibility check and fits a phone. `make docs` takes docs/advocates.png."""

from __future__ import annotations

from importlib import import_module

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from monitors.models import Label
from responses.customer_health import refresh_all
from responses.customers import sync_records
from responses.models import AdvocateThanks
from tests.page_checks import assert_accessible, assert_fits_phone
from tests.responses.test_inbox_browser import log_in
from tests.responses.test_replies import configure

DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture
def customers(make_mention) -> None:
    """Dana and Fay are happy (5★); Eli complained twice (red, not an advocate). The seeded
    templates are put back first: a live-server test before this one may have flushed them."""
    from django.apps import apps

    import_module("responses.migrations.0004_seed_reply_templates").create(apps, None)
    configure()
    make_mention(rating=5, author="Dana", label=Label.POSITIVE, text="Lovely lamp, fast delivery!")
    make_mention(rating=5, author="Fay", label=Label.POSITIVE, text="Great service, thank you.")
    make_mention(rating=1, author="Eli")
    make_mention(rating=2, author="Eli")
    sync_records()
    refresh_all(timezone.now())


@pytest.mark.browser
def test_owner_thanks_an_advocate_and_asks_her_for_a_testimonial(
    live_server, page: Page, owner, customers, docs_dir
):
    page.set_viewport_size(DESKTOP)
    log_in(page, live_server.url, "alice@example.com")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Customers").click()
    expect(page.get_by_role("heading", name="Customers")).to_be_visible()
    expect(page.locator('[data-health="red"]')).to_have_count(1)  # Eli
    page.get_by_role("link", name="Advocates").first.click()

    expect(page.get_by_role("heading", name="Advocates", exact=True)).to_be_visible()
    expect(page.locator("[data-advocate]")).to_have_count(2)  # Dana and Fay, not Eli
    dana = page.locator("[data-advocate]").filter(has_text="Dana")
    thanks = dana.get_by_label("Thank-you to Dana", exact=False)
    expect(thanks).to_have_value(
        "Hi Dana, thank you so much for your kind words about your lamp! It means a lot to the "
        "whole team. If there is ever anything we can do for you, we are at support@acme.example. "
        "— The Acme Lamps team"
    )
    dana.get_by_role("button", name="Thank Dana").click()
    expect(page.get_by_role("status").or_(page.locator(".message")).first).to_contain_text(
        "Thanks to Dana recorded"
    )
    expect(dana.locator("[data-thanked]")).to_contain_text("Thanked")
    assert AdvocateThanks.objects.get().mention.author == "Dana"

    dana.get_by_label("Ask Dana for").select_option("testimonial")
    dana.get_by_role("button", name="Mark as asked").click()
    expect(dana.locator("[data-last-ask]")).to_contain_text(
        "Asked for a testimonial", ignore_case=True
    )
    expect(dana.locator("[data-ask-from]")).to_contain_text("Ask again from")
    expect(dana.get_by_role("button", name="Mark as asked")).to_have_count(0)
    dana.get_by_label("Their answer").select_option("yes")
    dana.get_by_label("Note (optional)").fill("A short quote for the website")
    dana.get_by_role("button", name="Save answer").click()
    expect(dana.locator("[data-last-ask]")).to_contain_text("Yes (A short quote for the website)")

    shot = docs_dir / "advocates.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000
    assert_accessible(page)
    assert_fits_phone(page)
    assert_accessible(page)
