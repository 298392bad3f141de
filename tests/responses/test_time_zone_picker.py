"""The time-zone picker groups its ~600 zones by region and tells, in the chosen zone, when the
next digest goes out (before saving too)."""

from __future__ import annotations

from datetime import UTC, datetime, time

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from responses.digests import preference_for
from responses.models import DigestPreference
from responses.time_zone_choices import grouped_time_zones, next_digest_words
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.mark.browser
def test_zones_are_grouped_by_region_and_the_next_digest_follows_the_chosen_zone(
    live_server, page: Page, staff
):
    page.goto(f"{live_server.url}/accounts/login/?next={reverse('settings')}")
    page.get_by_label("Email").fill(staff.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()

    picker = page.get_by_label("Time zone")
    expect(picker.locator("optgroup[label=Europe] option[value='Europe/Paris']")).to_have_text(
        "Paris"
    )
    expect(
        picker.locator("optgroup[label=America] option[value='America/Argentina/Buenos_Aires']")
    ).to_have_text("Argentina / Buenos Aires")
    page.get_by_label("How often").select_option("daily")
    page.get_by_label("Local time (daily, weekly)").fill("08:00")
    picker.select_option("Asia/Tokyo")
    next_digest = page.locator("[data-next-digest]")
    expect(next_digest).to_contain_text("Once saved, the next digest goes out")
    expect(next_digest).to_contain_text("08:00 Asia/Tokyo (JST)")

    page.get_by_role("button", name="Save digest preferences").click()
    expect(page.get_by_text("Digest preferences saved.")).to_be_visible()
    expect(page.locator("[data-next-digest]")).to_contain_text("Next digest: ")
    expect(page.locator("[data-next-digest]")).to_contain_text("08:00 Asia/Tokyo (JST)")
    assert DigestPreference.objects.get(user=staff).time_zone == "Asia/Tokyo"


def test_every_zone_is_offered_once_utc_first_then_by_region():
    from zoneinfo import available_timezones

    groups = grouped_time_zones()
    assert groups[0] == ("UTC", "UTC")
    offered = ["UTC"] + [value for _, zones in groups[1:] for value, _ in zones]
    assert sorted(offered) == sorted(available_timezones())
    assert [label for label, _ in groups[1:4]] == ["Africa", "America", "Antarctica"]


def test_the_next_digest_is_told_in_the_persons_zone(staff):
    pref = preference_for(staff)
    pref.frequency, pref.send_time, pref.time_zone = "daily", time(8, 0), "Europe/Paris"
    now = datetime(2025, 6, 2, 12, 0, tzinfo=UTC)
    pref.next_due_at = pref.next_due_after(now)
    assert next_digest_words(pref, now) == "Next digest: Tue 3 Jun, 08:00 Europe/Paris (CEST)."
    pref.time_zone = "UTC"
    pref.next_due_at = pref.next_due_after(now)
    assert next_digest_words(pref, now) == "Next digest: Tue 3 Jun, 08:00 UTC."
    pref.frequency = "off"
    assert next_digest_words(pref, now) == "Digests are off."


def test_the_preview_does_not_save_the_choices(staff_client, staff):
    before = preference_for(staff)
    response = staff_client.get(
        reverse("settings"),
        {
            "frequency": "weekly",
            "scope": "negative",
            "send_time": "07:30",
            "weekday": "4",
            "time_zone": "America/New_York",
        },
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "Once saved, the next digest goes out Fri " in text and "07:30 America/New_York" in text
    after = DigestPreference.objects.get(user=staff)
    assert (after.time_zone, after.frequency) == (before.time_zone, before.frequency)


def test_the_preview_of_a_made_up_zone_keeps_saying_what_is_saved(owner_client, owner):
    response = owner_client.get(
        reverse("settings"), {"time_zone": "Mars/Phobos"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert "Next digest: " in response.content.decode()


def test_a_stranger_gets_no_preview(client):
    response = client.get(reverse("settings"), {"time_zone": "UTC"}, headers={"HX-Request": "true"})
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
