"""A worker survives its broker coming back right after one of its pool processes died.

`make chaos` found it: Redis restarted seconds after a `kill -9` of a pool process, and the
worker, registering its pool with the event loop again, met the dead process, raised
"Unrecoverable error: ValueError('file descriptor is None')" and exited, so nothing was polled
any more. These tests drive Celery's real prefork pool and event loop through those steps.
"""

from __future__ import annotations

import os
import signal
import time

import pytest
from celery.concurrency.asynpool import AsynPool
from kombu.asynchronous import Hub

import reviewwatch.celery  # noqa: F401 - what a worker imports: it keeps the pool alive


@pytest.fixture
def pool():
    pool = AsynPool(processes=2, threads=False, synack=False)  # as a prefork worker builds it
    yield pool
    pool.terminate()


def kill_and_wait(proc) -> None:
    os.kill(proc.pid, signal.SIGKILL)
    deadline = time.monotonic() + 10
    while proc._popen.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)


def test_a_reconnect_right_after_a_pool_process_died_does_not_stop_the_worker(pool):
    assert AsynPool._track_child_process.__module__ == "reviewwatch.worker_pool"
    hub = Hub()
    try:
        for proc in pool._pool:
            pool._track_child_process(proc, hub)
        dead, alive = pool._pool
        kill_and_wait(dead)
        pool._untrack_child_process(dead, hub)  # what the event loop does when it sees the exit
        # The broker comes back before the pool has replaced the dead process: every process
        # of the pool is registered again.
        for proc in pool._pool:
            pool._track_child_process(proc, hub)
        assert alive._sentinel_poll in hub.readers
        assert dead._sentinel_poll is None
    finally:
        hub.close()
