"""Keeps a prefork worker alive when the broker drops soon after one of its processes died.

When the broker connection comes back, Celery (5.7) registers every process of its pool with
the event loop again. A pool process that has exited and was already untracked (Celery sets its
`_sentinel_poll` to None) but is not yet replaced is registered with a file descriptor of None:
the event loop raises ValueError, the worker logs "Unrecoverable error" and exits, and nothing
is polled until someone restarts it. `make chaos` met it: a Redis restart seconds after a
`kill -9` of a pool process. An exited process has nothing to watch, so it is skipped; the
pool replaces it as it does any process that exits.

A Celery release that renames the method is left alone (nothing to correct there, or a
different bug): tests/foundation/test_worker_pool.py then fails, asking to look again.
"""

from __future__ import annotations

from celery.concurrency.asynpool import AsynPool

_track_child_process = getattr(AsynPool, "_track_child_process", None)


def _track_child_process_unless_exited(self: AsynPool, proc, hub) -> None:
    if getattr(proc, "_sentinel_poll", 0) is None:  # exited, and already untracked
        return
    _track_child_process(self, proc, hub)


def keep_workers_alive_across_reconnects() -> None:
    if _track_child_process is not None:
        AsynPool._track_child_process = _track_child_process_unless_exited
