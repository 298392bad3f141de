"""The demo's Google Play loop in headless Chromium: the owner tests the demo connection, opens
the 1★ Play review's case, approves a reply, posts it to Google Play and sees "Published"."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import Page, expect

from monitors import demo_play
from monitors.demo import NEW_REVIEW_AFTER
from monitors.models import Connection, Source
from monitors.polling import poll_source_now
from responses.models import Case, ReplySettings
from tests.browser import wait_for_htmx_idle
from tests.queued import run_queued_tasks
from tests.responses.test_inbox_browser import log_in

REPLY = (
    "Thank you for telling us, and we are sorry the app keeps crashing. Version 8.1 fixes Face "
    "ID sign-in. Please email us at help@northgate.example so we can put this right."
)


def run_the_worker_until(page: Page, selector: str) -> None:
    """Do the worker's part (the queued tasks, in this process) until the page shows `selector`."""
    deadline = timezone.now() + timedelta(seconds=60)
    while page.locator(selector).count() == 0:
        assert timezone.now() < deadline, f"{selector} never appeared"
        run_queued_tasks()
        page.wait_for_timeout(300)


@pytest.mark.browser
def test_owner_posts_a_reply_to_the_demo_play_app_and_sees_it_published(
    live_server, page: Page, owner
):
    call_command("load_demo", "--base-url", live_server.url, stdout=StringIO())
    # The demo's clock, sped up: it started long enough ago for the 1★ review to be there.
    started = timezone.now() - NEW_REVIEW_AFTER - timedelta(seconds=30)
    Source.objects.update(created_at=started)
    settings = ReplySettings.current()
    settings.contact = "help@northgate.example"
    settings.save()
    assert poll_source_now(Source.objects.get(name=demo_play.source_name()).pk).status == "ok"
    case = Case.objects.get(mention__external_id="gp:AOqpTOdemo6952756142")

    log_in(page, live_server.url, "alice@example.com")
    page.goto(f"{live_server.url}/sources/connections/{Connection.objects.get().pk}/")
    page.get_by_label("Package name").first.fill(demo_play.PACKAGE)
    page.get_by_role("button", name="Test connection").click()
    run_the_worker_until(page, "text=may read and reply to reviews of com.northgate.bank.demo")

    page.goto(f"{live_server.url}/")
    page.locator(f'a[href="/cases/{case.pk}/"]').first.click()
    expect(page.get_by_text("This app is awful.").first).to_be_visible()
    wait_for_htmx_idle(page)
    page.get_by_label("Reply to reviewer6122").fill(REPLY)
    page.get_by_role("button", name="Approve reply").click()
    expect(page.locator("[data-reply-state]")).to_have_text("Approved")
    expect(page.get_by_text("Google Play takes at most 350 characters")).to_be_visible()

    page.get_by_role("button", name="Post to Google Play").click()
    run_the_worker_until(page, '[data-platform-state="published"]')
    expect(page.locator('[data-platform-state="published"]')).to_contain_text(
        "Published on Google Play"
    )
    case.refresh_from_db()
    assert case.responded and case.status == Case.Status.AWAITING
