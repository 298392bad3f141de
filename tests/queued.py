"""Run the tasks a request queued on the test Redis, in this process, oldest first."""

from __future__ import annotations

import base64
import json

import redis
from django.conf import settings

from reviewwatch.celery import app


def run_queued_tasks() -> list[str]:
    """Take each message off the default queue and run its task; the names, in order."""
    broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    names = []
    while raw := broker.rpop("celery"):
        message = json.loads(raw)
        args, kwargs, _ = json.loads(base64.b64decode(message["body"]))
        name = message["headers"]["task"]
        app.tasks[name](*args, **kwargs)
        names.append(name)
    return names
