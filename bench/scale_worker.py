"""A Celery worker (or beat) of ReviewWatch that also counts its SQL queries, for bench_scale.

`python bench/scale_worker.py worker --pool threads -c 8` is `celery -A reviewwatch worker ...`
plus this: every query a task makes adds to the Redis counter `bench:queries`, every finished
task to `bench:tasks:<task name>` (one INCRBY per task, on the broker's Redis).
"""

from __future__ import annotations

import os
import sys
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import redis  # noqa: E402
from celery.signals import task_postrun  # noqa: E402
from django.db.backends.signals import connection_created  # noqa: E402
from django.dispatch import receiver  # noqa: E402

from reviewwatch.celery import app  # noqa: E402

counts = threading.local()


def count_query(execute, sql, params, many, context):
    counts.queries = getattr(counts, "queries", 0) + 1
    return execute(sql, params, many, context)


@receiver(connection_created)
def wrap_connection(sender, connection, **kwargs) -> None:
    if count_query not in connection.execute_wrappers:
        connection.execute_wrappers.append(count_query)


@task_postrun.connect
def report_counts(sender=None, **kwargs) -> None:
    queries, counts.queries = getattr(counts, "queries", 0), 0
    if not hasattr(counts, "redis"):
        counts.redis = redis.Redis.from_url(os.environ["REDIS_URL"])
    counts.redis.incrby("bench:queries", queries)
    counts.redis.incr(f"bench:tasks:{sender.name}")


if __name__ == "__main__":
    app.start(sys.argv[1:])
