"""The dispatcher claims each due source once, spaces a host's polls by its gap, and skips a
host that is busy or was asked to wait."""

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
def test_claim_moves_next_poll_forward_with_jitter_and_spaces_one_hosts_polls_by_the_gap(
    settings,
):
    settings.RW_HOST_MIN_GAP_SECONDS = 25
    a1, a2, a3 = (make(f"a{i}", "a.example") for i in (1, 2, 3))
    b = make("b", "b.example")
    make("off", "c.example", enabled=False)
    now = timezone.now()
    claimed = dict(claim_due_sources(now))
    # One dispatch period (60 s) holds two polls of a.example 30 s apart (the 25 s gap plus
    # time for the poll itself); the third waits.
    assert sorted(claimed.values()) == [0, 0, 30] and claimed[b.pk] == 0
    assert {a1.pk, a2.pk, a3.pk} - set(claimed) == {a3.pk}
    for source in Source.objects.filter(pk__in=claimed):
        assert timedelta(minutes=13.4) < source.next_poll_at - now < timedelta(minutes=16.6)
    assert claim_host("a.example", now)  # a poll of a.example holds the host's lease
    assert claim_due_sources(now) == []  # so a3 waits; nothing else is due
    release_host("a.example", now)
    assert claim_due_sources(now + timedelta(seconds=10)) == []  # the minimum gap holds
    assert claim_due_sources(now + timedelta(seconds=26)) == [(a3.pk, 0)]


@pytest.mark.django_db
def test_host_delayed_by_retry_after_is_not_claimed_until_then():
    source = make("a", "slow.example")
    HostState.objects.create(
        host="slow.example", next_allowed_at=timezone.now() + timedelta(hours=1)
    )
    assert claim_due_sources(timezone.now()) == []
    assert claim_due_sources(timezone.now() + timedelta(hours=1, seconds=1)) == [(source.pk, 0)]


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
    first, second = ({pk for pk, _ in claimed} for claimed in results)
    assert not first & second
    assert len(first) + len(second) == 40


@pytest.mark.django_db
def test_claiming_a_thousand_due_sources_takes_as_many_queries_as_claiming_ten():
    from django.test.utils import CaptureQueriesContext

    def queries_to_claim(count: int, prefix: str) -> int:
        Source.objects.bulk_create(
            Source(
                name=f"{prefix}{i}",
                url=f"https://{prefix}{i}.example/feed",
                host=f"{prefix}{i}.example",
                next_poll_at=timezone.now(),
            )
            for i in range(count)
        )
        with CaptureQueriesContext(connection) as queries:
            assert len(claim_due_sources(timezone.now())) == count
        return len(queries)

    assert queries_to_claim(10, "small") == queries_to_claim(1000, "large")


@pytest.mark.django_db
def test_a_batch_claim_keeps_each_hosts_polls_apart_by_its_gap_whatever_the_batch_size(settings):
    settings.RW_HOST_MIN_GAP_SECONDS = 10
    for host in range(50):
        for i in range(6):
            make(f"s{host}-{i}", f"h{host}.example")
    claimed = claim_due_sources(timezone.now())
    by_host: dict[str, list[float]] = {}
    for source in Source.objects.filter(pk__in=[pk for pk, _ in claimed]):
        by_host.setdefault(source.host, []).append(dict(claimed)[source.pk])
    # 60 s hold four polls of a host 15 s apart (the 10 s gap plus time for the poll itself).
    assert len(by_host) == 50
    assert all(sorted(delays) == [0, 15, 30, 45] for delays in by_host.values())


@pytest.mark.django_db
def test_a_source_due_within_the_next_minute_is_claimed_now_with_a_countdown_to_its_time():
    soon = make("soon", "soon.example")
    Source.objects.filter(pk=soon.pk).update(next_poll_at=timezone.now() + timedelta(seconds=40))
    later = make("later", "later.example")
    Source.objects.filter(pk=later.pk).update(next_poll_at=timezone.now() + timedelta(minutes=5))
    ((pk, delay),) = claim_due_sources(timezone.now())
    assert pk == soon.pk and 38 < delay <= 40


@pytest.mark.django_db
def test_lease_left_by_a_killed_poll_is_given_up_by_its_second_run_keeping_the_gap(settings):
    settings.RW_HOST_MIN_GAP_SECONDS = 10
    now = timezone.now()
    assert claim_host("a.example", now, "poll-task-1")  # then its worker is killed
    assert not claim_host("a.example", now + timedelta(seconds=5), "poll-task-2")
    # The same task delivered again gives up its dead run's lease; the gap counts from now.
    assert not claim_host("a.example", now + timedelta(seconds=5), "poll-task-1")
    state = HostState.objects.get(host="a.example")
    assert state.busy_until is None
    assert state.next_allowed_at == now + timedelta(seconds=15)
    assert claim_host("a.example", now + timedelta(seconds=15), "poll-task-2")
    assert not claim_host("a.example", now + timedelta(seconds=16), "poll-task-1")


@pytest.mark.django_db
def test_poll_lock_left_by_a_killed_poll_is_taken_over_only_by_that_same_task():
    from monitors.polling import acquire_poll_lock

    source = make("a", "a.example")
    now = timezone.now()
    assert acquire_poll_lock(source.pk, now, "poll-task-1")
    assert not acquire_poll_lock(source.pk, now, "poll-task-2")
    assert not acquire_poll_lock(source.pk, now, "")  # `manage.py poll` waits too
    assert acquire_poll_lock(source.pk, now, "poll-task-1")
