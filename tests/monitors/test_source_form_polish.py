"""The source form asks only what applies, refuses an address too long to store, says in plain
words when an address is not a feed, and asks before saving a source whose test failed."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from monitors.models import PollLog, Source
from monitors.polling import poll_source_now
from tests.conftest import PASSWORD
from tests.monitors.test_source_pages import field_error, source_data

pytestmark = pytest.mark.django_db

HTML_PAGE = b"""<!doctype html>
<html><head><title>Our bakery</title></head><body><p>Welcome!</p></body></html>"""
NOT_A_FEED = "This address answered with something that is not a feed (an HTML page?)"


@pytest.fixture
def html_page(httpserver) -> str:
    httpserver.expect_request("/home").respond_with_data(HTML_PAGE, content_type="text/html")
    return httpserver.url_for("/home")


def log_in(page: Page, base_url: str, email: str, next_page: str) -> None:
    page.goto(f"{base_url}/accounts/login/?next={next_page}")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


# --- in the browser ---------------------------------------------------------------------------


@pytest.mark.browser
def test_country_shows_only_for_the_app_store_and_competitor_name_only_for_a_competitor(
    live_server, page: Page, owner
):
    log_in(page, live_server.url, owner.email, reverse("source_add"))
    country, competitor = (
        page.get_by_label("App Store country"),
        page.get_by_label("Competitor's name"),
    )
    expect(page.get_by_label("Address")).to_be_visible()
    expect(country).to_be_hidden()
    expect(competitor).to_be_hidden()

    page.get_by_label("Kind of source").select_option("app_store")
    expect(country).to_be_visible()
    page.get_by_label("Kind of source").select_option("review_page")
    expect(country).to_be_hidden()

    page.get_by_label("A competitor", exact=False).check()
    expect(competitor).to_be_visible()
    expect(page.locator("label[for=id_competitor_name]")).not_to_contain_text("optional")
    page.get_by_label("Our business", exact=False).check()
    expect(competitor).to_be_hidden()


@pytest.mark.browser
def test_an_html_page_tested_as_a_feed_says_so_plainly_and_saving_it_asks_first(
    live_server, page: Page, owner, html_page
):
    log_in(page, live_server.url, owner.email, reverse("source_add"))
    page.get_by_label("Name", exact=True).fill("Bakery home page")
    page.get_by_label("Address").fill(html_page)
    with page.expect_response(lambda r: r.url.endswith("/sources/test")):
        page.get_by_role("button", name="Test this source").click()
    address_error = page.locator("#id_url_error")
    expect(address_error).to_have_text(NOT_A_FEED)
    expect(page.locator("main")).not_to_contain_text("<unknown>")

    page.get_by_role("button", name="Save source").click()
    question = page.locator("[data-confirm-failed-test]")
    expect(question).to_contain_text(f"The test failed: {NOT_A_FEED}. Save anyway?")
    assert Source.objects.count() == 0

    page.get_by_role("button", name="Save anyway").click()
    expect(page.get_by_role("heading", name="Bakery home page", level=1)).to_be_visible()
    assert Source.objects.get().url == html_page


@pytest.mark.browser
def test_an_address_over_2000_characters_is_refused_with_a_reason(live_server, page: Page, owner):
    log_in(page, live_server.url, owner.email, reverse("source_add"))
    long_address = "https://example.com/feed?" + "q=x&" * 600
    page.get_by_label("Name", exact=True).fill("Too long")
    page.get_by_label("Address").fill(long_address)
    page.get_by_role("button", name="Save source").click()
    expect(page.locator("#id_url_error")).to_contain_text(
        f"This address is {len(long_address)} characters long; ReviewWatch takes addresses of "
        "at most 2000."
    )
    assert Source.objects.count() == 0


# --- the rules behind the form ---------------------------------------------------------------


def test_a_competitor_name_is_needed_only_for_a_competitor(owner_client):
    refused = owner_client.post(
        reverse("source_add"), source_data(subject="competitor", competitor_name="", action="save")
    )
    assert refused.status_code == 400
    assert "Name the competitor" in field_error(refused.content.decode(), "competitor_name")
    saved = owner_client.post(
        reverse("source_add"), source_data(competitor_name="Acme Bank", action="save")
    )
    assert saved.status_code == 302
    assert Source.objects.get().competitor_name == ""  # not about a competitor: not kept


def test_a_country_typed_for_another_kind_than_the_app_store_is_ignored(owner_client):
    response = owner_client.post(
        reverse("source_add"), source_data(country="not a country at all, far too long")
    )
    assert response.status_code == 302
    assert Source.objects.get().url == "https://example.com/feed"


def test_a_bad_country_for_the_app_store_is_still_refused(owner_client):
    response = owner_client.post(
        reverse("source_add"), source_data(kind="app_store", url="1321994487", country="zz9")
    )
    assert response.status_code == 400
    assert field_error(response.content.decode(), "country")


def test_the_address_field_does_not_cut_a_long_address_in_the_browser(owner_client):
    page = owner_client.get(reverse("source_add")).content.decode()
    assert 'name="url"' in page and 'maxlength="2000"' not in page


def test_an_address_too_long_once_built_for_the_app_store_is_refused(owner_client):
    long_id = "1" * 2100
    response = owner_client.post(
        reverse("source_add"), source_data(kind="app_store", url=long_id[:1990])
    )
    assert response.status_code == 400  # not an App Store link or id: refused either way
    assert Source.objects.count() == 0


def test_saving_after_a_failed_test_asks_and_save_anyway_saves(owner_client, html_page):
    tested = owner_client.post(reverse("source_add"), source_data(url=html_page, action="test"))
    page = tested.content.decode()
    assert NOT_A_FEED in field_error(page, "url")
    assert 'name="failed_test"' in page

    answer = owner_client.post(
        reverse("source_add"),
        source_data(
            url=html_page,
            action="save",
            failed_test=NOT_A_FEED,
            failed_test_address=f"feed {html_page}",
        ),
    )
    assert answer.status_code == 200
    assert f"The test failed: {NOT_A_FEED}. Save anyway?" in answer.content.decode()
    assert Source.objects.count() == 0

    saved = owner_client.post(
        reverse("source_add"),
        source_data(url=html_page, action="save_anyway", failed_test=NOT_A_FEED),
    )
    assert saved.status_code == 302 and Source.objects.count() == 1


def test_a_failed_test_of_another_address_does_not_hold_up_saving(owner_client, html_page):
    response = owner_client.post(
        reverse("source_add"),
        source_data(
            url="https://example.com/feed",
            action="save",
            failed_test=NOT_A_FEED,
            failed_test_address=f"feed {html_page}",
        ),
    )
    assert response.status_code == 302 and Source.objects.count() == 1


def test_staff_and_strangers_cannot_save_anyway(client, staff, html_page):
    data = source_data(url=html_page, action="save_anyway")
    assert client.post(reverse("source_add"), data).status_code == 302  # to the login page
    client.force_login(staff)
    assert client.post(reverse("source_add"), data).status_code == 403
    assert Source.objects.count() == 0


def test_the_poll_log_keeps_the_parsers_words_as_technical_detail(html_page):
    source = Source.objects.create(name="Bakery", kind=Source.Kind.FEED, url=html_page)
    poll_source_now(source.pk)
    source.refresh_from_db()
    log = PollLog.objects.get(source=source)
    assert source.last_error == f"The page could not be read: {NOT_A_FEED}"
    assert log.error.startswith(f"The page could not be read: {NOT_A_FEED} Technical detail: ")
    assert "syntax error" in log.error
