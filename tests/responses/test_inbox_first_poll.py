"""Right after sources are added the inbox says they are being read, instead of "No open
cases", and keeps asking the server until the first poll is done."""

from __future__ import annotations

import pytest
from django.utils import timezone

from monitors.models import Source

pytestmark = pytest.mark.django_db
FIRST_POLL = "Polling 2 sources for the first time…"


@pytest.mark.parametrize("who", ["owner_client", "staff_client"])
def test_an_empty_inbox_says_new_sources_are_being_read_until_their_first_poll(request, who):
    client = request.getfixturevalue(who)
    Source.objects.create(name="Alerts", url="https://alerts.example/feed")
    Source.objects.create(name="Reviews", url="https://reviews.example/page")
    page = client.get("/").content.decode()
    assert FIRST_POLL in page and 'hx-trigger="every 5s"' in page
    Source.objects.update(last_polled_at=timezone.now())
    page = client.get("/").content.decode()
    assert "for the first time" not in page and "No open cases" in page
    assert 'hx-trigger="every 5s"' not in page


def test_a_stranger_is_sent_to_log_in_instead_of_seeing_the_inbox(client):
    Source.objects.create(name="Alerts", url="https://alerts.example/feed")
    response = client.get("/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
