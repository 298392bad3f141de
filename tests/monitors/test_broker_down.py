"""A dead broker (Redis) gives a clear message on pages that start background work, not a 500,
and leaves nothing half-started."""

from __future__ import annotations

import pytest
from django.urls import reverse

from monitors.models import ReclassifyJob, Source
from reviewwatch.celery import app as celery_app


@pytest.fixture
def dead_broker(monkeypatch):
    monkeypatch.setattr(celery_app.conf, "broker_url", "redis://127.0.0.1:1/0")


def test_poll_now_with_the_broker_down_says_so_and_changes_nothing(owner_client, dead_broker):
    source = Source.objects.create(name="Feed", url="https://feeds.example/a")
    response = owner_client.post(reverse("source_poll_now", args=[source.pk]), follow=True)
    assert response.status_code == 200
    assert (
        "REDIS_URL" in response.content.decode() and "Nothing was lost" in response.content.decode()
    )


def test_reclassify_with_the_broker_down_leaves_no_stuck_job(owner_client, dead_broker):
    response = owner_client.post(reverse("reclassify_start"), follow=True)
    assert response.status_code == 200 and "is not answering" in response.content.decode()
    assert not ReclassifyJob.objects.exists()
