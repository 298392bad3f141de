"""When sources are polled: claim due sources atomically and keep hosts polite.

`claim_due_sources` runs in the beat's dispatch task. In one statement it locks the sources
due within the next dispatch period with SELECT ... FOR UPDATE SKIP LOCKED, keeps those whose
host (a host and port, see `host_key`) is free of a lease and past its minimum gap, as many per
host as fit in one period, and moves each claimed source's next poll time forward with ±10%
jitter before the poll is even enqueued, so two beats never hand out the same source. Celery's
own rate_limit is per worker, which is why the per-host limit lives here, in the database.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.db.models.functions import Greatest

from monitors.models import HostState, Source

HOST_LEASE = timedelta(minutes=3)  # longer than a poll's hard time limit
# At most this many polls a dispatch (a minute): 10,000 sources every 15 minutes need 667.
CLAIM_BATCH = 2000
SCAN_FACTOR = 4  # due rows read per claimed one at most: room for those of busy hosts
DISPATCH_PERIOD = timedelta(minutes=1)  # how often beat runs dispatch_due_sources
# A typical poll's duration: the gap counts from the end of one request to the next.
POLL_ALLOWANCE_SECONDS = 5.0


def host_gap() -> timedelta:
    return timedelta(seconds=settings.RW_HOST_MIN_GAP_SECONDS)


# One statement claims a whole dispatch: lock due rows (SKIP LOCKED, so two beats never share
# one), keep those whose host is free now, rank them per host, keep as many per host as fit in
# one dispatch period, and move each one's next poll time forward with ±10% jitter. Rows of
# busy hosts are read but left due; the scan reads a few times the batch so they cannot crowd
# out the free hosts behind them.
CLAIM_SQL = """
WITH due AS (
    SELECT s.id, s.host, s.next_poll_at
    FROM monitors_source s
    WHERE s.enabled AND s.next_poll_at <= %(horizon)s
    ORDER BY s.next_poll_at
    LIMIT %(scan)s
    FOR UPDATE OF s SKIP LOCKED
), ranked AS (
    SELECT d.id, d.next_poll_at,
           row_number() OVER (PARTITION BY d.host ORDER BY d.next_poll_at, d.id) - 1 AS position
    FROM due d
    LEFT JOIN monitors_hoststate h ON h.host = d.host
    WHERE h.id IS NULL
       OR (h.next_allowed_at <= %(now)s AND (h.busy_until IS NULL OR h.busy_until < %(now)s))
), picked AS (
    SELECT id, next_poll_at, position FROM ranked
    WHERE position < %(per_host)s
    ORDER BY next_poll_at, id
    LIMIT %(limit)s
)
UPDATE monitors_source s
SET next_poll_at = %(now)s
    + make_interval(mins => s.poll_interval_minutes) * (0.9 + 0.2 * random())
FROM picked
WHERE s.id = picked.id
RETURNING s.id, picked.position,
    GREATEST(0, EXTRACT(EPOCH FROM picked.next_poll_at - %(now)s))::float
"""


def claim_due_sources(now: datetime, limit: int = CLAIM_BATCH) -> list[tuple[int, float]]:
    """(source id, delay in seconds) for each source to poll in the next dispatch period, each
    already moved to its next poll time, in one query however many it claims.

    Sources due within the next dispatch period are claimed now with a countdown to their due
    time, so a poll on time waits for no beat tick. Only hosts that are free now; sources of one
    host are spaced by the host's minimum gap plus a typical poll's duration, as many as fit in
    one dispatch period. The poll itself takes the host's lease, so a poll that finds its host
    still busy moves itself to when the host frees.
    """
    spacing = host_gap().total_seconds() + POLL_ALLOWANCE_SECONDS
    per_host = max(1, int(DISPATCH_PERIOD.total_seconds() // spacing))
    params = {
        "now": now,
        "horizon": now + DISPATCH_PERIOD,
        "scan": limit * SCAN_FACTOR,
        "per_host": per_host,
        "limit": limit,
    }
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(CLAIM_SQL, params)
        rows = cursor.fetchall()
    return sorted(
        ((pk, max(position * spacing, due_in)) for pk, position, due_in in rows),
        key=lambda claimed: claimed[1],
    )


def claim_host(host: str, now: datetime, holder: str = "") -> bool:
    """Take the host's lease if nobody holds it and its minimum gap has passed.

    A lease still held by `holder` (a poll task id) was left by that same task's earlier run,
    whose worker was killed: it is given up, as if that run had just ended, and tried again.
    """
    HostState.objects.bulk_create(
        [HostState(host=host, next_allowed_at=now)], ignore_conflicts=True
    )
    if _take_lease(host, now, holder):
        return True
    if not holder:
        return False
    release_host(host, now, holder=holder)
    return _take_lease(host, now, holder)


def _take_lease(host: str, now: datetime, holder: str) -> bool:
    return bool(
        HostState.objects.filter(host=host, next_allowed_at__lte=now)
        .filter(Q(busy_until__isnull=True) | Q(busy_until__lt=now))
        .update(busy_until=now + HOST_LEASE, lease_holder=holder)
    )


def host_free_at(host: str, now: datetime) -> datetime:
    """When the host's lease and minimum gap will next allow a request. A lease held now is
    expected back after a typical poll (its expiry is only the bound for a poll that died)."""
    state = HostState.objects.filter(host=host).first()
    if state is None:
        return now
    busy = now
    if state.busy_until and state.busy_until > now:
        expected_end = now + timedelta(seconds=POLL_ALLOWANCE_SECONDS)
        busy = min(state.busy_until, expected_end) + host_gap()
    return max(state.next_allowed_at, busy)


def release_host(
    host: str, now: datetime, gap: timedelta | None = None, *, holder: str | None = None
) -> None:
    """Free the lease (only if `holder` holds it, when given); the next request to this host
    waits at least the minimum gap (`gap`, if given: none for the demo's own documents, served
    by this app)."""
    gap = host_gap() if gap is None else gap
    leases = HostState.objects.filter(host=host)
    if holder is not None:
        leases = leases.filter(lease_holder=holder, busy_until__isnull=False)
    leases.update(
        busy_until=None, lease_holder="", next_allowed_at=Greatest("next_allowed_at", now + gap)
    )


def delay_host(host: str, until: datetime) -> None:
    """The site asked us to wait (Retry-After): hold back every source on that host and port."""
    HostState.objects.update_or_create(
        host=host, defaults={"next_allowed_at": until, "deferred_until": until}
    )
    Source.objects.filter(host=host, next_poll_at__lt=until).update(next_poll_at=until)


def deferred_until(host: str, now: datetime) -> datetime | None:
    """When the site lets us ask again, if it told us to wait; None otherwise."""
    return (
        HostState.objects.filter(host=host, deferred_until__gt=now)
        .values_list("deferred_until", flat=True)
        .first()
    )
