"""Celery entry points for monitors. Tasks take IDs, are idempotent and exit if the row is gone."""

from __future__ import annotations

import logging
import random
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from monitors import connections, local_model, scheduling
from monitors.demo import demo_started_at, next_poll_after
from monitors.models import PollLog, Source
from monitors.polling import poll_source_now
from monitors.reclassify import reclassify_chunk

log = logging.getLogger(__name__)
MAX_TRIES = 5
# A poll whose host is busy, or within its minimum gap, for at most this long queues itself for
# when the host frees, instead of waiting for the dispatch after that (up to a minute more).
WAIT_FOR_HOST = timedelta(minutes=2)
# The demo's first poll may come before this app's web server answers: try again this soon.
DEMO_RETRY_SECONDS = 3
DEMO_MAX_RETRIES = 40


@shared_task(name="monitors.tasks.dispatch_due_sources", ignore_result=True)
def dispatch_due_sources() -> int:
    """Beat runs this every minute: claim due sources and enqueue one poll for each."""
    claimed = scheduling.claim_due_sources(timezone.now())
    for source_id, delay in claimed:
        transaction.on_commit(
            lambda sid=source_id, wait=delay: poll_source.apply_async((sid,), countdown=wait)
        )
    if claimed:
        log.info("dispatched %d source polls", len(claimed))
    return len(claimed)


@shared_task(
    bind=True,
    name="monitors.tasks.poll_source",
    ignore_result=True,
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=60,
    time_limit=90,
    max_retries=MAX_TRIES - 1,
)
def poll_source(self, source_id: int) -> str:
    """Poll one source; network errors retry with exponential backoff and jitter."""
    countdown = min(600, 30 * 2**self.request.retries) * random.uniform(0.5, 1.5)
    may_retry = self.request.retries < self.max_retries
    outcome = poll_source_now(
        source_id,
        retry_in=countdown if may_retry else None,
        holder=self.request.id or "",
        comes_back_within=WAIT_FOR_HOST,
    )
    if outcome.status == "retry":
        raise self.retry(countdown=countdown)
    if outcome.status == "host_busy" and not outcome.rescheduled:
        wait = (outcome.free_at - timezone.now()).total_seconds() + random.uniform(0, 1)
        poll_source.apply_async((source_id,), countdown=max(0.0, wait))
    return outcome.status


@shared_task(name="monitors.tasks.reclassify_mentions", ignore_result=True, acks_late=True)
def reclassify_mentions(job_id: int) -> None:
    """Classify one chunk of mentions again with the owner's current rules, then queue the next."""
    if reclassify_chunk(job_id):
        reclassify_mentions.delay(job_id)


@shared_task(name="monitors.tasks.train_local_model", ignore_result=True, soft_time_limit=110)
def train_local_model() -> None:
    """Beat runs this daily (and the owner's "Fit again now"): fit and judge the local
    adjustment from this business's rated reviews and corrections."""
    local_model.train_local()


@shared_task(name="monitors.tasks.prune_poll_logs", ignore_result=True)
def prune_poll_logs() -> int:
    """Beat runs this daily: poll logs older than RW_POLL_LOG_DAYS go (the page shows 50)."""
    cutoff = timezone.now() - timedelta(days=settings.RW_POLL_LOG_DAYS)
    deleted, _ = PollLog.objects.filter(started_at__lt=cutoff).delete()
    return deleted


@shared_task(name="monitors.tasks.test_connection", ignore_result=True, soft_time_limit=60)
def test_connection(connection_id: int, target: str) -> None:
    """ "Test connection" runs here: only the worker opens a connection's credentials."""
    connections.test_connection(connection_id, target)


@shared_task(name="monitors.tasks.finish_sign_in", ignore_result=True, soft_time_limit=60)
def finish_sign_in(connection_id: int, code: str, redirect_uri: str) -> None:
    """The end of a platform sign-in: the code is traded for tokens here, not in the web."""
    connections.finish_sign_in(connection_id, code, redirect_uri)


@shared_task(
    bind=True, name="monitors.tasks.play_demo", ignore_result=True, max_retries=DEMO_MAX_RETRIES
)
def play_demo(self) -> list[str]:
    """Poll every demo source now, then again just after the demo's next change, so a new user
    sees its story unfold (the 1★ review, then its edit to 5★) without waiting for the regular
    schedule. `load_demo` queues it; while this app's web server is still starting, it tries
    again within seconds."""
    started = demo_started_at()
    if started is None:
        return []
    demo = Source.objects.filter(is_demo=True, enabled=True).order_by("pk")
    outcomes = [
        poll_source_now(pk, retry_in=DEMO_RETRY_SECONDS).status
        for pk in demo.values_list("pk", flat=True)
    ]
    if "retry" in outcomes and self.request.retries < self.max_retries:
        raise self.retry(countdown=DEMO_RETRY_SECONDS)
    upcoming = next_poll_after(started, timezone.now())
    if upcoming is not None:
        play_demo.apply_async(eta=upcoming)
    return outcomes
