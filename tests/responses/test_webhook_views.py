"""The webhook pages as the owner (alice), staff (bob) and a stranger (logged out): the owner
adds an endpoint (its secret shown once), reads the delivery log, resends, switches it off and
on; staff and strangers reach none of it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from responses.models import NotifyEvent, WebhookAttempt, WebhookDelivery, WebhookEndpoint
from responses.notify import webhooks
from responses.notify.events import record
from reviewwatch.celery import app as celery_app

pytestmark = pytest.mark.django_db
Type = NotifyEvent.Type


@pytest.fixture
def eager(settings, django_capture_on_commit_callbacks):
    settings.RW_ALLOW_PRIVATE_SOURCES = True
    settings.RW_WEBHOOK_TIMEOUT_SECONDS = 2
    celery_app.conf.task_always_eager = True
    yield lambda: django_capture_on_commit_callbacks(execute=True)
    celery_app.conf.task_always_eager = False


def pages(endpoint: WebhookEndpoint, delivery_id: int = 1) -> list[tuple[str, str]]:
    args = [endpoint.pk]
    return [
        ("get", reverse("webhooks")),
        ("get", reverse("webhook", args=args)),
        ("post", reverse("webhook_resend", args=[endpoint.pk, delivery_id])),
        ("post", reverse("webhook_switch", args=args)),
        ("post", reverse("webhook_secret", args=args)),
        ("post", reverse("webhook_delete", args=args)),
    ]


def test_staff_are_refused_and_strangers_sent_to_log_in(client, staff):
    endpoint, _ = webhooks.create_endpoint("https://example.com/hook", [Type.CASE_OPENED])
    for method, url in pages(endpoint):
        assert getattr(client, method)(url).status_code == 302
    client.force_login(staff)
    for method, url in pages(endpoint):
        assert getattr(client, method)(url).status_code == 403
    assert WebhookEndpoint.objects.get().active


def test_owner_adds_an_endpoint_and_sees_its_secret_once(client, owner, eager):
    client.force_login(owner)
    response = client.post(
        reverse("webhooks"),
        {
            "url": "http://127.0.0.1:9/hook",
            "description": "CRM",
            "event_types": ["case.opened", "reply.posted"],
        },
    )
    endpoint = WebhookEndpoint.objects.get()
    assert response["Location"] == reverse("webhook", args=[endpoint.pk])
    assert endpoint.event_types == ["case.opened", "reply.posted"]
    secret = webhooks.secret_of(endpoint)
    assert secret.startswith("whsec_") and secret not in endpoint.secret_encrypted
    assert secret in client.get(response["Location"]).content.decode()
    assert secret not in client.get(response["Location"]).content.decode(), "shown once"
    client.post(reverse("webhook_secret", args=[endpoint.pk]))
    assert webhooks.secret_of(WebhookEndpoint.objects.get()) != secret


def test_an_internal_address_is_refused_in_the_form_without_the_setting(client, owner, settings):
    settings.RW_ALLOW_PRIVATE_SOURCES = False
    client.force_login(owner)
    response = client.post(
        reverse("webhooks"), {"url": "http://127.0.0.1/hook", "event_types": ["case.opened"]}
    )
    assert "private or internal network address" in response.content.decode()
    assert not WebhookEndpoint.objects.exists()


def test_the_log_shows_each_try_and_resend_tries_again(client, owner, eager, httpserver, source):
    httpserver.expect_ordered_request("/hook").respond_with_data("nope", status=500)
    httpserver.expect_ordered_request("/hook").respond_with_data("accepted", status=202)
    endpoint, _ = webhooks.create_endpoint(httpserver.url_for("/hook"), [Type.SOURCE_PAUSED])
    with eager():
        event = record(Type.SOURCE_PAUSED, "source.paused:1", {"source": {"name": source.name}})
    delivery = WebhookDelivery.objects.get()
    client.force_login(owner)
    page = client.get(reverse("webhook", args=[endpoint.pk])).content.decode()
    assert event.msg_id in page and "HTTP 500" in page and "nope" in page
    with eager():
        client.post(reverse("webhook_resend", args=[endpoint.pk, delivery.pk]))
    delivery.refresh_from_db()
    assert delivery.state == "delivered"
    assert list(WebhookAttempt.objects.order_by("at").values_list("status_code", "by_hand")) == [
        (500, False),
        (202, True),
    ]
    page = client.get(reverse("webhook", args=[endpoint.pk])).content.decode()
    assert "HTTP 202" in page and "resent" in page


def test_owner_switches_an_endpoint_off_and_on(client, owner):
    endpoint, _ = webhooks.create_endpoint("https://example.com/hook", [Type.CASE_OPENED])
    client.force_login(owner)
    client.post(reverse("webhook_switch", args=[endpoint.pk]), {"active": "0"})
    endpoint.refresh_from_db()
    assert not endpoint.active
    assert (
        "Switched off by an owner."
        in client.get(reverse("webhook", args=[endpoint.pk])).content.decode()
    )
    client.post(reverse("webhook_switch", args=[endpoint.pk]), {"active": "1"})
    assert WebhookEndpoint.objects.get().active
    client.post(reverse("webhook_delete", args=[endpoint.pk]))
    assert not WebhookEndpoint.objects.exists()
