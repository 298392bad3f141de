"""Send a Celery task from a web request, and say so clearly when the broker is down.

A page that starts background work must not answer 500 because Redis is restarting: the
person gets a message naming what is down, and nothing they saved is lost.
"""

from __future__ import annotations

import logging
import os

from celery import Task
from kombu.connection import ConnectionPool
from kombu.exceptions import KombuError

from reviewwatch.celery import app

log = logging.getLogger(__name__)
BROKER_DOWN = (
    "The background queue (REDIS_URL) is not answering, so this could not be started. "
    "Nothing was lost: try again in a minute, or ask whoever runs the server to check Redis."
)
# One quick retry, so a page does not hang for long when the broker is away.
RETRY_POLICY = {"max_retries": 1, "interval_start": 0.2, "interval_step": 0.5}
POOL_LIMIT = 10  # connections per process; a web process serves a few requests at once
ACQUIRE_TIMEOUT = 5  # seconds to wait for a free connection before saying the broker is down


_pools: dict[tuple[int, str], ConnectionPool] = {}


def _broker_connections() -> ConnectionPool:
    """Connections to the broker, kept open: opening one per task cost ~10 ms a poll.

    One pool per process (a forked worker must not share its parent's sockets) and per broker
    URL (the URL in effect is the one used, even when it changes, as tests do)."""
    key = (os.getpid(), app.conf.broker_url)
    if key not in _pools:
        _pools[key] = app.connection_for_write().Pool(limit=POOL_LIMIT)
    return _pools[key]


def enqueue(task: Task, *args, **options) -> bool:
    """True when the broker took the task; False (logged) when it could not be reached."""
    try:
        with _broker_connections().acquire(block=True, timeout=ACQUIRE_TIMEOUT) as connection:
            task.apply_async(args, connection=connection, retry_policy=RETRY_POLICY, **options)
    except (KombuError, OSError):  # LimitExceeded (no free connection) is a KombuError
        log.warning("could not send %s%r: broker unreachable", task.name, args, exc_info=True)
        return False
    return True
