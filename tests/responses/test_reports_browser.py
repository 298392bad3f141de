"""The Reports page in a browser: an owner picks a period and a source, the URL keeps them (so a
report can be bookmarked), the figures follow, a chart's numbers open as a table beneath it, and
the section navigation opens another report under the same filters; every section passes the
accessibility check and fits a phone. `make docs` takes its screenshot."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qs, urlparse

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from monitors.models import Mention, RatingSnapshot, Source
from responses.models import Case, Tag
from responses.reports.sections import SECTIONS
from tests.page_checks import assert_accessible, assert_fits_phone
from tests.responses.test_inbox_browser import log_in
from tests.responses.test_reports_page import case_answered_after

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def two_sources(transactional_db) -> Source:
    """Reviews: three 2★ complaints two days ago and one 20 days ago, about delivery; Forum:
    two 1★ yesterday; Reviews' page average rising from 4.1 to 4.4."""
    reviews = Source.objects.create(name="Reviews", url="https://r.example/")
    forum = Source.objects.create(name="Forum", url="https://f.example/")
    case_answered_after(reviews, 1, timedelta(minutes=20))
    case_answered_after(reviews, 2, timedelta(minutes=50))
    case_answered_after(reviews, 3, None)
    case_answered_after(reviews, 4, timedelta(minutes=5), days_ago=20)
    case_answered_after(forum, 5, timedelta(hours=3), days_ago=1)
    case_answered_after(forum, 6, None, days_ago=1)
    Mention.objects.filter(source=reviews).update(rating=2)
    Mention.objects.filter(source=forum).update(rating=1)
    delivery, _ = Tag.objects.get_or_create(name="Delivery")
    for case in Case.objects.filter(mention__source=reviews):
        case.tags.add(delivery)
    for days_ago, rating in ((25, "4.1"), (9, "4.3"), (1, "4.4")):
        RatingSnapshot.objects.create(
            source=reviews,
            taken_at=timezone.now() - timedelta(days=days_ago),
            rating=rating,
            count=80 + days_ago,
        )
    return reviews


def open_reports(page: Page) -> None:
    page.get_by_role("link", name="Reports").first.click()
    expect(page.get_by_role("heading", name="Reports", exact=True)).to_be_visible()


@pytest.mark.browser
def test_an_owner_narrows_the_report_and_the_url_keeps_the_filters(
    live_server, page: Page, owner, two_sources
):
    page.set_viewport_size(DESKTOP)
    log_in(page, live_server.url, "alice@example.com")
    open_reports(page)
    mentions = page.locator('[data-report="mentions"]')
    expect(mentions).to_have_text("6")
    page.get_by_label("Period", exact=True).select_option(label="Last 7 days")
    page.get_by_label("Sources", exact=True).select_option(label="Reviews")
    page.get_by_role("button", name="Show").click()
    expect(mentions).to_have_text("3")
    query = parse_qs(urlparse(page.url).query)
    assert query["range"] == ["7"] and query["source"] == [str(two_sources.pk)]
    assert query["section"] == ["volume"]
    expect(page.get_by_label("Period", exact=True)).to_have_value("7")

    chart = page.locator("#chart-volume")
    expect(chart).to_be_visible()
    numbers = page.locator(".chart", has=chart).get_by_text("The numbers as a table")
    numbers.click()
    table = page.get_by_role("table", name="Mentions, negative and the rest")
    expect(table).to_be_visible()
    assert table.bounding_box()["y"] > chart.bounding_box()["y"], "the table opens below"
    two_days_ago = timezone.localdate() - timedelta(days=2)
    row = table.get_by_role("row", name=f"{two_days_ago:%d %b}")
    expect(row).to_contain_text("3")
    csv_link = page.get_by_role("link", name="Download CSV: mentions per period and source")
    csv_query = parse_qs(urlparse(csv_link.get_attribute("href")).query)
    assert csv_query == {name: value for name, value in query.items() if name != "section"}
    assert_accessible(page)

    sections = page.get_by_role("navigation", name="Report sections")
    sections.get_by_role("link", name="How fast we answer").click()
    expect(page.locator('[data-report="opened"]')).to_have_text("3")
    expect(sections.get_by_role("link", name="How fast we answer")).to_have_attribute(
        "aria-current", "page"
    )
    assert parse_qs(urlparse(page.url).query) == {**query, "section": ["answering"]}
    expect(page.get_by_label("Period", exact=True)).to_have_value("7")
    page.get_by_label("Period", exact=True).select_option(label="Last 30 days")
    page.get_by_role("button", name="Show").click()
    expect(page.locator('[data-report="opened"]')).to_have_text("4")  # the section is kept


@pytest.mark.browser
@pytest.mark.parametrize("who", ["alice@example.com", "bob@example.com"])
def test_reports_fit_a_phone_and_pass_the_accessibility_check(
    live_server, page: Page, owner, staff, two_sources, who
):
    page.set_viewport_size(PHONE)
    log_in(page, live_server.url, who)
    for slug in SECTIONS:
        page.goto(f"{live_server.url}/reports/?section={slug}&range=90")
        for summary in page.get_by_text("The numbers as a table").all():
            summary.click()
        assert_fits_phone(page)
        assert_accessible(page)


@pytest.mark.browser
def test_reports_screenshot_for_the_readme(live_server, page: Page, owner, two_sources, docs_dir):
    """docs/reports.png for the README (written only by `make docs`)."""
    page.set_viewport_size(DESKTOP)
    log_in(page, live_server.url, "alice@example.com")
    page.goto(f"{live_server.url}/reports/?range=30")
    expect(page.locator("#chart-volume")).to_be_visible()
    shot = docs_dir / "reports.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000
