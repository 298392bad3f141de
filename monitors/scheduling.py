"""When sources are polled: claim due sources atomically and keep hosts polite.

`claim_due_sources` runs in the beat's dispatch task. It locks due rows with
SELECT ... FOR UPDATE SKIP LOCKED, takes at most one source per host (a host and port, see
`host_key`) whose HostState lease is free and whose minimum gap has passed (a conditional
UPDATE on HostState), and moves each
claimed source's next poll time forward with ±10% jitter before the poll is even enqueued,
so two beats never hand out the same source. Celery's own rate_limit is per worker, which is
why the per-host limit lives here, in the database.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Greatest

from monitors.models import HostState, Source

HOST_LEASE = timedelta(minutes=3)  # longer than a poll's hard time limit
CLAIM_BATCH = 200
DISPATCH_PERIOD = timedelta(minutes=1)  # how often beat runs dispatch_due_sources
# A typical poll's duration: the gap counts from the end of one request to the next.
POLL_ALLOWANCE_SECONDS = 5.0


def host_gap() -> timedelta:
    return timedelta(seconds=settings.RW_HOST_MIN_GAP_SECONDS)


def claim_due_sources(now: datetime, limit: int = CLAIM_BATCH) -> list[tuple[int, float]]:
    """(source id, delay in seconds) for each source to poll in the next dispatch period, each
    already moved to its next poll time.

    Only hosts that are free now; sources of one host are spaced by the host's minimum gap plus
    a typical poll's duration, as many as fit in one dispatch period. The poll itself takes the
    host's lease, so a poll that finds its host still busy moves itself to when the host frees.
    """
    from monitors.polling import jittered

    claimed: list[tuple[int, float]] = []
    spacing = host_gap().total_seconds() + POLL_ALLOWANCE_SECONDS
    per_host = max(1, int(DISPATCH_PERIOD.total_seconds() // spacing))
    with transaction.atomic():
        due = list(
            Source.objects.select_for_update(skip_locked=True)
            .filter(enabled=True, next_poll_at__lte=now)
            .order_by("next_poll_at")[:limit]
        )
        hosts = {source.host for source in due}
        HostState.objects.bulk_create(
            [HostState(host=host, next_allowed_at=now) for host in hosts], ignore_conflicts=True
        )
        free = set(
            HostState.objects.filter(host__in=hosts, next_allowed_at__lte=now)
            .filter(Q(busy_until__isnull=True) | Q(busy_until__lt=now))
            .values_list("host", flat=True)
        )
        queued: dict[str, int] = {}
        for source in due:
            position = queued.get(source.host, 0)
            if source.host not in free or position >= per_host:
                continue
            queued[source.host] = position + 1
            source.next_poll_at = now + jittered(source.poll_interval)
            source.save(update_fields=["next_poll_at"])
            claimed.append((source.pk, position * spacing))
    return claimed


def claim_host(host: str, now: datetime) -> bool:
    """Take the host's lease if nobody holds it and its minimum gap has passed."""
    HostState.objects.bulk_create(
        [HostState(host=host, next_allowed_at=now)], ignore_conflicts=True
    )
    return bool(
        HostState.objects.filter(host=host, next_allowed_at__lte=now)
        .filter(Q(busy_until__isnull=True) | Q(busy_until__lt=now))
        .update(busy_until=now + HOST_LEASE)
    )


def host_free_at(host: str, now: datetime) -> datetime:
    """When the host's lease and minimum gap will next allow a request."""
    state = HostState.objects.filter(host=host).first()
    if state is None:
        return now
    busy = state.busy_until + host_gap() if state.busy_until and state.busy_until > now else now
    return max(state.next_allowed_at, busy)


def release_host(host: str, now: datetime, gap: timedelta | None = None) -> None:
    """Free the lease; the next request to this host waits at least the minimum gap (`gap`, if
    given: none for the demo's own documents, served by this app)."""
    gap = host_gap() if gap is None else gap
    HostState.objects.filter(host=host).update(
        busy_until=None, next_allowed_at=Greatest("next_allowed_at", now + gap)
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
