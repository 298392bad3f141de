"""Response clocks in headless Chromium tick without a reload: the text and the colour change
when a minute passes, when less than an hour is left, and when the due time passes."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from responses.cases import Change, change_case, open_case
from responses.models import Case
from tests.responses.test_cases_opening import make_mention
from tests.responses.test_inbox_browser import log_in


def case_due_in(seconds: float, text: str) -> Case:
    case = open_case(make_mention(text=text))[0]
    due = timezone.now() + timedelta(seconds=seconds)
    Case.objects.filter(pk=case.pk).update(due_at=due)
    return Case.objects.get(pk=case.pk)


def clock_of(page: Page, case: Case) -> Locator:
    return page.locator(f"#case-row-{case.pk} [data-clock]")


@pytest.fixture
def csp_errors(page: Page) -> list[str]:
    """Console errors (a blocked script shows up here); the test asserts there are none."""
    errors: list[str] = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    return errors


def mark_page(page: Page) -> None:
    """A flag that a reload would wipe out."""
    page.evaluate("window.notReloaded = true")


def assert_not_reloaded(page: Page) -> None:
    assert page.evaluate("window.notReloaded") is True


@pytest.mark.browser
def test_a_clock_turns_overdue_seconds_after_its_due_time_without_a_reload(
    live_server, page: Page, owner, csp_errors
):
    log_in(page, live_server.url, "alice@example.com")
    case = case_due_in(4, "The clock runs out in a few seconds")
    page.goto(live_server.url)
    clock = clock_of(page, case)
    expect(clock).to_have_text("0 min left")
    expect(clock).to_have_class(re.compile(r"\bclock-due-soon\b"))
    mark_page(page)

    expect(clock).to_have_class(re.compile(r"\bclock-overdue\b"), timeout=20_000)

    expect(clock).to_have_text("0 min overdue")
    expect(clock).not_to_have_class(re.compile(r"\bclock-due-soon\b"))
    assert_not_reloaded(page)
    assert csp_errors == []


@pytest.mark.browser
def test_clocks_tick_from_1_min_left_to_overdue_and_into_the_last_hour(
    live_server, page: Page, owner, staff, csp_errors
):
    last_minutes = case_due_in(105, "One minute and a bit left")
    over_an_hour = case_due_in(62 * 60 + 30, "Just over an hour left")
    answered = case_due_in(30, "Answered already")
    change_case(answered.pk, answered.version, staff, Change(answered=True))
    page.clock.install()  # the page's timers, under the test's control from here on
    log_in(page, live_server.url, "alice@example.com")
    soon, later = clock_of(page, last_minutes), clock_of(page, over_an_hour)
    expect(soon).to_have_text("1 min left")
    expect(soon).to_have_class(re.compile(r"\bclock-due-soon\b"))
    expect(later).to_have_text(re.compile(r"^1 h 0[12] min left$"))
    expect(later).to_have_class(re.compile(r"\bclock-running\b"))
    expect(clock_of(page, answered)).to_have_text(re.compile(r"^answered in \d+ min$"))
    expect(clock_of(page, answered)).not_to_have_attribute("data-due-at", re.compile(".*"))
    mark_page(page)

    page.clock.run_for(2 * 60_000)

    expect(soon).to_have_text("0 min overdue")
    expect(soon).to_have_class(re.compile(r"\bclock-overdue\b"))
    expect(later).to_have_text(re.compile(r"^(59|60) min left$|^1 h 00 min left$"))
    page.clock.run_for(3 * 60_000)
    expect(soon).to_have_text("3 min overdue")
    expect(later).to_have_text(re.compile(r"^5[67] min left$"))
    expect(later).to_have_class(re.compile(r"\bclock-due-soon\b"))
    expect(clock_of(page, answered)).to_have_text(re.compile(r"^answered in \d+ min$"))
    assert_not_reloaded(page)
    assert csp_errors == []
