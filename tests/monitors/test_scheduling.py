"""The dispatcher claims each due source once, one per host at a time, with a gap per host."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from monitors.models import HostState, Source
from monitors.scheduling import claim_due_sources, claim_host, release_host


def make(name: str, host: str, **fields) -> Source:
    return Source.objects.create(
        name=name, url=f"https://{host}/{name}", next_poll_at=timezone.now(), **fields
    )


@pytest.mark.django_db
def test_claim_moves_next_poll_forward_with_jitter_and_takes_one_source_per_host(settings):
    settings.RW_HOST_MIN_GAP_SECONDS = 30
    a1, a2, b = make("a1", "a.example"), make("a2", "a.example"), make("b", "b.example")
    make("off", "c.example", enabled=False)
    now = timezone.now()
    claimed = claim_due_sources(now)
    assert len(claimed) == 2 and b.pk in claimed and (a1.pk in claimed) != (a2.pk in claimed)
    for source in Source.objects.filter(pk__in=claimed):
        assert timedelta(minutes=13.4) < source.next_poll_at - now < timedelta(minutes=16.6)
    assert claim_host("a.example", now)  # the poll of a.example holds the host's lease
    assert claim_due_sources(now) == []  # so its other source waits; nothing else is due
    release_host("a.example", now)
    assert claim_due_sources(now + timedelta(seconds=10)) == []  # the minimum gap holds
    second = claim_due_sources(now + timedelta(seconds=31))
    assert second == [a2.pk if a1.pk in claimed else a1.pk]


@pytest.mark.django_db
def test_host_delayed_by_retry_after_is_not_claimed_until_then():
    source = make("a", "slow.example")
    HostState.objects.create(
        host="slow.example", next_allowed_at=timezone.now() + timedelta(hours=1)
    )
    assert claim_due_sources(timezone.now()) == []
    assert claim_due_sources(timezone.now() + timedelta(hours=1, seconds=1)) == [source.pk]


@pytest.mark.django_db(transaction=True)
def test_two_dispatchers_at_once_never_claim_the_same_source():
    if connection.vendor != "postgresql":
        pytest.skip("SKIP LOCKED needs PostgreSQL")
    for i in range(40):
        make(f"s{i}", f"h{i}.example")
    results: list[list[int]] = []
    barrier = threading.Barrier(2)

    def dispatch() -> None:
        from django.db import connections

        barrier.wait()
        try:
            results.append(claim_due_sources(timezone.now()))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=dispatch) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    first, second = results
    assert not set(first) & set(second)
    assert len(first) + len(second) == 40
