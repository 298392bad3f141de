"""Send a Celery task from a web request, and say so clearly when the broker is down.

A page that starts background work must not answer 500 because Redis is restarting: the
person gets a message naming what is down, and nothing they saved is lost.
"""

from __future__ import annotations

import logging

from celery import Task
from kombu.exceptions import KombuError

from reviewwatch.celery import app

log = logging.getLogger(__name__)
BROKER_DOWN = (
    "The background queue (REDIS_URL) is not answering, so this could not be started. "
    "Nothing was lost: try again in a minute, or ask whoever runs the server to check Redis."
)
# One quick retry, so a page does not hang for long when the broker is away.
RETRY_POLICY = {"max_retries": 1, "interval_start": 0.2, "interval_step": 0.5}


def enqueue(task: Task, *args, **options) -> bool:
    """True when the broker took the task; False (logged) when it could not be reached."""
    try:
        # A connection from the app's pool: opening one per task cost ~10 ms a poll.
        with app.pool.acquire(block=True) as connection:
            task.apply_async(args, connection=connection, retry_policy=RETRY_POLICY, **options)
    except (KombuError, OSError):
        log.warning("could not send %s%r: broker unreachable", task.name, args, exc_info=True)
        return False
    return True
