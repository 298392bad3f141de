"""Every main page, as owner and as staff, passes axe-core and works on a 390×844 phone.

The inbox and the case page have their own browser tests, which apply the same checks. One test
per role walks all its pages (a live-server test costs seconds to set up and tear down) and
reports every page's problems, not just the first page's.
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from monitors import credentials
from monitors.models import BlockedAuthor, Connection, Platform, Source
from monitors.polling import poll_source_now
from responses.api.tokens import create_token, revoke_token
from responses.customer_health import refresh_all
from responses.customers import sync_records
from responses.models import (
    Channel,
    CustomerRecord,
    NotifyEvent,
    ReplyTemplate,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
)
from responses.notify.channels import prepared
from responses.notify.webhooks import create_endpoint
from responses.reports.sections import SECTIONS
from tests.browser import wait_for_htmx_idle
from tests.conftest import PASSWORD, make_user
from tests.page_checks import assert_accessible, assert_fits_phone
from tests.responses.test_incidents import declare_login_outage, seed_scripts
from tests.rss import Item, rss_feed

OWNER_PAGES = [
    "settings",
    "triage_settings",
    "sources",
    "source_add",
    "source_detail",
    "source_edit",
    "source_delete",
    "mentions",
    "reports",
    "customers",
    "customer",
    "advocates",
    "health_settings",
    "reply_templates",
    "reply_template_add",
    "reply_template_edit",
    "classification_rules",
    "users",
    "connection_list",
    "connection_detail",
    "password_change",
    "incidents",
    "incident_declare",
    "incident",
    "incident_scripts",
    "incident_script_edit",
    "webhooks",
    "webhook",
    "channels",
    "api_tokens",
    "api_reference",
]
STAFF_PAGES = [
    "settings",
    "sources",
    "source_detail",
    "mentions",
    "reports",
    "password_change",
    "incidents",
    "incident",
]
STAFF_PAGES += ["customers", "customer", "advocates", "api_tokens", "api_reference"]
STAFF_PAGES += ["channels"]
DESKTOP = {"width": 1280, "height": 800}


@pytest.fixture
def feed_url(httpserver) -> str:
    """A feed with one complaint and one happy review, served over real HTTP."""
    feed = rss_feed(
        [
            Item(
                "r1",
                "Broken on arrival",
                "Terrible. The lamp arrived broken and support never answered my emails.",
                author="dana",
            ),
            Item("r2", "Lovely lamp", "Great light, fast delivery, very happy.", author="eli"),
        ]
    )
    httpserver.expect_request("/feed").respond_with_data(feed, content_type="application/rss+xml")
    return httpserver.url_for("/feed")


@pytest.fixture
def page_urls(feed_url, owner, staff) -> dict[str, str]:
    """A URL for each page name, with something on each page to show: a polled source (mentions,
    a case, a poll log), templates, a blocked author, a connection, an invited colleague."""
    source = Source.objects.create(name="Acme alerts", kind="feed", url=feed_url)
    assert poll_source_now(source.pk).status == "ok"
    template = ReplyTemplate.objects.create(
        name="Broken item", situation="Arrived damaged", body="Sorry, {name}."
    )
    ReplyTemplate.objects.create(name="Old apology", body="Sorry.", archived=True)
    BlockedAuthor.objects.create(name="troll", note="Posts the same rant weekly")
    connection = Connection.objects.create(
        platform=Platform.GOOGLE_PLAY,
        name="Bakery Play account",
        base_url="https://androidpublisher.example.com",
        config={"client_email": "reviews@bakery-app.iam.gserviceaccount.com"},
        secrets=credentials.encrypt({"service_account": {}}),
        secrets_hint="reviews@bakery-app.iam.gserviceaccount.com, key …c3d2e1",
    )
    sync_records()  # dana (red: a complaint past due) and eli (green: an advocate)
    refresh_all(timezone.now())
    customer = CustomerRecord.objects.get(author="dana").customer
    seed_scripts()
    incident = declare_login_outage(owner, started_minutes_ago=30)
    invited = make_user("dan@example.com", "staff")
    invited.set_unusable_password()
    invited.save()
    endpoint = webhook_with_a_log()
    with_args = {
        "webhook": [endpoint.pk],
        "source_detail": [source.pk],
        "source_edit": [source.pk],
        "source_delete": [source.pk],
        "reply_template_edit": [template.pk],
        "connection_detail": [connection.pk],
        "customer": [customer.pk],
        "incident": [incident.pk],
        "incident_script_edit": [incident.script.pk],
    }
    for person in (owner, staff):  # the token pages list one live and one revoked token
        create_token(person, "Spreadsheet")
        revoke_token(person, create_token(person, "Old script")[0].pk)
    return {name: reverse(name, args=with_args.get(name, [])) for name in OWNER_PAGES}


def webhook_with_a_log() -> WebhookEndpoint:
    """An endpoint whose log shows a failed try and a resent success; a team channel."""
    endpoint, _ = create_endpoint("https://hooks.example.com/reviewwatch", ["case.opened"])
    event = NotifyEvent.objects.create(type="case.opened", key="case.opened:1", payload={})
    delivery = WebhookDelivery.objects.create(endpoint=endpoint, event=event, attempts=1)
    WebhookAttempt.objects.create(delivery=delivery, status_code=500, body_excerpt="down")
    WebhookAttempt.objects.create(delivery=delivery, status_code=200, by_hand=True)
    encrypted, hint = prepared("ntfy://reviewwatch-team")
    Channel.objects.create(
        name="#reviews", url_encrypted=encrypted, url_hint=hint, event_types=["case.opened"]
    )
    return endpoint


def log_in(page: Page, base_url: str, email: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()


def problems_on(page: Page) -> list[str]:
    """What axe-core finds on the page at desktop size, then what a phone shows: sideways
    scrolling, small tap targets, and axe-core again on the phone layout."""
    problems = []
    for check in (assert_accessible, assert_fits_phone, assert_accessible):
        try:
            check(page)
        except AssertionError as error:
            problems.append(str(error))
    return problems


def urls_of(base_url: str, page_urls: dict[str, str], names: list[str]) -> list[str]:
    """Each named page's URL; the Reports page once per report (each is its own request)."""
    urls = []
    for name in names:
        if name == "reports":
            urls += [f"{base_url}{page_urls[name]}?section={slug}" for slug in SECTIONS]
        else:
            urls.append(base_url + page_urls[name])
    return urls


def problems_on_pages(page: Page, urls: list[str]) -> list[str]:
    problems = []
    for url in urls:
        page.set_viewport_size(DESKTOP)
        response = page.goto(url)
        assert response is not None and response.status == 200, url
        wait_for_htmx_idle(page)
        problems += problems_on(page)
    return problems


@pytest.mark.browser
def test_logged_out_pages_are_accessible_and_fit_a_phone(live_server, page: Page, owner):
    urls = [live_server.url + reverse(name) for name in ("login", "password_reset")]
    problems = problems_on_pages(page, urls)
    page.set_viewport_size(DESKTOP)
    page.goto(live_server.url + reverse("login"))
    page.get_by_label("Email").fill(owner.email)
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("alert").first).to_be_visible()
    problems += problems_on(page)  # the refused login, with its error
    assert not problems, "\n\n".join(problems)


@pytest.mark.browser
def test_every_owner_page_is_accessible_and_fits_a_phone(live_server, page: Page, owner, page_urls):
    log_in(page, live_server.url, owner.email)
    urls = urls_of(live_server.url, page_urls, OWNER_PAGES)
    problems = problems_on_pages(page, urls)
    assert not problems, "\n\n".join(problems)


@pytest.mark.browser
def test_every_staff_page_is_accessible_and_fits_a_phone(live_server, page: Page, staff, page_urls):
    log_in(page, live_server.url, staff.email)
    urls = urls_of(live_server.url, page_urls, STAFF_PAGES)
    problems = problems_on_pages(page, urls)
    assert not problems, "\n\n".join(problems)


@pytest.mark.browser
def test_a_source_test_result_is_accessible_and_fits_a_phone(
    live_server, page: Page, owner, feed_url
):
    log_in(page, live_server.url, owner.email)
    page.goto(live_server.url + reverse("source_add"))
    page.get_by_label("Name", exact=True).fill("Acme alerts")
    page.get_by_label("Address").fill(feed_url)
    page.get_by_role("button", name="Test this source").click()
    expect(page.get_by_role("heading", name="Test result")).to_be_visible()
    wait_for_htmx_idle(page)
    problems = problems_on(page)
    assert not problems, "\n\n".join(problems)
