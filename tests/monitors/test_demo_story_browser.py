"""The demo's story, as the README tells it, on a real worker with the demo's clock sped up:
`load_demo` → the sources are read at once → a new 1★ review becomes a case → the owner replies
and marks it posted → the customer edits the review to 5★ → the case celebrates the recovery."""

from __future__ import annotations

import time
from io import StringIO

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from monitors.demo import DOCUMENTS_BY_KEY
from monitors.models import Source
from responses.models import Case, ReplySettings
from tests.browser import wait_for_htmx_idle
from tests.conftest import CeleryWorker
from tests.responses.test_inbox_browser import log_in

SPEED = 12  # the 1★ review after 10 s instead of 2 min, its edit after 35 s instead of 7 min
REPLY = (
    "Thank you for telling us, and we are sorry the app took minutes to open. Our latest "
    "release loads in seconds. Please write to help@northgate.example so we can help."
)


def reload_until(page: Page, url: str, selector: str, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    page.goto(url)
    while page.locator(selector).count() == 0:
        assert time.monotonic() < deadline, f"{selector} never appeared on {url}"
        page.wait_for_timeout(1000)
        page.goto(url)


@pytest.fixture
def demo_worker(worker_env, tmp_path, settings):
    settings.RW_DEMO_SPEED = SPEED  # the documents this process serves
    worker = CeleryWorker({**worker_env, "RW_DEMO_SPEED": str(SPEED)}, tmp_path / "worker.log")
    worker.wait_ready()
    yield worker
    worker.stop()


@pytest.mark.browser
def test_the_demo_story_plays_out_new_complaint_reply_and_recovery(
    live_server, page: Page, owner, demo_worker
):
    reply_settings = ReplySettings.current()
    reply_settings.contact = "help@northgate.example"
    reply_settings.save()
    started = time.monotonic()
    call_command("load_demo", "--base-url", live_server.url, stdout=StringIO())
    log_in(page, live_server.url, "alice@example.com")

    reviews = Source.objects.get(name=DOCUMENTS_BY_KEY["reviews"].source_name)
    while Source.objects.filter(is_demo=True, last_polled_at__isnull=True).exists():
        assert time.monotonic() - started < 20, "every demo source is read within seconds"
        time.sleep(0.2)
    reload_until(page, f"{live_server.url}/", "[data-case-row]", 5)

    deadline = time.monotonic() + 60
    while not Case.objects.filter(mention__source=reviews, mention__title="Load time").exists():
        assert time.monotonic() < deadline, demo_worker.output()[-3000:]
        time.sleep(0.5)
    case = Case.objects.get(mention__source=reviews, mention__title="Load time")
    reload_until(page, f"{live_server.url}/", f'a[href="/cases/{case.pk}/"]', 10)
    page.locator(f'a[href="/cases/{case.pk}/"]').first.click()
    expect(page.get_by_text("it still takes about 5-10 minutes").first).to_be_visible()

    wait_for_htmx_idle(page)
    page.get_by_label("Reply to adidas_616").fill(REPLY)
    page.get_by_role("button", name="Approve reply").click()
    expect(page.locator("[data-reply-state]")).to_have_text("Approved")
    page.get_by_role("button", name="Mark as posted").click()
    expect(page.locator("[data-posted]")).to_be_visible()

    reload_until(page, f"{live_server.url}/cases/{case.pk}/", "[data-recovery]", 90)
    expect(page.locator("[data-recovery] h2")).to_have_text("Recovered: 1★ → 5★ after our reply")
