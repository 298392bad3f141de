"""Scheduling the spike check: once per transaction, however many negatives it announced.

A poll announces all its negative mentions in one transaction (a savepoint each); checking the
7-day rate for each of them inside that transaction was wasted work that held it open. Instead
the first announcement registers one on-commit hook that queues `check_negative_spike`; later
ones in the same transaction find it registered. A savepoint rolled back drops its hook with it
(Django discards on-commit hooks of rolled-back savepoints), so the next announcement registers
it again.
"""

from __future__ import annotations

from django.db import transaction

from responses.tasks import check_negative_spike
from reviewwatch.queue import enqueue


def _queue_spike_check() -> None:
    """Queued from a poll or from a page: a broker that is down is logged, never an error."""
    enqueue(check_negative_spike)


def check_spike_after_commit() -> None:
    connection = transaction.get_connection()
    # run_on_commit holds (savepoint ids, callable, robust) for the open transaction.
    if any(hook[1] is _queue_spike_check for hook in connection.run_on_commit):
        return
    transaction.on_commit(_queue_spike_check)
