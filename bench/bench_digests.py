"""Digests for 1,000 people with 50 new mentions each, sent to a local aiosmtpd server.

Prints messages per second, queries per digest for 5 and for 50 mentions (must be equal), and
a baseline from the same run: 1,000 one-line emails over the same SMTP connection set-up.
"""

from __future__ import annotations

import os
import socket
import time
from datetime import timedelta
from decimal import Decimal

from aiosmtpd.controller import Controller
from common import setup_django

PEOPLE = 1000
MENTIONS = 50


class CountingSink:
    def __init__(self) -> None:
        self.received = 0

    async def handle_DATA(self, server, session, envelope) -> str:
        self.received += 1
        return "250 OK"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def make_world(now):
    from django.contrib.auth import get_user_model

    from monitors.models import Mention, Source
    from responses.models import Case, DigestPreference

    source = Source.objects.create(name="Trustpilot", url="https://www.trustpilot.com/review/x")
    mentions = Mention.objects.bulk_create(
        Mention(
            source=source,
            external_id=f"m{n}",
            author=f"Customer {n}",
            title=f"Review {n}",
            text=f"Review {n}: the order arrived late, cold, and nobody answered the phone.",
            rating=Decimal(1 + n % 3),
            content_hash=str(n),
            label="negative",
            first_seen_at=now - timedelta(seconds=MENTIONS - n),
        )
        for n in range(MENTIONS)
    )
    Case.objects.bulk_create(
        Case(mention=m, due_at=now + timedelta(hours=1)) for m in mentions[::2]
    )
    users = get_user_model().objects.bulk_create(
        get_user_model()(username=f"p{n}", email=f"p{n}@example.com") for n in range(PEOPLE + 2)
    )
    DigestPreference.objects.bulk_create(
        DigestPreference(
            user=user, frequency="instant", since=now - timedelta(hours=1), next_due_at=now
        )
        for user in users
    )
    # The last two people measure queries: one sees only the 5 newest mentions.
    DigestPreference.objects.filter(user=users[-2]).update(
        since=mentions[-5].first_seen_at, next_due_at=None
    )
    DigestPreference.objects.filter(user=users[-1]).update(next_due_at=None)
    return users[-2], users[-1]


def queries_for_one_digest(user, now, connection) -> int:
    from django.db import connection as db
    from django.test.utils import CaptureQueriesContext

    from responses.digests import claim_one, send_claimed

    token = claim_one(user.pk, now, ignore_schedule=True)
    with CaptureQueriesContext(db) as captured:
        assert send_claimed(user.pk, token, now, connection=connection)
    return len(captured)


def main() -> None:
    sink = CountingSink()
    port = free_port()
    os.environ.update(EMAIL_HOST="127.0.0.1", EMAIL_PORT=str(port), EMAIL_USE_TLS="0")
    setup_django("digests")
    from django.core.mail import EmailMessage, get_connection
    from django.utils import timezone

    from responses.digests import claim_due, send_claimed

    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    now = timezone.now()
    five, fifty = make_world(now)

    with get_connection() as connection:
        q5 = queries_for_one_digest(five, now, connection)
        q50 = queries_for_one_digest(fifty, now, connection)
    print(f"queries per digest: {q5} with 5 mentions, {q50} with 50 mentions")

    start = time.perf_counter()
    claims = claim_due(now)
    with get_connection() as connection:
        sent = sum(send_claimed(user_id, token, now, connection) for user_id, token in claims)
    digest_seconds = time.perf_counter() - start
    assert sent == PEOPLE, sent

    start = time.perf_counter()
    with get_connection() as connection:
        for n in range(PEOPLE):
            connection.send_messages([EmailMessage("Hello", "One line.", to=[f"p{n}@example.com"])])
    plain_seconds = time.perf_counter() - start
    controller.stop()

    digest_rate, plain_rate = PEOPLE / digest_seconds, PEOPLE / plain_seconds
    print(f"digests, {MENTIONS} mentions each: {PEOPLE} in {digest_seconds:.2f} s", end=" ")
    print(f"= {digest_rate:.0f} msg/s")
    print(
        f"baseline, one-line emails:   {PEOPLE} in {plain_seconds:.2f} s = {plain_rate:.0f} msg/s"
    )
    print(f"ratio: a digest costs {plain_rate / digest_rate:.1f}x a one-line email")
    print(f"server received {sink.received} messages")


if __name__ == "__main__":
    main()
