"""Password-reset requests are throttled per address and per client, so an anonymous visitor
cannot flood someone's inbox or the mail server (15 requests used to send 15 e-mails)."""

from __future__ import annotations

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

pytestmark = pytest.mark.django_db


def test_fifteen_reset_requests_for_one_address_send_three_emails(client, owner):
    for n in range(15):  # from fifteen different clients
        address = f"192.0.2.{n + 1}"
        response = client.post(
            reverse("password_reset"), {"email": owner.email}, REMOTE_ADDR=address
        )
        assert response.status_code == 302  # the same answer every time: nothing to learn
        assert response["Location"] == reverse("password_reset_done")
    assert len(mail.outbox) == 3
    with time_machine.travel(timezone.now() + timezone.timedelta(hours=1, minutes=1)):
        client.post(reverse("password_reset"), {"email": owner.email})
    assert len(mail.outbox) == 4  # the bucket refills with time


def test_one_client_asking_for_many_addresses_is_told_to_wait(client, owner):
    answers = [
        client.post(reverse("password_reset"), {"email": f"someone{n}@example.com"}).status_code
        for n in range(14)
    ]
    assert answers == [302] * 10 + [429] * 4
    refused = client.post(reverse("password_reset"), {"email": owner.email})
    assert refused.status_code == 429
    assert "Too many password reset requests from your network" in refused.content.decode()
    assert not mail.outbox
    other = client.post(reverse("password_reset"), {"email": owner.email}, REMOTE_ADDR="192.0.2.7")
    assert other.status_code == 302 and len(mail.outbox) == 1
