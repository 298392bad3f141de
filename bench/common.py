"""Shared set-up for benchmarks: a fresh PostgreSQL database per benchmark, Django ready.

Usage at the top of a bench script (run from the repository root):

    from common import setup_django, timed, report
    setup_django("inbox")   # creates database reviewwatch_bench_inbox, migrates it
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def setup_django(name: str) -> None:
    """Point Django at a freshly created database `reviewwatch_bench_<name>` and migrate it."""
    import psycopg2

    base = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/reviewwatch")
    if not base.startswith("postgres"):
        raise SystemExit("Benchmarks need PostgreSQL: set DATABASE_URL=postgres://...")
    server, _, _ = base.rpartition("/")
    dbname = f"reviewwatch_bench_{name}"
    admin = psycopg2.connect(server + "/postgres")
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{dbname}"')
    admin.close()
    os.environ["DATABASE_URL"] = f"{server}/{dbname}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "reviewwatch.settings")
    os.environ.setdefault("RW_ALLOW_PRIVATE_SOURCES", "1")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def timed(fn: Callable[[], object], repeat: int) -> list[float]:
    """Wall-clock seconds of each of `repeat` calls."""
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return samples


def percentile(samples: list[float], pct: float) -> float:
    ordered = sorted(samples)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * (len(ordered) - 1))))
    return ordered[index]


def report(label: str, samples: list[float], baseline: list[float] | None = None) -> str:
    """One line: p50/p95 in ms, and the ratio of medians against a baseline of the same run."""
    p50, p95 = statistics.median(samples) * 1000, percentile(samples, 95) * 1000
    line = f"{label:<44} p50 {p50:8.2f} ms   p95 {p95:8.2f} ms"
    if baseline:
        line += f"   ratio {statistics.median(samples) / statistics.median(baseline):6.2f}x"
    print(line, flush=True)
    return line
