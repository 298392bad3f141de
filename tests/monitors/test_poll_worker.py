"""Real Celery worker processes on Redis poll into PostgreSQL; a killed worker loses nothing."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from datetime import timedelta

import pytest
from django.utils import timezone
from werkzeug import Response

from monitors.models import HostState, Mention, PollLog, Source
from monitors.tasks import dispatch_due_sources, poll_source
from tests.conftest import CeleryWorker
from tests.rss import Item, rss_feed

pytestmark = pytest.mark.worker
FEED = rss_feed([Item(str(i), f"Review {i}", f"The lamp number {i} is fine") for i in range(30)])


def wait_for(predicate, timeout: float = 90):
    """Poll `predicate` until it is truthy; the deadline is generous for a loaded CI machine."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if result := predicate():
            return result
        time.sleep(0.2)
    raise AssertionError("timed out")


def finished_polls(worker: CeleryWorker) -> int:
    """How many poll_source tasks the worker has finished (its log says so after each)."""
    return sum(
        "poll_source[" in line and "succeeded" in line for line in worker.output().splitlines()
    )


def drip(request):
    """The feed in two halves six seconds apart: long enough to kill a worker mid-poll."""

    def body():
        yield FEED[: len(FEED) // 2]
        time.sleep(6)
        yield FEED[len(FEED) // 2 :]

    return Response(body(), content_type="application/rss+xml")


def test_worker_runs_dispatch_and_poll_into_postgres(celery_worker_process, httpserver):
    httpserver.expect_request("/feed").respond_with_data(FEED, content_type="application/rss+xml")
    source = Source.objects.create(name="Feed", url=httpserver.url_for("/feed"))
    dispatch_due_sources.delay()
    wait_for(lambda: Mention.objects.filter(source=source).count() == 30)
    log = wait_for(lambda: PollLog.objects.filter(source=source, outcome="ok").first())
    assert log.new_count == 30
    source.refresh_from_db()
    assert source.next_poll_at > timezone.now() + timedelta(minutes=13)


def test_duplicated_poll_task_creates_nothing_new(celery_worker_process, httpserver):
    httpserver.expect_request("/feed").respond_with_data(FEED, content_type="application/rss+xml")
    source = Source.objects.create(name="Feed", url=httpserver.url_for("/feed"))
    for _ in range(3):
        poll_source.delay(source.pk)
    # All three copies have run, however slow the machine: only then is "nothing new" proven.
    wait_for(lambda: finished_polls(celery_worker_process) == 3)
    assert Mention.objects.filter(source=source).count() == 30
    assert PollLog.objects.filter(source=source, new_count__gt=0).count() == 1


def test_worker_killed_mid_poll_loses_and_duplicates_nothing(worker_env, tmp_path, httpserver):
    httpserver.expect_ordered_request("/feed").respond_with_handler(drip)
    httpserver.expect_request("/feed").respond_with_data(FEED, content_type="application/rss+xml")
    source = Source.objects.create(name="Feed", url=httpserver.url_for("/feed"))
    first = CeleryWorker(worker_env, tmp_path / "first.log")
    first.wait_ready()
    poll_source.delay(source.pk)
    wait_for(lambda: PollLog.objects.filter(source=source, outcome="running").exists())
    first.stop(signal.SIGKILL)
    assert Mention.objects.filter(source=source).count() == 0
    # The poll lock and host lease outlive the dead worker; once they expire, polls proceed.
    expired = timezone.now() - timedelta(seconds=1)
    Source.objects.filter(pk=source.pk).update(poll_lock_until=expired)
    HostState.objects.update(busy_until=expired)
    second = CeleryWorker(worker_env, tmp_path / "second.log")
    second.wait_ready()
    try:
        poll_source.delay(source.pk)
        poll_source.delay(source.pk)
        wait_for(lambda: PollLog.objects.filter(source=source, outcome="ok").exists())
    finally:
        second.stop()
    assert Mention.objects.filter(source=source).count() == 30
    assert PollLog.objects.filter(source=source, outcome="interrupted").count() == 1


def test_poll_killed_in_its_pool_process_is_polled_again_within_seconds(
    celery_worker_process, httpserver
):
    """kill -9 of the process running a poll: the worker hands the task back, and its second
    run takes over the poll lock and host lease the dead run left, instead of finding the source
    "busy" for three minutes."""
    httpserver.expect_ordered_request("/feed").respond_with_handler(drip)
    httpserver.expect_request("/feed").respond_with_data(FEED, content_type="application/rss+xml")
    source = Source.objects.create(name="Feed", url=httpserver.url_for("/feed"))
    poll_source.delay(source.pk)
    wait_for(lambda: PollLog.objects.filter(source=source, outcome="running").exists())
    pool = subprocess.run(
        ["pgrep", "-P", str(celery_worker_process.process.pid)], capture_output=True, text=True
    ).stdout.split()
    assert pool, "the worker's pool process"
    for pid in pool:
        os.kill(int(pid), signal.SIGKILL)
    wait_for(lambda: Mention.objects.filter(source=source).count() == 30, timeout=45)
    assert PollLog.objects.filter(source=source, outcome="interrupted").count() == 1
    source.refresh_from_db()
    assert source.poll_lock_until is None
    assert HostState.objects.get(host=source.host).busy_until is None


def test_a_poll_that_finds_its_host_within_the_gap_comes_back_when_the_host_frees(
    worker_env, tmp_path, httpserver
):
    """Two sources on one site polled at once: the second waits out the site's minimum gap in
    the queue and is polled seconds later, not left for the next dispatch a minute on."""
    httpserver.expect_request("/feed").respond_with_data(FEED, content_type="application/rss+xml")
    first = Source.objects.create(name="First", url=httpserver.url_for("/feed"))
    second = Source.objects.create(name="Second", url=httpserver.url_for("/feed?page=2"))
    worker = CeleryWorker({**worker_env, "RW_HOST_MIN_GAP_SECONDS": "3"}, tmp_path / "w.log")
    worker.wait_ready()
    try:
        poll_source.delay(first.pk)
        poll_source.delay(second.pk)
        wait_for(lambda: PollLog.objects.filter(outcome="ok").count() == 2, timeout=45)
    finally:
        worker.stop()
    first_log, second_log = PollLog.objects.order_by("started_at")
    assert (second_log.started_at - first_log.started_at).total_seconds() >= 3
    assert Mention.objects.filter(source=second).count() == 30
