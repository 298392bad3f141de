"""The Settings page: digest preferences for everyone, alert thresholds for owners."""

from __future__ import annotations

from datetime import UTC, datetime

import time_machine
from django.urls import reverse

from responses.models import AlertSettings, DigestPreference


def digest_form(**fields) -> dict:
    return {
        "frequency": "daily",
        "scope": "negative",
        "send_time": "07:30",
        "weekday": "0",
        "time_zone": "Europe/Lisbon",
        **fields,
    }


def test_staff_saves_weekly_digest_in_their_time_zone_and_next_send_is_scheduled(
    staff_client, staff
):
    with time_machine.travel(datetime(2026, 11, 23, 9, 0, tzinfo=UTC), tick=False):
        response = staff_client.post(
            reverse("digest_preferences"),
            digest_form(frequency="weekly", weekday="2", time_zone="Asia/Tokyo"),
        )
    assert response.status_code == 302
    pref = DigestPreference.objects.get(user=staff)
    assert (pref.frequency, pref.weekday, pref.time_zone) == ("weekly", 2, "Asia/Tokyo")
    # Wednesday 25 Nov 07:30 in Tokyo is 22:30 UTC on the Tuesday.
    assert pref.next_due_at == datetime(2026, 11, 24, 22, 30, tzinfo=UTC)


def test_unknown_time_zone_is_refused_with_a_message(staff_client, staff):
    response = staff_client.post(reverse("digest_preferences"), digest_form(time_zone="Mars/Base"))
    assert response.status_code == 400
    assert b"Select a valid choice" in response.content
    assert DigestPreference.objects.get(user=staff).time_zone != "Mars/Base"


def test_settings_page_shows_labelled_digest_form_and_keeps_heartbeats(staff_client):
    body = staff_client.get(reverse("settings")).content.decode()
    for field in ("frequency", "scope", "send_time", "weekday", "time_zone"):
        assert f'<label for="id_{field}">' in body
    assert "Background work" in body
    assert "Owner alerts" not in body
    assert ' style="' not in body and " onclick=" not in body


def test_owner_sets_spike_thresholds_and_staff_cannot(owner_client, client, staff):
    body = owner_client.get(reverse("settings")).content.decode()
    assert '<label for="id_spike_count">' in body and '<label for="id_spike_multiple">' in body
    response = owner_client.post(
        reverse("alert_settings"), {"spike_count": "4", "spike_multiple": "2.5"}
    )
    assert response.status_code == 302
    rules = AlertSettings.current()
    assert (rules.spike_count, str(rules.spike_multiple)) == (4, "2.5")
    client.force_login(staff)
    assert client.post(reverse("alert_settings"), {"spike_count": "1"}).status_code == 403


def test_owner_sees_who_did_not_get_their_digest_and_why(owner_client, staff):
    from responses.digests import preference_for

    pref = preference_for(staff)
    pref.failures = 3
    pref.last_error = "SMTPDataError: (451, b'Mailbox busy')"
    pref.last_error_at = datetime.now(UTC)
    pref.save()
    body = owner_client.get(reverse("settings")).content.decode()
    assert "bob@example.com" in body and "Mailbox busy" in body


def test_turning_digests_back_on_does_not_mail_the_history(staff_client, staff, make_mention):
    staff_client.post(reverse("digest_preferences"), digest_form(frequency="off"))
    make_mention()
    staff_client.post(reverse("digest_preferences"), digest_form(frequency="instant"))
    from responses.digests import candidates

    assert not candidates(DigestPreference.objects.get(user=staff)).exists()
