"""The inbox in headless Chromium: a polled review triaged by two people, by mouse and by keys."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from monitors.models import Label, Mention, Source
from monitors.polling import poll_source_now
from monitors.sanitize import sanitize_html
from responses.cases import Change, change_case, open_case
from responses.models import Case, Tag
from tests.browser import wait_for_htmx_idle
from tests.conftest import PASSWORD
from tests.responses.test_cases_opening import make_mention, make_source
from tests.rss import Item, rss_feed

XSS = "<img src=x onerror=alert(1)><script>alert(2)</script>"


@pytest.fixture
def no_dialogs(page: Page):
    """Fails the test if any alert/confirm/prompt ever opens."""
    opened: list[str] = []
    page.on("dialog", lambda dialog: (opened.append(dialog.message), dialog.dismiss()))
    yield
    assert opened == []


def log_in(page: Page, base_url: str, email: str) -> None:
    page.goto("about:blank")  # no request of the last page may land after the cookies go
    page.context.clear_cookies()
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Inbox")).to_be_visible()


def timeline(page: Page):
    return page.get_by_role("list", name="Timeline")


def change_status(page: Page, status: str, outcome: str = "", note: str = "") -> None:
    page.get_by_label("Status", exact=True).select_option(label=status)
    if outcome:
        page.get_by_label("Outcome (when resolving)").select_option(label=outcome)
        page.get_by_label("Note on the outcome (optional)").fill(note)
    page.get_by_role("button", name="Change status").click()
    expect(page.locator("[data-status]")).to_have_text(status)


@pytest.mark.browser
def test_polled_negative_review_is_triaged_by_owner_and_staff(
    live_server, page: Page, httpserver, owner, staff, no_dialogs
):
    feed = rss_feed(
        [
            Item(
                "r1",
                "Broken on arrival",
                "Terrible. The lamp arrived broken and support "
                "never answered my emails. Worst purchase ever.",
                author="dana",
            ),
            Item("r2", "Lovely lamp", "Great light, fast delivery, very happy.", author="eli"),
        ]
    )
    httpserver.expect_request("/feed").respond_with_data(feed, content_type="application/rss+xml")
    source = Source.objects.create(name="Acme alerts", kind="feed", url=httpserver.url_for("/feed"))
    assert poll_source_now(source.pk).status == "ok"
    assert Case.objects.count() == 1  # the happy review opens no case

    log_in(page, live_server.url, "alice@example.com")
    first = page.locator("[data-case-row]").first
    expect(first).to_contain_text("Terrible. The lamp arrived broken")
    expect(first.locator("[data-clock]")).to_have_text(re.compile(r"\d+ (min|h).* (left|overdue)"))
    first.get_by_role("link").click()
    page.get_by_label("Assign to").select_option(label="bob@example.com")
    page.get_by_role("button", name="Assign", exact=True).click()
    expect(page.locator("[data-assignee]")).to_have_text("bob@example.com")

    log_in(page, live_server.url, "bob@example.com")
    page.locator("[data-case-row]").first.get_by_role("link").click()
    change_status(page, "Acknowledged")
    page.get_by_label("Internal note").fill("Called Dana, a new lamp ships today. @alice FYI")
    page.get_by_role("button", name="Add note").click()
    expect(timeline(page)).to_contain_text("a new lamp ships today")
    change_status(
        page, "Resolved", outcome="Customer satisfied", note="Replacement sent; Dana thanked us."
    )

    steps = timeline(page).get_by_role("listitem")
    expect(steps).to_have_count(6)
    expect(steps.nth(0)).to_contain_text("opened the case")
    expect(steps.nth(1)).to_contain_text("alice@example.com changed assignee: — → bob@example.com")
    expect(steps.nth(2)).to_contain_text("bob@example.com changed status: New → Acknowledged")
    expect(steps.nth(3)).to_contain_text("noted")
    expect(steps.nth(4)).to_contain_text("Acknowledged → Resolved")
    expect(steps.nth(5)).to_contain_text("Replacement sent; Dana thanked us.")


def tab_to(page: Page, target: str | Locator, limit: int = 80) -> None:
    """Press Tab until `target` (a CSS selector or locator) has focus, as a keyboard user would."""
    element = page.locator(target) if isinstance(target, str) else target
    for _ in range(limit):
        page.keyboard.press("Tab")
        if element.evaluate("el => el === document.activeElement"):
            return
    raise AssertionError(f"Tab never reached {target}")


@pytest.mark.browser
def test_keyboard_only_triage_from_inbox_to_resolved(live_server, page: Page, owner, no_dialogs):
    for minutes, text in ((90, "Cold soup, rude waiter"), (30, "Waited an hour"), (5, "Spam link")):
        seen = timezone.now() - timedelta(minutes=minutes)
        open_case(make_mention(text=text, rating=Decimal("1"), first_seen_at=seen))

    page.goto(f"{live_server.url}/accounts/login/")
    page.keyboard.press("Tab")  # skip link
    tab_to(page, "#id_username")
    page.keyboard.type("alice@example.com")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Inbox")).to_be_visible()
    wait_for_htmx_idle(page)  # inbox.js listens for keys once loaded

    page.keyboard.press("?")
    expect(page.get_by_role("dialog", name="Keyboard shortcuts")).to_be_visible()
    page.keyboard.press("Escape")
    rows = page.locator("[data-case-row]")
    page.keyboard.press("j")
    expect(rows.nth(0)).to_have_class(re.compile("is-current"))
    page.keyboard.press("a")
    expect(rows.nth(0)).to_contain_text("alice@example.com")
    wait_for_htmx_idle(page)
    expect(rows.nth(0)).to_have_class(re.compile("is-current"))  # the highlight survives "a"
    page.keyboard.press("j")
    page.keyboard.press("j")
    page.keyboard.press("#")
    page.keyboard.type("Spam")
    page.keyboard.press("Enter")
    expect(page.get_by_role("status").first).to_contain_text("1 case updated.")
    expect(rows).to_have_count(2)
    page.keyboard.press("j")
    page.keyboard.press("j")
    page.keyboard.press("e")
    expect(rows.nth(1)).to_contain_text("Resolved")

    page.keyboard.press("k")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name=re.compile("^Case"))).to_be_visible()
    expect(page.get_by_text("Cold soup, rude waiter").first).to_be_visible()
    tab_to(page, "#status")
    page.keyboard.type("Acknowledged")
    tab_to(page, page.get_by_role("button", name="Change status"))
    page.keyboard.press("Enter")
    expect(page.locator("[data-status]")).to_have_text("Acknowledged")
    tab_to(page, "#id_body")
    page.keyboard.type("Apologised by phone.")
    tab_to(page, page.get_by_role("button", name="Add note"))
    page.keyboard.press("Enter")
    expect(timeline(page)).to_contain_text("Apologised by phone.")
    tab_to(page, "#status")
    page.keyboard.type("Resolved")
    tab_to(page, "#outcome")
    page.keyboard.type("Customer satisfied")
    tab_to(page, "#outcome-note")
    page.keyboard.type("Voucher given.")
    tab_to(page, page.get_by_role("button", name="Change status"))
    page.keyboard.press("Enter")
    expect(page.locator("[data-status]")).to_have_text("Resolved")
    expect(timeline(page)).to_contain_text("Acknowledged → Resolved")


@pytest.mark.browser
def test_script_in_a_review_shows_as_text_and_never_runs(
    live_server, page: Page, owner, no_dialogs
):
    as_text = open_case(make_mention(text=XSS, title=XSS))[0]
    as_html = open_case(make_mention(text=XSS, html=sanitize_html(XSS)))[0]
    log_in(page, live_server.url, "alice@example.com")
    expect(page.locator("[data-case-row]").first).to_contain_text("<script>alert(2)</script>")
    for case in (as_text, as_html):
        page.goto(f"{live_server.url}/cases/{case.pk}/")
        expect(page.locator(".mention-body")).to_be_visible()
        assert page.locator("main img, main script").count() == 0
    page.goto(f"{live_server.url}/cases/{as_text.pk}/")
    expect(page.locator(".mention-body")).to_contain_text("<img src=x onerror=alert(1)>")
    page.wait_for_timeout(300)  # give any injected handler the chance to fire


@pytest.mark.browser
def test_inbox_screenshot_with_a_few_cases(live_server, page: Page, owner, staff, docs_dir: Path):
    delivery, _ = Tag.objects.get_or_create(name="Delivery")
    defect, _ = Tag.objects.get_or_create(name="Product defect")
    maps, shop = make_source("Google reviews"), make_source("Shop feed")
    samples = [
        (maps, 150, "1", "Lamp arrived shattered, box was soaked.", "Dana K."),
        (shop, 40, "2", "Support never answered my three emails.", "M. Ortiz"),
        (maps, 20, None, "Honestly the worst customer service I have had this year.", "jules"),
        (shop, 300, "3", "Shade colour differs from the photos.", "Priya"),
        (maps, 60 * 20, "2", "Delivery took three weeks instead of two days.", "Sam"),
    ]
    cases = []
    for source, minutes, stars, text, author in samples:
        mention = make_mention(
            source,
            text=text,
            author=author,
            rating=Decimal(stars) if stars else None,
            strongly_negative=stars is None,
            first_seen_at=timezone.now() - timedelta(minutes=minutes),
        )
        cases.append(open_case(mention)[0])
    change_case(cases[0].pk, 1, owner, Change(assignee=staff, tags=[defect]))
    change_case(cases[4].pk, 1, owner, Change(status=Case.Status.ACKNOWLEDGED, tags=[delivery]))
    assert Mention.objects.filter(label=Label.NEGATIVE).count() == 5
    page.set_viewport_size({"width": 1280, "height": 800})
    log_in(page, live_server.url, "alice@example.com")
    expect(page.locator("[data-case-row]")).to_have_count(5)
    screenshot = docs_dir / "inbox.png"
    page.screenshot(path=str(screenshot), full_page=True)
    assert screenshot.stat().st_size > 10_000
