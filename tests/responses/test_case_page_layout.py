"""The case page is built around the reply, as help desks lay out a conversation: the review and
the reply composer (its tone check beside it) take the main column, triage and care sit in a side
panel, the timeline below; on a phone it is one column with no sideways scroll. Times are in the
reader's own zone, named. The inbox passes the same phone and accessibility checks."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from monitors.models import Source, Subject
from responses.cases import open_case
from responses.models import DigestPreference
from tests.browser import wait_for_htmx_idle
from tests.page_checks import assert_accessible, assert_fits_phone
from tests.responses.test_cases_opening import make_mention
from tests.responses.test_inbox_browser import log_in

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


def box(page: Page, selector: str) -> dict:
    found = page.locator(selector).first.bounding_box()
    assert found, f"{selector} is not shown"
    return found


@pytest.fixture
def case(transactional_db):
    mention = make_mention(
        title="Cold soup",
        text="The soup arrived cold and the waiter never came back. " * 6,
        first_seen_at=timezone.now(),
    )
    return open_case(mention)[0]


@pytest.mark.browser
def test_the_reply_takes_the_main_column_with_triage_beside_it_and_the_timeline_below(
    live_server, page: Page, owner, case
):
    page.set_viewport_size(DESKTOP)
    log_in(page, live_server.url, "alice@example.com")
    refused = []
    page.on(
        "console",
        lambda message: refused.append(message.text) if "Policy" in message.text else None,
    )
    page.goto(f"{live_server.url}/cases/{case.pk}/")
    wait_for_htmx_idle(page)
    page.get_by_label("Reply to Dana").fill("Thank you, and we are sorry.")  # the tone check runs
    expect(page.locator("#reply-tone")).to_contain_text("Tone score")
    assert refused == [], "the Content Security Policy refused nothing on the case page"
    review, composer = box(page, ".case-mention"), box(page, "#reply-text")
    tone, side = box(page, "#reply-tone"), box(page, "#case-panel")
    timeline = box(page, "#case-timeline")
    assert composer["y"] > review["y"] and composer["x"] < side["x"], "reply in the main column"
    assert tone["x"] > composer["x"] or tone["y"] > composer["y"], "tone check beside or under"
    assert side["x"] > review["x"] + review["width"] - 1, "triage and care in the side panel"
    assert timeline["y"] > composer["y"] + composer["height"], "timeline below the reply"
    assert page.get_by_role("button", name="Resolve").count() == 0, "one way to resolve"
    assert_accessible(page)


@pytest.mark.browser
@pytest.mark.parametrize("who", ["alice@example.com", "bob@example.com"])
def test_inbox_and_case_page_fit_a_phone_and_pass_the_accessibility_check(
    live_server, page: Page, owner, staff, case, who
):
    page.set_viewport_size(PHONE)
    log_in(page, live_server.url, who)
    assert_fits_phone(page)
    assert_accessible(page)
    page.goto(f"{live_server.url}/cases/{case.pk}/")
    wait_for_htmx_idle(page)
    assert_fits_phone(page)
    assert_accessible(page)
    composer, side = box(page, "#reply-text"), box(page, "#case-panel")
    assert composer["y"] < side["y"], "on a phone the reply comes before triage"


@pytest.mark.browser
def test_a_competitor_case_offers_no_public_reply(live_server, page: Page, owner, transactional_db):
    rival = Source.objects.create(
        name="Rival forum",
        url="https://forum.example/rival",
        subject=Subject.COMPETITOR,
        competitor_name="Riverside Credit Union",
    )
    case = open_case(make_mention(rival, subject=Subject.COMPETITOR))[0]
    log_in(page, live_server.url, "alice@example.com")
    page.goto(f"{live_server.url}/cases/{case.pk}/")
    expect(page.locator("[data-no-reply]")).to_contain_text("Riverside Credit Union")
    assert page.locator("#reply-text").count() == 0


@pytest.mark.browser
def test_times_show_in_the_readers_own_zone_with_the_zone_named(
    live_server, page: Page, owner, case
):
    DigestPreference.objects.update_or_create(user=owner, defaults={"time_zone": "Asia/Tokyo"})
    log_in(page, live_server.url, "alice@example.com")
    page.goto(f"{live_server.url}/cases/{case.pk}/")
    seen = timezone.localtime(case.mention.first_seen_at, timezone=ZoneInfo("Asia/Tokyo"))
    expect(page.locator(".case-mention")).to_contain_text(f"first seen {seen:%Y-%m-%d %H:%M} JST")
    expect(page.locator("#case-timeline time").first).to_contain_text("JST")


@pytest.mark.browser
def test_case_page_screenshots_on_desktop_and_phone(live_server, page: Page, owner, case, docs_dir):
    """docs/case.png and docs/case-phone.png for the README (written only by `make docs`)."""
    log_in(page, live_server.url, "alice@example.com")
    for name, size in (("case.png", DESKTOP), ("case-phone.png", PHONE)):
        page.set_viewport_size(size)
        page.goto(f"{live_server.url}/cases/{case.pk}/")
        wait_for_htmx_idle(page)
        page.get_by_label("Reply to Dana").fill(
            "Hi Dana, thank you for telling us, and we are sorry the soup arrived cold. "
            "We would like to invite you back for a meal on us. Please write to us so we can "
            "arrange it."
        )
        expect(page.locator("#reply-tone")).to_contain_text("Tone score")
        shot = docs_dir / name
        page.screenshot(path=str(shot), full_page=True)
        assert shot.stat().st_size > 10_000
