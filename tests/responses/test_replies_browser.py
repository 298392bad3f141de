"""A humble reply in headless Chromium: staff drafts from a template, the tone check catches a
defensive phrase, the owner approves, staff copy and mark it posted, the customer raises the
review from 1★ to 5★, the next poll shows it on the case, and the case is resolved."""

from __future__ import annotations

from importlib import import_module

import pytest
from playwright.sync_api import Page, expect

from monitors.models import Source
from monitors.polling import poll_source_now
from responses.models import Case, ReplyDraft
from tests.browser import wait_for_htmx_idle
from tests.responses.test_followups import serve_reviews
from tests.responses.test_inbox_browser import log_in
from tests.responses.test_replies import configure

ANGRY = {"id": "r1", "author": "Dana", "stars": 1, "text": "My lamp stopped working after a week."}
HAPPY = {**ANGRY, "stars": 5, "text": "They replaced my lamp at once. Lovely people, 5 stars!"}
DEFENSIVE = " Actually, the manual says not to leave it on all night."


def seed_templates() -> None:
    """Live-server tests run on a flushed database: put the seeded templates back."""
    from django.apps import apps

    import_module("responses.migrations.0004_seed_reply_templates").create(apps, None)


def open_replies(page: Page, base_url: str, case: Case) -> None:
    """The replies panel on the case page. Until case.html loads static/js/replies.js (its
    scripts block, asked of the lead) the copy button needs the replies page, which does."""
    page.goto(f"{base_url}/cases/{case.pk}/")
    expect(page.locator("#case-replies")).to_be_visible()
    if page.locator('script[src$="/js/replies.js"]').count() == 0:
        page.goto(f"{base_url}/cases/{case.pk}/reply/")
        expect(page.locator("#case-replies")).to_be_visible()


@pytest.mark.browser
def test_staff_reply_is_toned_approved_posted_and_the_updated_review_resolves_the_case(
    live_server, page: Page, httpserver, owner, staff
):
    configure()
    seed_templates()
    serve_reviews(httpserver, [ANGRY])
    source = Source.objects.create(
        name="Acme shop", kind="review_page", url=httpserver.url_for("/lamp")
    )
    assert poll_source_now(source.pk).status == "ok"
    case = Case.objects.get()
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)

    # Staff start from a template, slip into a defensive phrase, see why, and fix it.
    log_in(page, live_server.url, "bob@example.com")
    open_replies(page, live_server.url, case)
    page.get_by_label("Start from a template").select_option(label="Product stopped working")
    page.get_by_role("button", name="Use template").click()
    editor = page.get_by_label("Reply to Dana")
    expect(editor).to_have_value(
        "Hi Dana, thank you for taking the time to tell us, and we're sorry that your lamp "
        "stopped working. That is not the quality we promise, and we understand how frustrating "
        "it is. We would like to make it right with a replacement or a full refund, whichever "
        "you prefer. Please write to us at support@acme.example so we can sort out the details "
        "privately. — The Acme Lamps team"
    )
    humble = editor.input_value()
    wait_for_htmx_idle(page)
    editor.fill(humble + DEFENSIVE)
    warning = page.locator('[data-finding="defensive_phrase"]')
    expect(warning).to_contain_text("actually")
    expect(warning).to_contain_text("Why it matters")
    expect(page.locator("[data-tone-score]")).to_contain_text("fix the problems below")
    wait_for_htmx_idle(page)
    editor.fill(humble)
    expect(warning).to_have_count(0)
    expect(page.locator("[data-tone-score]")).to_contain_text("100/100")
    page.get_by_role("button", name="Send for approval").click()
    expect(page.locator("[data-reply-state]")).to_have_text("Waiting for approval")
    expect(page.get_by_role("button", name="Approve")).to_have_count(0)

    # The owner approves.
    log_in(page, live_server.url, "alice@example.com")
    open_replies(page, live_server.url, case)
    page.get_by_role("button", name="Approve", exact=True).click()
    expect(page.locator("[data-reply-state]")).to_have_text("Approved")
    expect(page.get_by_text("Approved by alice@example.com")).to_be_visible()

    # Staff copy it, post it by hand, and mark it posted.
    log_in(page, live_server.url, "bob@example.com")
    open_replies(page, live_server.url, case)
    page.get_by_role("button", name="Copy reply").click()
    expect(page.locator("[data-copy-status]")).to_contain_text("Copied")
    assert page.evaluate("navigator.clipboard.readText()") == humble
    expect(page.get_by_role("link", name="Open the review on Acme shop")).to_have_attribute(
        "href", "https://shop.example/reviews/r1"
    )
    page.get_by_label("Link to the posted reply (optional)").fill(
        "https://shop.example/reviews/r1#reply"
    )
    page.get_by_role("button", name="Mark as posted").click()
    expect(page.locator("[data-posted]")).to_contain_text("by bob@example.com")
    case.refresh_from_db()
    assert case.status == Case.Status.AWAITING and case.first_responded_at is not None
    assert ReplyDraft.objects.get().state == ReplyDraft.State.POSTED

    # The customer raises the review to 5 stars; the next poll brings it to the case.
    serve_reviews(httpserver, [HAPPY])
    assert poll_source_now(source.pk).status == "ok"
    page.reload()
    update = page.locator("[data-review-update]")
    expect(update).to_contain_text("Recovered: 1★ → 5★ after our reply")
    expect(update).to_contain_text("They replaced my lamp at once.")
    expect(page.get_by_label("Outcome (when resolving)")).to_have_value("Review updated")
    page.get_by_label("Status", exact=True).select_option(label="Resolved")
    page.get_by_role("button", name="Change status").click()
    expect(page.locator("[data-status]")).to_have_text("Resolved")
    expect(page.locator("[data-outcome]")).to_have_text("Review updated")
    case.refresh_from_db()
    assert case.status == Case.Status.RESOLVED and case.outcome == "Review updated"
