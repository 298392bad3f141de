"""`make bench-scale`: 10,000 sources over 2,000 local feed hosts, polled by beat and workers.

For each worker set-up (prefork with 1, 2 and 4 processes; threads), the sources' due times
are spread evenly over one 15-minute poll interval starting now (10,000 / 900 s = 11.1 due a
second: the steady state of every source polled every 15 minutes), beat and the workers run
for a bounded window, and the table gives polls per second, the lag from due to polled
(p50/p95/max), worker CPU and SQL queries per poll, sources left unpolled, and per-host
politeness read from the farm's own request log (no host sees a request sooner than its gap
after the previous one ended). Also prints EXPLAIN ANALYZE of the dispatch's claim at this size.

    python bench/bench_scale.py [--sources 10000] [--hosts 2000] [--window 120] [--setups ...]
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from common import ROOT, percentile, setup_django
from farm import Farm, behaviour_of

WORKER = str(Path(__file__).resolve().parent / "scale_worker.py")
REDIS_DB_URL = os.environ.get("BENCH_SCALE_REDIS_URL", "redis://127.0.0.1:6379/6")
TICKS = os.sysconf("SC_CLK_TCK")
SETUPS = {
    "prefork-1": [("prefork", 1)],
    "prefork-2": [("prefork", 2)],
    "prefork-4": [("prefork", 4)],
    "threads-2x8": [("threads", 8), ("threads", 8)],
}


@dataclass
class Result:
    setup: str
    polls: int
    rate: float
    due: int
    lag: list[float]
    cpu_ms: float
    queries: float
    starved: int
    deferred: int
    min_gap: float
    too_close: int


def seed(farm: Farm, sources: int) -> None:
    from monitors.models import Source, host_key

    urls = farm.urls(sources)
    # As after a first poll: each source knows its feed's ETag.
    Source.objects.bulk_create(
        (
            Source(name=f"Feed {i}", url=url, host=host_key(url), etag=farm.current(url)[1])
            for i, url in enumerate(urls)
        ),
        batch_size=2000,
    )
    print(f"{sources:,} sources over {len(farm.ports):,} hosts", flush=True)


def reset(interval: float, start_in: float) -> tuple[float, dict]:
    """Due times spread evenly over one interval from `start_in` seconds from now: the
    monotonic time of the first due and each source's due time."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE monitors_hoststate")
        cursor.execute(
            "UPDATE monitors_source SET enabled = true, paused_reason = '', poll_lock_until = NULL,"
            " consecutive_failures = 0, next_poll_at = now() + make_interval(secs => %s)"
            " + make_interval(secs => random() * %s)",
            [start_in, interval],
        )
        cursor.execute("ANALYZE monitors_source")
        cursor.execute("SELECT id, next_poll_at FROM monitors_source")
        return time.monotonic() + start_in, dict(cursor.fetchall())


def cpu_seconds(roots: list[int]) -> float:
    """utime + stime of these processes and all their descendants now alive."""
    parents: dict[int, int] = {}
    times: dict[int, float] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(entry.name)] = int(fields[1])
        times[int(entry.name)] = (int(fields[11]) + int(fields[12])) / TICKS
    total, wanted = 0.0, set(roots)
    for pid in sorted(times):
        ancestor = pid
        while ancestor and ancestor not in wanted:
            ancestor = parents.get(ancestor, 0)
        if ancestor:
            total += times[pid]
    return total


def start_processes(workers: list[tuple[str, int]], env: dict[str, str]) -> list[subprocess.Popen]:
    log = open(ROOT / "var" / "bench_scale.log", "a")  # noqa: SIM115 - lives with the processes
    beat = [sys.executable, WORKER, "beat", "-l", "warning", "--pidfile="]
    processes = [subprocess.Popen(beat, env=env, stdout=log, stderr=log, cwd=ROOT)]
    for i, (pool, concurrency) in enumerate(workers):
        command = [sys.executable, WORKER, "worker", "-l", "warning", "-n", f"scale{i}@%h"]
        command += ["--pool", pool, "-c", str(concurrency), "--without-gossip", "--without-mingle"]
        processes.append(
            subprocess.Popen(
                command, env=env, stdout=log, stderr=log, cwd=ROOT, start_new_session=True
            )
        )
    return processes


def stop_processes(processes: list[subprocess.Popen]) -> None:
    for process in processes:
        process.send_signal(signal.SIGTERM)
    for process in processes:
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def run_setup(name: str, farm: Farm, args: argparse.Namespace) -> Result:
    import redis
    from django.db import connection

    from monitors.models import HostState, PollLog, Source

    client = redis.Redis.from_url(REDIS_DB_URL)
    client.flushdb()
    gap = float(os.environ.get("RW_HOST_MIN_GAP_SECONDS", "10"))
    env = {**os.environ, "REDIS_URL": REDIS_DB_URL, "RW_HOST_MIN_GAP_SECONDS": str(int(gap))}
    env.pop("CELERY_BROKER_URL", None)
    processes = start_processes(SETUPS[name], env)
    first_due, seeded = reset(interval=15 * 60, start_in=args.warmup)
    connection.close()
    farm_start = len(farm.log)
    from reviewwatch.celery import app

    app.conf.broker_url = REDIS_DB_URL
    time.sleep(max(0.0, first_due - time.monotonic() - 50))
    app.send_task("monitors.tasks.dispatch_due_sources")  # beat's first tick comes after a minute
    time.sleep(max(0.0, first_due - time.monotonic()))
    cpu_before = cpu_seconds([p.pid for p in processes[1:]])
    queries_before = int(client.get("bench:queries") or 0)
    tasks_before = int(client.get("bench:tasks:monitors.tasks.poll_source") or 0)
    time.sleep(args.window)
    cpu = cpu_seconds([p.pid for p in processes[1:]]) - cpu_before
    queries = int(client.get("bench:queries") or 0) - queries_before
    tasks = int(client.get("bench:tasks:monitors.tasks.poll_source") or 0) - tasks_before
    stop_processes(processes)
    window_end = first_due + args.window
    hits = farm.log[farm_start:]

    from django.utils import timezone

    now_wall, now_mono = timezone.now(), time.monotonic()

    def wall(mono: float):
        return now_wall - timedelta(seconds=now_mono - mono)

    start_wall, end_wall = wall(first_due), wall(window_end)
    polls = PollLog.objects.filter(started_at__gte=start_wall, started_at__lt=end_wall).count()
    # Each source's due time was its seeded one; the interval (15 min) is longer than the window.
    first_poll = dict(
        PollLog.objects.filter(started_at__gte=min(seeded.values()), started_at__lt=end_wall)
        .order_by("source_id", "started_at")
        .distinct("source_id")
        .values_list("source_id", "started_at")
    )
    lag = [(first_poll[pk] - due).total_seconds() for pk, due in seeded.items() if pk in first_poll]
    deferred_hosts = set(
        HostState.objects.filter(deferred_until__isnull=False).values_list("host", flat=True)
    )
    due_before = end_wall - timedelta(seconds=60)
    missing = [pk for pk, due in seeded.items() if due <= due_before and pk not in first_poll]
    missing_hosts = dict(Source.objects.filter(pk__in=missing).values_list("pk", "host"))
    deferred = sum(1 for pk in missing if missing_hosts.get(pk) in deferred_hosts)
    min_gap, too_close = politeness(hits, gap)
    due = sum(1 for due_at in seeded.values() if due_at < end_wall)
    return Result(
        setup=name,
        polls=polls,
        rate=polls / args.window,
        due=due,
        lag=lag,
        cpu_ms=cpu / max(1, tasks) * 1000,
        queries=queries / max(1, tasks),
        starved=len(missing) - deferred,
        deferred=deferred,
        min_gap=min_gap,
        too_close=too_close,
    )


def politeness(hits, gap: float) -> tuple[float, int]:
    """The shortest time any host saw between one answer's end and the next request, and how
    many times that was under the gap."""
    by_port: dict[int, list] = {}
    for hit in hits:
        by_port.setdefault(hit.port, []).append(hit)
    shortest, too_close = float("inf"), 0
    for port_hits in by_port.values():
        port_hits.sort(key=lambda hit: hit.started)
        for previous, following in zip(port_hits, port_hits[1:], strict=False):
            between = following.started - previous.ended
            shortest = min(shortest, between)
            too_close += between < gap
    return shortest, too_close


def explain_claim() -> None:
    """EXPLAIN ANALYZE of the dispatch's claim with every source due (rolled back)."""
    from django.db import connection, transaction
    from django.utils import timezone

    from monitors.scheduling import CLAIM_BATCH, CLAIM_SQL, SCAN_FACTOR

    now = timezone.now() + timedelta(hours=1)
    params = {"now": now, "horizon": now + timedelta(minutes=1), "scan": CLAIM_BATCH * SCAN_FACTOR}
    params.update(per_host=4, limit=CLAIM_BATCH)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, COSTS OFF) " + CLAIM_SQL, params)
        plan = [row[0] for row in cursor.fetchall()]
        transaction.set_rollback(True)
    print("\nEXPLAIN ANALYZE of the claim, all sources due:")
    for line in plan:
        if "Scan" in line or "Execution" in line or "Planning" in line or "Limit" in line:
            print("   ", line.strip())


def table(results: list[Result]) -> None:
    head = (
        f"{'set-up':<12} {'polls/s':>7} {'due/s':>6} {'lag p50':>8} {'p95':>7} {'max':>7} "
        f"{'CPU/poll':>9} {'queries':>7} {'starved':>7} {'held 429':>8} {'min gap':>8} {'<gap':>5}"
    )
    print("\n" + head + "\n" + "-" * len(head))
    for r in results:
        lag = r.lag or [float("nan")]
        print(
            f"{r.setup:<12} {r.rate:7.1f} {r.due / WINDOW[0]:6.1f} {percentile(lag, 50):7.1f}s "
            f"{percentile(lag, 95):6.1f}s {max(lag):6.1f}s {r.cpu_ms:7.1f}ms {r.queries:7.1f} "
            f"{r.starved:7d} {r.deferred:8d} {r.min_gap:7.1f}s {r.too_close:5d}",
            flush=True,
        )


WINDOW = [120.0]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sources", type=int, default=10_000)
    parser.add_argument("--hosts", type=int, default=2_000)
    parser.add_argument("--window", type=float, default=120.0, help="seconds measured per set-up")
    parser.add_argument("--warmup", type=float, default=20.0, help="seconds to start workers")
    parser.add_argument("--setups", default=",".join(SETUPS), help=f"of {', '.join(SETUPS)}")
    args = parser.parse_args()
    WINDOW[0] = args.window
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    setup_django("scale")
    (ROOT / "var").mkdir(exist_ok=True)
    farm = Farm(hosts=args.hosts, latency=0.1).start()
    random.seed(1)
    try:
        seed(farm, args.sources)
        explain_claim()
        results = []
        for name in args.setups.split(","):
            print(f"\n{name}: {args.window:.0f} s ...", flush=True)
            results.append(run_setup(name, farm, args))
            table(results)
    finally:
        farm.stop()
    behaviours = [behaviour_of(i) for i in range(args.hosts)]
    print(
        "\nhosts: "
        + ", ".join(f"{b} {behaviours.count(b)}" for b in dict.fromkeys(behaviours))
        + f"; a host's minimum gap {os.environ.get('RW_HOST_MIN_GAP_SECONDS', '10')} s;"
        " lag = first poll - due time; starved = due a minute before the end, never polled;"
        " held 429 = of those, on a host that asked us to wait"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
