"""Outgoing webhooks, signed per the Standard Webhooks specification.

Each delivery POSTs the event's JSON with `webhook-id` (the event's msg_id, the same on every
retry and for every endpoint), `webhook-timestamp` and `webhook-signature` (v1, HMAC-SHA256
with the endpoint's `whsec_` secret, by the `standardwebhooks` package). Attempts follow
RETRY_AFTER (about a day in all) and are claimed with a conditional UPDATE, so a task that runs
twice sends once. Connections go through the source fetcher's SSRF guard: no internal address
unless RW_ALLOW_PRIVATE_SOURCES allows it. An endpoint that failed every attempt for a day is
switched off and the owners are alerted.
"""

from __future__ import annotations

import base64
import json
import secrets
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

import requests
from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from standardwebhooks.webhooks import Webhook

from monitors.credentials import decrypt, encrypt
from monitors.netguard import GuardedAdapter, UnsafeURL, check_url_shape
from responses.alerts import record_webhook_disabled
from responses.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint

# Wait before the 2nd, 3rd… attempt (the spec's suggested schedule): 27 h 35 min in all.
RETRY_AFTER = [
    timedelta(seconds=5),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=5),
    timedelta(hours=10),
    timedelta(hours=10),
]
MAX_ATTEMPTS = len(RETRY_AFTER) + 1
# Switched off when every attempt failed for this long and at least MAX_ATTEMPTS in a row.
DISABLE_AFTER = timedelta(days=1)
SEND_LEASE = timedelta(minutes=2)
EXCERPT_BYTES = 500
USER_AGENT = "ReviewWatch-Webhooks/1"


def new_secret() -> str:
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


def encrypted_secret(secret: str) -> str:
    return encrypt({"secret": secret})


def secret_of(endpoint: WebhookEndpoint) -> str:
    return decrypt(endpoint.secret_encrypted)["secret"]


def create_endpoint(
    url: str, event_types: list[str], description: str = "", user=None
) -> tuple[WebhookEndpoint, str]:
    """A new endpoint and its secret, which the owner sees once (it is stored encrypted)."""
    secret = new_secret()
    endpoint = WebhookEndpoint.objects.create(
        url=url,
        event_types=event_types,
        description=description,
        secret_encrypted=encrypted_secret(secret),
        created_by=user,
    )
    return endpoint, secret


def rotate_secret(endpoint: WebhookEndpoint) -> str:
    secret = new_secret()
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(secret_encrypted=encrypted_secret(secret))
    return secret


def address_policy() -> bool:
    """The source fetcher's policy: internal addresses only when the owner's setting allows."""
    return settings.RW_ALLOW_PRIVATE_SOURCES


def signed_headers(secret: str, msg_id: str, at: datetime, body: str) -> dict[str, str]:
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": Webhook(secret).sign(msg_id, at, body),
        "content-type": "application/json",
        "user-agent": USER_AGENT,
    }


def body_of(payload: dict) -> str:
    return json.dumps(payload, separators=(",", ":"), sort_keys=True)


@dataclass(frozen=True)
class Answer:
    """What the endpoint answered: a status (None when no answer came) and how long it took."""

    status: int | None
    ms: int
    excerpt: str = ""
    error: str = ""

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


def post(url: str, body: str, headers: dict[str, str]) -> Answer:
    """POST once, redirects not followed, one deadline for the whole exchange."""
    total = settings.RW_WEBHOOK_TIMEOUT_SECONDS
    started = time.monotonic()

    def took() -> int:
        return int((time.monotonic() - started) * 1000)

    adapter = GuardedAdapter(address_policy())
    timer = threading.Timer(total, adapter.abort)
    try:
        check_url_shape(url)
        with requests.Session() as session:
            session.trust_env = False  # a proxy would connect for us, past the guard
            session.mount("http://", adapter)
            session.mount("https://", adapter)
            timer.start()
            response = session.post(
                url,
                data=body.encode(),
                headers=headers,
                allow_redirects=False,
                stream=True,
                timeout=(min(5.0, total), total),
            )
            excerpt = response.raw.read(EXCERPT_BYTES, decode_content=True) or b""
            response.close()
        if time.monotonic() - started >= total:
            return Answer(None, took(), error=f"Timed out after {total:g} s")
        text = excerpt.decode("utf-8", "replace")
        return Answer(response.status_code, took(), text)
    except UnsafeURL as error:
        return Answer(None, took(), error=f"Blocked: {error}"[:300])
    except (requests.RequestException, OSError) as error:
        if time.monotonic() - started >= total or isinstance(error, requests.Timeout):
            return Answer(None, took(), error=f"Timed out after {total:g} s")
        return Answer(None, took(), error=f"{type(error).__name__}: {error}"[:300])
    finally:
        timer.cancel()


def claim(delivery_id: int, now: datetime, by_hand: bool = False) -> WebhookDelivery | None:
    """Take the delivery for one attempt. A scheduled attempt needs it pending, due and its
    endpoint on; a resend by hand takes any delivery of an endpoint that is on."""
    free = Q(sending_until__isnull=True) | Q(sending_until__lt=now)
    rows = WebhookDelivery.objects.filter(free, pk=delivery_id, endpoint__active=True)
    if not by_hand:
        rows = rows.filter(state=WebhookDelivery.State.PENDING, next_attempt_at__lte=now)
    counted = {} if by_hand else {"attempts": F("attempts") + 1}  # the schedule's attempts
    if not rows.update(sending_until=now + SEND_LEASE, **counted):
        return None
    return WebhookDelivery.objects.select_related("endpoint", "event").get(pk=delivery_id)


def attempt(delivery_id: int, now: datetime | None = None, by_hand: bool = False) -> Answer | None:
    """One signed POST of a claimed delivery, logged; None when it was not ours to send."""
    now = now or timezone.now()
    delivery = claim(delivery_id, now, by_hand)
    if delivery is None:
        return None
    event, endpoint = delivery.event, delivery.endpoint
    body = body_of(event.payload)
    answer = post(endpoint.url, body, signed_headers(secret_of(endpoint), event.msg_id, now, body))
    record_answer(delivery, answer, now, by_hand)
    return answer


def record_answer(delivery: WebhookDelivery, answer: Answer, now: datetime, by_hand: bool) -> None:
    """Log the attempt; delivered, or the next attempt scheduled, or out of attempts."""
    error = answer.error or ("" if answer.ok else f"HTTP {answer.status}")
    with transaction.atomic():
        WebhookAttempt.objects.create(
            delivery=delivery,
            at=now,
            status_code=answer.status,
            response_ms=answer.ms,
            body_excerpt=answer.excerpt[:EXCERPT_BYTES],
            error=error[:300],
            by_hand=by_hand,
        )
        rows = WebhookDelivery.objects.filter(pk=delivery.pk)
        endpoint = WebhookEndpoint.objects.filter(pk=delivery.endpoint_id)
        if answer.ok:
            rows.update(state=WebhookDelivery.State.DELIVERED, delivered_at=now, sending_until=None)
            endpoint.update(consecutive_failures=0, failing_since=None)
            return
        if by_hand:  # the schedule and state stay as they were; the log shows the try
            rows.update(sending_until=None)
        elif delivery.attempts >= MAX_ATTEMPTS:
            rows.update(state=WebhookDelivery.State.FAILED, sending_until=None)
        else:
            due = now + RETRY_AFTER[delivery.attempts - 1]
            rows.update(next_attempt_at=due, sending_until=None)
        endpoint.update(consecutive_failures=F("consecutive_failures") + 1)
        endpoint.filter(failing_since__isnull=True).update(failing_since=now)
        disable_if_failing(delivery.endpoint_id, error, now)


def disable_if_failing(endpoint_id: int, error: str, now: datetime) -> bool:
    """Switch the endpoint off once every attempt failed for a day, and alert the owners once."""
    from responses.tasks import send_owner_alert  # tasks imports the notify tasks

    switched = WebhookEndpoint.objects.filter(
        pk=endpoint_id,
        active=True,
        consecutive_failures__gte=MAX_ATTEMPTS,
        failing_since__lte=now - DISABLE_AFTER,
    ).update(active=False, disabled_reason=f"Every attempt failed for a day. Last: {error}"[:300])
    if not switched:
        return False
    alert = record_webhook_disabled(WebhookEndpoint.objects.get(pk=endpoint_id), error)
    if alert is not None:
        transaction.on_commit(lambda: send_owner_alert.delay(alert.pk))
    return True


def due_deliveries(now: datetime, limit: int = 500) -> list[int]:
    return list(
        WebhookDelivery.objects.filter(
            state=WebhookDelivery.State.PENDING, next_attempt_at__lte=now, endpoint__active=True
        )
        .filter(Q(sending_until__isnull=True) | Q(sending_until__lt=now))
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )


def switch_on(endpoint: WebhookEndpoint) -> None:
    """Back on after a fix: failures forgotten, pending deliveries due at once."""
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(
        active=True, disabled_reason="", consecutive_failures=0, failing_since=None
    )
    endpoint.deliveries.filter(state=WebhookDelivery.State.PENDING).update(
        next_attempt_at=timezone.now()
    )
