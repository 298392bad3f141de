"""Run the tasks a request queued on the test Redis, in this process, oldest first."""

from __future__ import annotations

import base64
import json
from datetime import datetime

import redis
from django.conf import settings
from django.utils import timezone

from reviewwatch.celery import app


def run_queued_tasks() -> list[str]:
    """Take each message off the default queue and run its task; the names, in order. A task
    queued for later (an ETA, like the demo's next poll) stays queued until its time, as a
    worker would keep it."""
    broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    names, later = [], []
    while raw := broker.rpop("celery"):
        message = json.loads(raw)
        eta = message["headers"].get("eta")
        if eta and datetime.fromisoformat(eta) > timezone.now():
            later.append(raw)
            continue
        args, kwargs, _ = json.loads(base64.b64decode(message["body"]))
        name = message["headers"]["task"]
        app.tasks[name](*args, **kwargs)
        names.append(name)
    for raw in later:
        broker.lpush("celery", raw)
    return names
