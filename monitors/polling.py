"""Poll one source: fetch politely, parse, ingest, and always store when to poll next.

Every exit path (success, 304, unchanged body, HTTP error, parse error, robots.txt refusal)
records a PollLog row and the source's next poll time. Failures back off exponentially with
jitter up to 24 hours; 429/503 with Retry-After delay every source on that host without
counting as a failure; a 410 or 10 failures in a row pause the source with the reason.
"""

from __future__ import annotations

import logging
import random
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from monitors import scheduling
from monitors.credentials import CredentialsUnreadable
from monitors.fetch import USER_AGENT, FetchError, FetchResult, fetch
from monitors.ingest import IngestCounts, ingest
from monitors.models import Connection, PollLog, RatingSnapshot, Source
from monitors.netguard import AddressPolicy, IPAddress
from monitors.parsers import parser_for
from monitors.parsers.base import AggregateRatingRecord, ParseError, ParseResult, ReviewRecord
from monitors.platforms import client_for
from monitors.platforms.base import PlatformError
from monitors.robots import RobotsCache
from monitors.signals import source_paused
from monitors.storable import storable_text

logger = logging.getLogger(__name__)
MAX_BACKOFF = timedelta(hours=24)
PAUSE_AFTER_FAILURES = 10
POLL_LOCK = timedelta(minutes=3)  # longer than the task's hard time limit
DEFAULT_RETRY_AFTER = 300.0
NETWORK_ERROR_KINDS = frozenset({"timeout", "connection"})
POLL_STATE_FIELDS = [
    "next_poll_at",
    "etag",
    "last_modified",
    "content_hash",
    "last_status",
    "last_polled_at",
    "last_success_at",
    "consecutive_failures",
    "last_error",
    "poll_lock_until",
    "poll_lock_holder",
    "platform_cursor",
]


class RobotsDisallowed(Exception):
    pass


@dataclass
class Outcome:
    # ok | not_modified | unchanged | deferred | retry | failed | paused | busy | host_busy | gone
    status: str
    log: PollLog | None = None
    counts: IngestCounts | None = None
    free_at: datetime | None = None  # host_busy: when the host may be asked again
    # host_busy: whether the source's next poll time was moved to `free_at` (else the caller
    # said it would come back by then itself).
    rescheduled: bool = False


def is_this_machine(ip: IPAddress) -> bool:
    return ip.is_loopback


def address_policy(source: Source | None = None) -> AddressPolicy:
    """Which addresses a fetch for this source may reach: public ones; any with
    RW_ALLOW_PRIVATE_SOURCES (tests); this machine's own for the demo's sources, which read the
    documents this app serves (so `manage.py poll` works for them from any shell)."""
    if settings.RW_ALLOW_PRIVATE_SOURCES:
        return True
    return is_this_machine if source is not None and source.is_demo else False


def fetch_url(url: str, source: Source | None = None) -> FetchResult:
    return fetch(
        url,
        etag=source.etag if source else "",
        last_modified=source.last_modified if source else "",
        allow_private=address_policy(source),
    )


def _robots_text(robots_url: str, policy: AddressPolicy) -> str | None:
    try:
        return fetch(robots_url, allow_private=policy).body.decode("utf-8", "replace")
    except FetchError as error:
        if error.status is not None and 400 <= error.status < 500:
            return None  # no robots.txt: everything is allowed (RFC 9309)
        raise


ROBOTS = RobotsCache(lambda robots_url: _robots_text(robots_url, address_policy()))


def check_robots(url: str, source: Source | None = None) -> None:
    """Whether the site's robots.txt lets us read `url` (cached per site), fetched with the
    reach of the source it is for."""
    policy = address_policy(source)
    if not ROBOTS.allowed(url, USER_AGENT, lambda robots_url: _robots_text(robots_url, policy)):
        raise RobotsDisallowed("robots.txt of this site asks robots not to read this page.")


def parse_body(kind: str, result: FetchResult) -> ParseResult:
    return parser_for(kind)(result.body, result.headers, result.final_url)


def jittered(interval: timedelta, spread: float = 0.1) -> timedelta:
    return interval * random.uniform(1 - spread, 1 + spread)


def backoff(source: Source, failures: int) -> timedelta:
    """Poll interval doubled per failure in a row, full jitter in its upper half, 24 h at most."""
    base = min(MAX_BACKOFF, source.poll_interval * 2 ** max(0, failures - 1))
    return base * random.uniform(0.5, 1.0)


def acquire_poll_lock(source_id: int, now: datetime, holder: str = "") -> bool:
    """One poll of a source at a time, whatever the number of workers or duplicated tasks.

    `holder` is the poll task's id. A lock it already holds was left by this same task's
    earlier run: Celery delivers a task again only when the worker running it died
    (`reject_on_worker_lost`; its visibility timeout, an hour, is far past the poll's hard time
    limit), so the new run takes the lock over instead of waiting three minutes.
    """
    free = Q(poll_lock_until__isnull=True) | Q(poll_lock_until__lt=now)
    if holder:
        free |= Q(poll_lock_holder=holder)
    return bool(
        Source.objects.filter(pk=source_id)
        .filter(free)
        .update(poll_lock_until=now + POLL_LOCK, poll_lock_holder=holder)
    )


def poll_source_now(
    source_id: int,
    *,
    retry_in: float | None = None,
    holder: str = "",
    comes_back_within: timedelta = timedelta(0),
) -> Outcome:
    """Poll synchronously. With `retry_in` (seconds), a network error returns "retry" instead
    of counting as a failure, and the next poll time leaves room for that retry. `holder`, the
    poll task's id, lets that task's second delivery take over what a killed run left held.

    Holds the source's poll lock and its host's lease for the whole poll: a host that is busy
    (or within its minimum gap) returns "host_busy" with when it frees. A caller that comes
    back by then itself (a host freeing within `comes_back_within`) keeps the source's next poll
    time; otherwise it is moved to when the host frees, for the next dispatch.
    """
    now = timezone.now()
    if not Source.objects.filter(pk=source_id).exists():
        return Outcome("gone")
    if not acquire_poll_lock(source_id, now, holder):
        return Outcome("busy")
    source = Source.objects.get(pk=source_id)
    if not scheduling.claim_host(source.host, now, holder):
        free_at = scheduling.host_free_at(source.host, now)
        rescheduled = free_at - now > comes_back_within
        Source.objects.filter(pk=source_id).update(
            poll_lock_until=None,
            poll_lock_holder="",
            **({"next_poll_at": free_at} if rescheduled else {}),
        )
        return Outcome("host_busy", free_at=free_at, rescheduled=rescheduled)
    try:
        outcome = _poll_logged(source, now, retry_in)
    finally:
        gap = timedelta(0) if source.is_demo else None  # the demo asks this app, not a site
        scheduling.release_host(source.host, timezone.now(), gap)
    if outcome.status == "paused":
        source_paused.send(sender=Source, source=source, reason=source.paused_reason)
    return outcome


def _poll_logged(source: Source, now: datetime, retry_in: float | None) -> Outcome:
    PollLog.objects.filter(source=source, outcome="running").update(
        outcome="interrupted", error="The worker stopped during this poll; nothing was lost."
    )
    log = PollLog.objects.create(source=source, started_at=now)
    started = time.monotonic()
    try:
        outcome = _poll(source, log, now, retry_in)
    except Exception as error:  # a bug must not leave the source unscheduled
        logger.exception("poll of source %s failed unexpectedly", source.pk)
        outcome = _failed(source, log, now, f"Unexpected error ({type(error).__name__}): {error}")
    finally:
        log.duration_ms = int((time.monotonic() - started) * 1000)
        log.save()
        source.poll_lock_until, source.poll_lock_holder = None, ""
        source.last_polled_at = now
        # Only the poll's own fields: an owner editing the source meanwhile keeps their change.
        paused = ["enabled", "paused_reason"] if log.outcome == "paused" else []
        source.save(update_fields=POLL_STATE_FIELDS + paused)
    return outcome


def _poll(source: Source, log: PollLog, now: datetime, retry_in: float | None) -> Outcome:
    if source.is_platform:
        return _poll_platform(source, log, now, retry_in)
    try:
        if source.kind == Source.Kind.REVIEW_PAGE:
            check_robots(source.url, source)
        result = fetch_url(source.url, source)
    except RobotsDisallowed as error:
        return _pause(source, log, str(error))
    except FetchError as error:
        return _fetch_failed(source, log, error, now, retry_in)
    log.http_status, log.bytes = result.status, len(result.body)
    source.last_status = result.status
    source.etag, source.last_modified = result.etag, result.last_modified
    if result.not_modified:
        return _succeeded(source, log, now, "not_modified")
    if result.content_hash == source.content_hash:
        return _succeeded(source, log, now, "unchanged")
    try:
        parsed = parse_body(source.kind, result)
    except ParseError as error:
        outcome = _failed(source, log, now, f"The page could not be read: {error}")
        if error.detail:  # the parser's own words, for whoever reads the poll log
            log.error = storable_text(f"{log.error} Technical detail: {error.detail}")[:1000]
        return outcome
    source.content_hash = result.content_hash
    return _ingested(source, log, now, parsed.records, parsed.warnings, parsed.aggregate)


def _ingested(
    source: Source,
    log: PollLog,
    now: datetime,
    records: list[ReviewRecord],
    warnings: list[str],
    aggregate: AggregateRatingRecord | None,
) -> Outcome:
    counts = ingest(source, records, log, now)
    log.new_count, log.updated_count = counts.new, counts.updated
    log.unchanged_count = counts.unchanged + counts.tombstoned
    if warnings:
        log.error = storable_text("; ".join(warnings))[:1000]
    if aggregate:
        record_rating_snapshot(source, aggregate.rating, aggregate.count, now)
    return _succeeded(source, log, now, "ok", counts)


def _poll_platform(source: Source, log: PollLog, now: datetime, retry_in: float | None) -> Outcome:
    """Read a platform's API through its client: the same outcomes as a fetched document."""
    try:
        batch = client_for(source.connection).read_reviews(
            source.platform_target, source.platform_cursor
        )
    except CredentialsUnreadable as error:
        return _connection_stopped(source, log, str(error))
    except PlatformError as error:
        log.http_status = source.last_status = error.status
        return _platform_failed(source, log, error, now, retry_in)
    log.http_status = source.last_status = 200
    if batch.cursor and (source.platform_cursor is None or batch.cursor > source.platform_cursor):
        source.platform_cursor = batch.cursor
    Connection.objects.filter(pk=source.connection_id).exclude(status=Connection.Status.OK).update(
        status=Connection.Status.OK, status_message="", checked_at=now
    )
    return _ingested(source, log, now, batch.records, batch.warnings, batch.aggregate)


def _platform_failed(
    source: Source, log: PollLog, error: PlatformError, now: datetime, retry_in: float | None
) -> Outcome:
    if error.stops_the_connection:
        return _connection_stopped(source, log, error.message)
    if error.kind == "quota":
        until = error.retry_at or now + timedelta(seconds=DEFAULT_RETRY_AFTER)
        return _defer(
            source,
            log,
            now,
            until,
            f"{error.message} Waiting until {until:%Y-%m-%d %H:%M} UTC as the platform asked.",
        )
    if error.kind == "not_found":
        return _pause(
            source, log, f"{error.message} Check the {source.get_kind_display()} source's settings."
        )
    if retry_in is not None and error.kind == "transient":
        source.next_poll_at = now + timedelta(seconds=retry_in) + POLL_LOCK
        log.outcome, log.error = "retry", error.message[:1000]
        return Outcome("retry", log)
    return _failed(source, log, now, error.message)


def _connection_stopped(source: Source, log: PollLog, message: str) -> Outcome:
    """Nothing will work until the owner acts: the connection and every source reading through
    it pause at once (this one's pause alerts the owners)."""
    reason = f"{source.connection.name}: {message} Open Sources → Connections to reconnect."
    Connection.objects.filter(pk=source.connection_id).update(
        status=Connection.Status.BROKEN, status_message=message[:1000], checked_at=timezone.now()
    )
    Source.objects.filter(connection_id=source.connection_id, enabled=True).exclude(
        pk=source.pk
    ).update(enabled=False, paused_reason=reason[:500], last_error=reason[:1000])
    return _pause(source, log, reason)


def record_rating_snapshot(source: Source, rating, count: int | None, now: datetime) -> None:
    """Keep a snapshot when the page's average or count moved since the last one."""
    last = source.rating_snapshots.first()
    if last is None or last.rating != rating or last.count != count:
        RatingSnapshot.objects.create(source=source, taken_at=now, rating=rating, count=count)


def _succeeded(
    source: Source, log: PollLog, now: datetime, status: str, counts: IngestCounts | None = None
) -> Outcome:
    log.outcome = status
    source.last_success_at = now
    source.consecutive_failures = 0
    source.last_error = ""
    source.next_poll_at = now + jittered(source.poll_interval)
    return Outcome(status, log, counts)


def _fetch_failed(
    source: Source, log: PollLog, error: FetchError, now: datetime, retry_in: float | None
) -> Outcome:
    log.http_status = error.status
    source.last_status = error.status
    if error.status == 429 or (error.status == 503 and error.retry_after is not None):
        delay = error.retry_after if error.retry_after is not None else DEFAULT_RETRY_AFTER
        until = now + timedelta(seconds=delay)
        message = f"{error.message} Waiting until {until:%Y-%m-%d %H:%M} UTC as the site asked."
        return _defer(source, log, now, until, message)
    if error.status == 410:
        return _pause(source, log, f"{error.message} The site says this page is gone for good.")
    if retry_in is not None and error.kind in NETWORK_ERROR_KINDS:
        source.next_poll_at = now + timedelta(seconds=retry_in) + POLL_LOCK
        log.outcome, log.error = "retry", error.message[:1000]
        return Outcome("retry", log)
    return _failed(source, log, now, error.message)


def _defer(source: Source, log: PollLog, now: datetime, until: datetime, message: str) -> Outcome:
    """The site asked us to wait: every source on its host waits, and it is no failure."""
    scheduling.delay_host(source.host, until)
    source.next_poll_at = max(until, now + jittered(source.poll_interval))
    source.last_error = message[:1000]
    log.outcome, log.error = "deferred", source.last_error
    return Outcome("deferred", log)


def _failed(source: Source, log: PollLog, now: datetime, message: str) -> Outcome:
    message = storable_text(message)  # it may quote the document
    source.consecutive_failures += 1
    source.last_error = message[:1000]
    log.outcome, log.error = "failed", message[:1000]
    if source.consecutive_failures >= PAUSE_AFTER_FAILURES:
        return _pause(
            source, log, f"Paused after {source.consecutive_failures} failed polls: {message}"
        )
    source.next_poll_at = now + backoff(source, source.consecutive_failures)
    return Outcome("failed", log)


def _pause(source: Source, log: PollLog, reason: str) -> Outcome:
    source.enabled = False
    source.paused_reason = reason[:500]
    source.last_error = reason[:1000]
    source.next_poll_at = timezone.now() + MAX_BACKOFF
    log.outcome, log.error = "paused", reason[:1000]
    return Outcome("paused", log)
