"""Beat's ticks, as the real django-celery-beat scheduler sends them to Redis."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest
import redis
from django.conf import settings
from django.utils import timezone
from django_celery_beat.schedulers import DatabaseScheduler

from reviewwatch.celery import app


@pytest.mark.django_db(transaction=True)  # the scheduler closes its database connection
def test_every_periodic_tick_expires_before_the_next_so_an_outage_piles_nothing_up():
    broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    broker.delete("celery")
    scheduler = DatabaseScheduler(app=app)
    sent_at = timezone.now()
    for name in settings.CELERY_BEAT_SCHEDULE:
        scheduler.apply_async(scheduler.schedule[name], advance=False)
    queued = [json.loads(raw)["headers"] for raw in broker.lrange("celery", 0, -1)]
    broker.delete("celery")

    expiry = {headers["task"]: headers["expires"] for headers in queued}
    assert len(expiry) == len(settings.CELERY_BEAT_SCHEDULE)
    for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
        expires = expiry[entry["task"]]
        assert expires is not None, f"{name} never expires"
        lifetime = datetime.fromisoformat(expires) - sent_at
        assert timedelta(0) < lifetime < timedelta(seconds=entry["schedule"]), name
