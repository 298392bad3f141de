"""Incidents in headless Chromium: the owner declares one from a spike alert's proposal and sees
a new complaint join it without reloading; staff write the reply for every linked case, the
owner approves it once and each case has it; the team sees the note on every page. Plus the
README's screenshot (docs/incident.png, written only by `make docs`)."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlencode

import pytest
import redis
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import Page, expect

from monitors.models import Mention
from monitors.signals import negative_mentions
from responses.cases import open_case
from responses.incidents import post_update
from responses.models import Incident, IncidentPosting, ReplyDraft
from tests.browser import wait_for_htmx_idle
from tests.page_checks import PHONE, assert_accessible, assert_fits_phone
from tests.queued import run_queued_tasks
from tests.responses.test_cases_opening import make_mention
from tests.responses.test_inbox_browser import log_in
from tests.responses.test_incidents import LOGIN_DOWN, declare_login_outage, seed_scripts
from tests.responses.test_replies import configure

DESKTOP = {"width": 1280, "height": 800}
AUTHORS = ("Dana", "Eli", "Fatima", "Gus")


@pytest.fixture
def complaints(transactional_db) -> list[Mention]:
    """Four customers who could not log in over the last 40 minutes, each with a case."""
    seed_scripts()
    configure()
    redis.Redis.from_url(settings.CELERY_BROKER_URL).delete("celery")
    found = []
    for minutes, author in zip((40, 30, 20, 10), AUTHORS, strict=True):
        mention = make_mention(
            author=author,
            text=LOGIN_DOWN,
            first_seen_at=timezone.now() - timedelta(minutes=minutes),
        )
        open_case(mention)
        found.append(mention)
    return found


@pytest.mark.browser
def test_owner_declares_an_incident_from_a_spike_proposal_and_a_new_complaint_joins_live(
    live_server, page: Page, owner, staff, complaints
):
    log_in(page, live_server.url, "alice@example.com")
    started = timezone.now() - timedelta(minutes=45)
    proposal = urlencode({"phrase": "login", "started": started.isoformat()})
    page.goto(f"{live_server.url}/incidents/declare?{proposal}")
    expect(page.get_by_label("Title")).to_have_value("Complaints about “login”")
    page.get_by_label("Title").fill("Login outage")
    page.get_by_label("What customers see").fill("The login page spins and never signs in.")
    page.get_by_label("Script").select_option(label="Outage")
    page.get_by_label("Note for the team").fill("Use the outage script; no refunds promised yet.")
    page.get_by_role("button", name="Declare the incident").click()

    expect(page.get_by_role("heading", name="Login outage", level=1)).to_be_visible()
    mentions = page.get_by_role("list", name="Linked mentions")
    expect(mentions.locator("[data-linked-mention]")).to_have_count(4)
    expect(page.locator("[data-figure=mentions]")).to_have_text("4")
    timeline = page.get_by_role("list", name="Incident timeline")
    expect(timeline).to_contain_text("declared the incident (4 mentions linked)")

    later = make_mention(author="Hana", text="Still cannot login, third try.")
    negative_mentions.send(sender=Mention, mentions=[later])  # a poll brings one more
    expect(mentions.locator("[data-linked-mention]")).to_have_count(5)  # without a reload
    expect(mentions).to_contain_text("Still cannot login")

    log_in(page, live_server.url, "bob@example.com")
    banner = page.get_by_role("complementary", name="Open incidents")
    expect(banner).to_contain_text("Login outage")
    expect(banner).to_contain_text("Use the outage script; no refunds promised yet.")
    banner.get_by_role("link", name="Login outage").click()
    expect(page.get_by_role("heading", name="Login outage", level=1)).to_be_visible()
    expect(page.get_by_role("button", name="Post the update")).to_have_count(0)  # owners'


@pytest.mark.browser
def test_owner_approves_the_script_once_and_every_linked_case_has_the_reply(
    live_server, page: Page, owner, staff, complaints
):
    incident = declare_login_outage(owner, started_minutes_ago=60)
    redis.Redis.from_url(settings.CELERY_BROKER_URL).delete("celery")  # the owners' alert

    log_in(page, live_server.url, "bob@example.com")
    page.goto(f"{live_server.url}/incidents/{incident.pk}/")
    reply = page.get_by_label("Reply to every linked case")
    expect(reply).to_have_value(incident.script.body)  # the script, ready to send
    page.get_by_role("button", name="Send for approval").click()
    expect(page.get_by_role("status")).to_contain_text("Sent to an owner for approval.")

    log_in(page, live_server.url, "alice@example.com")
    page.goto(f"{live_server.url}/incidents/{incident.pk}/")
    waiting = page.locator("[data-waiting-incident-reply]")
    expect(waiting).to_contain_text("bob@example.com wrote this reply for the 4 cases")
    waiting.get_by_role("button", name="Approve and post to 4 cases").click()
    expect(page.get_by_role("status")).to_contain_text("Approved")
    assert "responses.tasks.post_incident_reply" in run_queued_tasks()

    page.reload()
    expect(page.locator("[data-postings]")).to_contain_text("4 approved to post by hand.")
    expect(page.locator("[data-figure=answered]")).to_have_text("0 of 4")
    page.get_by_text("To post by hand (4)").click()
    page.get_by_role("link", name=f"Reply on case {complaints[0].case.pk}").click()
    expect(page.locator("[data-reply-state]")).to_have_text("Approved")
    assert IncidentPosting.objects.count() == 4
    drafts = ReplyDraft.objects.filter(case__mention__in=complaints)
    assert sorted(d.approved_version.text.split(",")[0] for d in drafts) == [
        f"Hi {author}" for author in sorted(AUTHORS)
    ]


@pytest.mark.browser
def test_incident_pages_are_accessible_and_fit_a_phone(live_server, page: Page, owner, complaints):
    incident = declare_login_outage(owner, started_minutes_ago=60)
    log_in(page, live_server.url, "alice@example.com")
    for path in (
        "/incidents/",
        f"/incidents/{incident.pk}/",
        "/incidents/declare",
        "/incidents/scripts/",
        "/",
        f"/cases/{complaints[0].case.pk}/",  # its incident card
    ):
        page.set_viewport_size(DESKTOP)
        page.goto(live_server.url + path)
        wait_for_htmx_idle(page)
        assert_accessible(page)
        page.set_viewport_size(PHONE)
        assert_fits_phone(page)
        assert_accessible(page)
    assert Incident.objects.count() == 1


@pytest.mark.browser
def test_incident_screenshot_for_the_readme(live_server, page: Page, owner, complaints, docs_dir):
    """docs/incident.png for the README (written only by `make docs`)."""
    incident = declare_login_outage(owner, started_minutes_ago=45)
    post_update(
        incident,
        owner,
        Incident.Status.IDENTIFIED,
        "A certificate expired on the login server; a new one is being issued.",
        timezone.now(),
    )
    page.set_viewport_size(DESKTOP)
    log_in(page, live_server.url, "alice@example.com")
    page.goto(f"{live_server.url}/incidents/{incident.pk}/")
    expect(page.locator("[data-linked-mention]")).to_have_count(4)
    shot = docs_dir / "incident.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000
