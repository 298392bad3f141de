"""The channels page as the owner (alice), staff (bob) and a stranger (logged out): each adds
and tests their own channels, owners add team channels, nobody sees or touches another
person's, and a channel's URL is never shown in full."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from responses.models import Channel

pytestmark = pytest.mark.django_db
SLACK = "slack://T1JJ3T3L2/A1BRTD4JD/TIiajkdnlazkcOXrIdevi7FQ/#reviews"


@pytest.fixture(autouse=True)
def private_addresses_allowed(settings):
    settings.RW_ALLOW_PRIVATE_SOURCES = True


def add(client, url: str, name: str = "Phone", alerts=("negative",)):
    return client.post(reverse("channels"), {"name": name, "url": url, "alerts": list(alerts)})


def test_strangers_are_sent_to_log_in(client, staff):
    channel = Channel.objects.create(user=staff, name="x", url_encrypted="", url_hint="")
    for url in (reverse("channels"),):
        assert client.get(url).status_code == 302
    for name in ("channel_test", "channel_delete"):
        assert client.post(reverse(name, args=[channel.pk])).status_code == 302
    assert Channel.objects.exists()


def test_staff_add_their_own_channel_and_never_see_its_secret_again(client, staff):
    client.force_login(staff)
    response = add(client, SLACK, alerts=["negative", "breach"])
    assert response["Location"] == reverse("channels")
    channel = Channel.objects.get()
    assert (channel.user, channel.alerts) == (staff, ["negative", "breach"])
    page = client.get(reverse("channels")).content.decode()
    assert "TIiajkdnlazkcOXrIdevi7FQ" not in page and "slack://T...2/" in page
    assert "Team channels" not in page


def test_a_url_apprise_does_not_know_is_refused(client, staff):
    client.force_login(staff)
    page = add(client, "nosuchservice://abc").content.decode()
    assert "Apprise does not understand this URL" in page
    assert not Channel.objects.exists()


def test_an_internal_host_is_refused_without_the_setting(client, staff, settings):
    settings.RW_ALLOW_PRIVATE_SOURCES = False
    client.force_login(staff)
    page = add(client, "json://127.0.0.1:8080/hook").content.decode()
    assert "private or internal network address" in page
    assert not Channel.objects.exists()


def test_staff_cannot_add_team_channels_or_touch_anothers(client, owner, staff):
    client.force_login(owner)
    add(client, SLACK, name="Alice's")
    theirs = Channel.objects.get()
    client.force_login(staff)
    response = client.post(
        reverse("channels"),
        {"team-name": "#all", "team-url": SLACK, "team-event_types": ["mention.negative"]},
    )
    assert response.status_code == 403
    for name in ("channel_test", "channel_delete"):
        assert client.post(reverse(name, args=[theirs.pk])).status_code == 403
    assert "Alice&#x27;s" not in client.get(reverse("channels")).content.decode()
    assert Channel.objects.count() == 1


def test_owner_adds_a_team_channel_and_sends_it_a_test_message(client, owner, httpserver):
    httpserver.expect_request("/team").respond_with_data("ok")
    client.force_login(owner)
    url = f"json://{httpserver.host}:{httpserver.port}/team"
    client.post(
        reverse("channels"),
        {"team-name": "#reviews", "team-url": url, "team-event_types": ["mention.negative"]},
    )
    channel = Channel.objects.get()
    assert channel.is_team and channel.event_types == ["mention.negative"]
    response = client.post(reverse("channel_test", args=[channel.pk]), follow=True)
    assert "Test message sent to #reviews." in response.content.decode()
    [(request, _)] = httpserver.log
    assert json.loads(request.get_data())["title"] == "ReviewWatch test message"


def test_a_failing_test_message_says_why(client, staff, httpserver):
    httpserver.expect_request("/down").respond_with_data("no", status=500)
    client.force_login(staff)
    add(client, f"json://{httpserver.host}:{httpserver.port}/down")
    channel = Channel.objects.get()
    page = client.post(reverse("channel_test", args=[channel.pk]), follow=True).content.decode()
    assert "The test message to Phone failed" in page
    assert Channel.objects.get().last_error
    client.post(reverse("channel_delete", args=[channel.pk]))
    assert not Channel.objects.exists()


def test_only_owners_are_offered_incident_alerts(client, owner, staff):
    client.force_login(staff)
    assert "Incident alerts" not in client.get(reverse("channels")).content.decode()
    add(client, SLACK, alerts=["incident"])
    assert not Channel.objects.exists()
    client.force_login(owner)
    assert "Incident alerts (owners)" in client.get(reverse("channels")).content.decode()
