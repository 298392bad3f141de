"""Outgoing webhooks: signed per Standard Webhooks (checked with the reference verifier),
retried with the same webhook-id against a receiver that fails, times out and then answers,
one delivery per event however often the hooks and tasks run, switched off after a day of
failures with one owner alert, and never sent to an internal address unless allowed."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from standardwebhooks.webhooks import Webhook
from werkzeug import Request, Response

from monitors.models import Mention
from monitors.signals import negative_mentions
from responses.cases import Change, change_case, open_case
from responses.models import Case, Channel, NotifyEvent, WebhookAttempt, WebhookDelivery
from responses.notify import webhooks
from responses.notify.channels import prepared
from responses.notify.events import record
from responses.notify.tasks import deliver_due_webhooks, deliver_webhook, fan_out_event
from reviewwatch.celery import app as celery_app

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
Type = NotifyEvent.Type


@pytest.fixture
def eager(settings, django_capture_on_commit_callbacks):
    """Tasks run in-process when the transaction that queued them commits."""
    settings.RW_ALLOW_PRIVATE_SOURCES = True
    settings.RW_WEBHOOK_TIMEOUT_SECONDS = 1
    celery_app.conf.task_always_eager = True

    def commit():
        return django_capture_on_commit_callbacks(execute=True)

    yield commit
    celery_app.conf.task_always_eager = False


def received(httpserver) -> list[tuple[Request, Response]]:
    return [(request, response) for request, response in httpserver.log]


def test_a_status_change_arrives_signed_and_the_reference_verifier_accepts_it(
    httpserver, eager, owner, make_mention
):
    endpoint, secret = webhooks.create_endpoint(
        httpserver.url_for("/hook"), [Type.CASE_STATUS, Type.CASE_RESOLVED]
    )
    httpserver.expect_request("/hook", method="POST").respond_with_data("thanks")
    case, _ = open_case(make_mention(rating=1))
    with eager():
        change_case(case.pk, case.version, owner, Change(status=Case.Status.RESOLVED))
    (first, _), (second, _) = received(httpserver)
    payloads = [Webhook(secret).verify(r.get_data(), dict(r.headers)) for r in (first, second)]
    assert [p["type"] for p in payloads] == ["case.status_changed", "case.resolved"]
    status = payloads[0]["data"]
    assert (status["old_status"], status["new_status"], status["by"]) == (
        "New",
        "Resolved",
        "alice@example.com",
    )
    assert status["mention"]["stars"] == "1★"
    assert status["case"]["url"].endswith(f"/cases/{case.pk}/")
    events = NotifyEvent.objects.filter(type=Type.CASE_STATUS)
    assert first.headers["webhook-id"] == events.get().msg_id
    with pytest.raises(Exception, match="No matching signature"):
        Webhook(webhooks.new_secret()).verify(first.get_data(), dict(first.headers))
    assert endpoint.deliveries.filter(state=WebhookDelivery.State.DELIVERED).count() == 2


def _failing_then_slow_then_healthy(httpserver) -> None:
    def slow(request: Request) -> Response:
        time.sleep(2)  # the endpoint gets 1 s
        return Response("too late")

    hook = "/hook"
    httpserver.expect_ordered_request(hook).respond_with_data("database down", status=500)
    httpserver.expect_ordered_request(hook).respond_with_handler(slow)
    httpserver.expect_ordered_request(hook).respond_with_data('{"ok": true}', status=200)


def test_retries_keep_the_webhook_id_and_the_log_shows_each_try(httpserver, eager, make_mention):
    _failing_then_slow_then_healthy(httpserver)
    endpoint, secret = webhooks.create_endpoint(
        httpserver.url_for("/hook"), [Type.MENTION_NEGATIVE]
    )
    with time_machine.travel(NOW, tick=False), eager():
        negative_mentions.send(sender=Mention, mentions=[make_mention(rating=2)])
    delivery = WebhookDelivery.objects.get()
    assert (delivery.state, delivery.attempts) == ("pending", 1)
    assert delivery.next_attempt_at == NOW + timedelta(seconds=5)
    with time_machine.travel(NOW + timedelta(seconds=4), tick=False):
        assert webhooks.attempt(delivery.pk) is None, "not due yet"
    with time_machine.travel(NOW + timedelta(seconds=5), tick=False):
        assert webhooks.attempt(delivery.pk).error == "Timed out after 1 s"
    with time_machine.travel(NOW + timedelta(minutes=6), tick=False):
        assert webhooks.attempt(delivery.pk).ok
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == ("delivered", 3)
    log = list(WebhookAttempt.objects.filter(delivery=delivery).order_by("at"))
    assert [(a.status_code, a.error, a.body_excerpt) for a in log] == [
        (500, "HTTP 500", "database down"),
        (None, "Timed out after 1 s", ""),
        (200, "", '{"ok": true}'),
    ]
    assert all(a.response_ms >= 0 for a in log) and log[1].response_ms >= 900
    requests = [request for request, _ in received(httpserver)]
    assert len({r.headers["webhook-id"] for r in requests}) == 1
    assert len({r.get_data() for r in requests}) == 1, "the same body on every retry"
    body = json.loads(requests[0].get_data())
    assert body["type"] == "mention.negative" and body["data"]["mention"]["stars"] == "2★"
    endpoint.refresh_from_db()
    assert (endpoint.consecutive_failures, endpoint.failing_since) == (0, None)


def test_one_delivery_id_per_event_under_retried_hooks_and_tasks(httpserver, eager, source):
    httpserver.expect_request("/hook").respond_with_data("ok")
    webhooks.create_endpoint(httpserver.url_for("/hook"), [Type.SOURCE_PAUSED])
    data = {"source": {"id": source.pk, "name": source.name}}
    with eager():
        event = record(Type.SOURCE_PAUSED, "source.paused:test", data)
        assert record(Type.SOURCE_PAUSED, "source.paused:test", data) is None
    fan_out_event.delay(event.pk)  # the task delivered twice by the broker
    delivery = WebhookDelivery.objects.get()
    deliver_webhook.delay(delivery.pk)
    with time_machine.travel(timezone_now() + timedelta(hours=30)):
        deliver_webhook.delay(delivery.pk)
    assert len(httpserver.log) == 1
    assert WebhookDelivery.objects.count() == 1 and NotifyEvent.objects.count() == 1


def timezone_now() -> datetime:
    return datetime.now(UTC)


def test_an_endpoint_failing_for_a_day_is_switched_off_and_the_owners_told_once(
    httpserver, eager, smtp_server, owner, staff, source
):
    httpserver.expect_request("/hook").respond_with_data("gone", status=503)
    endpoint, _ = webhooks.create_endpoint(httpserver.url_for("/hook"), [Type.SOURCE_PAUSED])
    at = NOW
    with time_machine.travel(at, tick=False), eager():
        record(Type.SOURCE_PAUSED, "source.paused:one", {"source": {"name": source.name}})
    for wait in webhooks.RETRY_AFTER:
        at += wait
        with time_machine.travel(at, tick=False), eager():
            webhooks.attempt(WebhookDelivery.objects.get().pk)
    assert at - NOW > timedelta(days=1) and len(httpserver.log) == webhooks.MAX_ATTEMPTS
    endpoint.refresh_from_db()
    assert not endpoint.active and "Every attempt failed for a day" in endpoint.disabled_reason
    assert WebhookDelivery.objects.get().state == "failed"
    [message] = smtp_server.messages
    assert message["To"] == "alice@example.com"
    assert smtp_server.subject(message).startswith("Webhook switched off: http://localhost")
    with time_machine.travel(at + timedelta(minutes=1), tick=False), eager():
        record(Type.SOURCE_PAUSED, "source.paused:two", {"source": {"name": source.name}})
    assert len(httpserver.log) == webhooks.MAX_ATTEMPTS, "nothing is sent to a switched-off URL"
    assert len(smtp_server.messages) == 1


def test_an_internal_address_is_refused_unless_the_setting_allows_it(
    httpserver, eager, settings, source
):
    httpserver.expect_request("/hook").respond_with_data("ok")
    webhooks.create_endpoint(httpserver.url_for("/hook"), [Type.SOURCE_PAUSED])
    settings.RW_ALLOW_PRIVATE_SOURCES = False
    with eager():
        record(Type.SOURCE_PAUSED, "source.paused:x", {"source": {"name": source.name}})
    [attempt] = WebhookAttempt.objects.all()
    assert attempt.status_code is None and attempt.error.startswith("Blocked:")
    assert "private or internal network address" in attempt.error
    assert httpserver.log == []


def test_the_beat_delivers_what_a_lost_task_left_behind(httpserver, eager, staff, source):
    httpserver.expect_request("/hook").respond_with_data("ok")
    httpserver.expect_request("/chat").respond_with_data("ok")
    webhooks.create_endpoint(httpserver.url_for("/hook"), [Type.SOURCE_PAUSED])
    encrypted, hint = prepared(f"json://{httpserver.host}:{httpserver.port}/chat")
    Channel.objects.create(
        name="#ops", url_encrypted=encrypted, url_hint=hint, event_types=[Type.SOURCE_PAUSED]
    )
    with time_machine.travel(NOW, tick=False):
        record(
            Type.SOURCE_PAUSED,
            "source.paused:lost",
            {"source": {"name": source.name, "reason": "410"}},
        )
    assert httpserver.log == [], "the commit that would queue the fan-out never came"
    with time_machine.travel(NOW + timedelta(minutes=3), tick=False):
        deliver_due_webhooks()
    assert [request.path for request, _ in httpserver.log] == ["/hook", "/chat"]
    with time_machine.travel(NOW + timedelta(hours=2), tick=False):
        deliver_due_webhooks()
    assert len(httpserver.log) == 2
