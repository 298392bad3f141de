"""In Chromium at 390 px: the inbox with its reason column and the Mentions list with its
filters fit a phone and pass axe-core; the whole reason opens under the short one."""

from __future__ import annotations

from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from monitors.models import Label
from responses.cases import open_case
from tests.page_checks import PHONE, assert_accessible, assert_fits_phone
from tests.responses.test_cases_opening import make_mention
from tests.responses.test_inbox_browser import log_in

LONG_WORDS = (
    "negative text under 5★: 'worst', 'useless', 'rude' in sentence 2: "
    "'The worst bank ever, they stole my money, scam, never again, useless and rude.'"
)


@pytest.fixture
def flagged(transactional_db):
    """A 1★ review, an owner rule and a 5★ review flagged by its words, each with a case, and
    a mention with none."""
    one_star = make_mention(text="Useless.", rating=Decimal("1"), reason="rating 1/5")
    rule = make_mention(
        text="Lovely staff but we were charged twice for one coffee.",
        rating=Decimal("4"),
        reason="owner rule: always flag 'charged twice'",
        url="https://reviews.example/r/2",
    )
    words = make_mention(
        text="Great app. The worst bank ever.", rating=Decimal("5"), reason=LONG_WORDS
    )
    for mention in (one_star, rule, words):
        open_case(mention)
    make_mention(text="Nice.", rating=None, label=Label.NEUTRAL, reason="reads positive: 'nice'")
    return words


@pytest.mark.browser
@pytest.mark.parametrize("who", ["alice@example.com", "bob@example.com"])
def test_inbox_reasons_and_the_mentions_list_fit_a_phone_and_pass_axe(
    live_server, page: Page, owner, staff, flagged, who
):
    page.set_viewport_size(PHONE)
    log_in(page, live_server.url, who)
    rows = page.locator("[data-case-row]")
    expect(rows).to_have_count(3)
    expect(page.locator(".reason-cell").filter(has_text="1★")).to_have_count(1)
    expect(page.get_by_text("owner rule: always flag 'charged twice'")).to_be_visible()
    expect(page.get_by_text("negative text under 5★ · 'worst', 'useless', 'rude'")).to_be_visible()
    assert_fits_phone(page)
    assert_accessible(page)

    page.goto(f"{live_server.url}/mentions/?label=negative&rating=abc")
    expect(page.get_by_role("alert")).to_contain_text("Rating: “abc” is not one of the ratings")
    expect(page.locator("[data-mention]")).to_have_count(3)
    page.get_by_text("negative text under 5★ · 'worst', 'useless', 'rude'").click()
    expect(page.get_by_text(LONG_WORDS)).to_be_visible()
    assert_fits_phone(page)
    assert_accessible(page)

    page.get_by_label("Label").select_option("neutral")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.locator("[data-mention]")).to_have_count(1)
    expect(page.get_by_role("alert")).to_have_count(0)
    assert "label=neutral" in page.url
    assert_fits_phone(page)
    assert_accessible(page)
