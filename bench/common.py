"""Shared set-up for benchmarks: a fresh PostgreSQL database per benchmark, Django ready.

Usage at the top of a bench script (run from the repository root):

    from common import setup_django, timed, report
    setup_django("inbox")   # creates database reviewwatch_bench_inbox, migrates it
    seed_mentions_and_cases()   # 1,000,000 mentions over the last year, 100,000 cases
"""

from __future__ import annotations

import importlib
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


MENTIONS = 1_000_000
SOURCES = 20
OWNER_EMAIL = "owner@bench.example"
WORDS = [
    *("broken", "late", "cold", "rude", "refund", "delivery", "parcel", "lamp", "waiter"),
    *("support", "email", "phone", "billing", "charged", "twice", "price", "expensive"),
    *("manager", "ignored", "smell", "dirty", "slow", "lovely", "great", "friendly", "shade"),
    *("bulb", "box", "soaked", "cracked", "missing", "invoice", "voucher", "apology", "stain"),
]

# One mention a minute over the last year (n minutes ago), every 10th negative with a reason in
# the classifier's words ("'late', 'refund' in sentence 1: '…'"), every 7th unrated.
SEED_MENTIONS = """
INSERT INTO monitors_mention (
    source_id, external_id, url, author, title, text, html, rating, published_at,
    first_seen_at, last_seen_at, content_hash, subject, label, score, reason,
    strongly_negative, author_blocked, imported_history, platform_reply, platform_reply_state
)
SELECT
    %(first_source)s + ((n / 7) %% %(sources)s),
    'bench-' || n, '', 'author ' || (n %% 50000), '',
    w[1 + abs(hashtext('a' || n)) %% %(nwords)s] || ' '
        || w[1 + abs(hashtext('b' || n)) %% %(nwords)s] || ' '
        || w[1 + abs(hashtext('c' || n)) %% %(nwords)s] || ' and the '
        || w[1 + abs(hashtext('d' || n)) %% %(nwords)s]
        || E' was a problem.\nSecond line ' || n,
    '',
    CASE WHEN n %% 7 = 0 THEN NULL ELSE 1 + (n %% 5) END,
    now() - make_interval(mins => (n %% 525600)),
    now() - make_interval(mins => (n %% 525600)),
    now(),
    md5(n::text),
    CASE WHEN n %% 10 = 3 THEN 'competitor' ELSE 'ours' END,
    CASE WHEN n %% 10 = 0 THEN 'negative' ELSE 'neutral' END,
    0,
    CASE WHEN n %% 10 = 0 THEN
        '''' || w[1 + abs(hashtext('a' || n)) %% %(nwords)s] || ''', '''
        || w[1 + abs(hashtext('c' || n)) %% %(nwords)s] || ''' in sentence 1: ''a problem'''
    ELSE '' END,
    n %% 30 = 0, false, false, '', ''
FROM generate_series(1, %(count)s) AS n, (SELECT %(words)s::text[] AS w) AS words
"""

# A case for every negative mention: a mix of statuses and priorities, a third assigned, the
# answered ones answered between 0 minutes and 3 days after their clock started.
SEED_CASES = """
INSERT INTO responses_case (
    mention_id, status, dismiss_reason, assignee_id, priority, severity, clock_from, due_at,
    responded, first_responded_at, resolved_at, outcome, opened_at, version, updated_at,
    rating_when_opened
)
SELECT
    m.id,
    (ARRAY['new','acknowledged','replying','awaiting','resolved','resolved','resolved',
           'resolved','dismissed','resolved'])[1 + (m.id / 10) %% 10],
    CASE WHEN (m.id / 10) %% 10 = 8 THEN 'spam' ELSE '' END,
    CASE WHEN m.id %% 3 = 0 THEN %(assignee)s ELSE NULL END,
    1 + (m.id / 10) %% 4,
    CASE WHEN m.rating <= 2 OR m.strongly_negative THEN 'urgent' ELSE 'standard' END,
    m.first_seen_at,
    m.first_seen_at + CASE WHEN m.rating <= 2 OR m.strongly_negative
        THEN interval '1 hour' ELSE interval '24 hours' END,
    (m.id / 10) %% 10 IN (3, 4, 5, 6, 7, 9),
    CASE WHEN (m.id / 10) %% 10 IN (3, 4, 5, 6, 7, 9)
        THEN m.first_seen_at + make_interval(mins => (((m.id / 10) * 37) %% 4320)::int) END,
    CASE WHEN (m.id / 10) %% 10 >= 4 THEN now() END,
    CASE WHEN (m.id / 10) %% 10 >= 4 THEN 'Customer happy again' ELSE '' END,
    m.first_seen_at, 1, now(), m.rating
FROM monitors_mention m
WHERE m.label = 'negative'
"""


def seed_mentions_and_cases(mentions: int = MENTIONS, sources: int = SOURCES) -> None:
    """`mentions` mentions over the last year on `sources` sources, a case for each negative
    one (every 10th), and an owner OWNER_EMAIL. The search index is built once, after the
    load, and the tables analysed."""
    from django.contrib.auth import get_user_model
    from django.db import connection

    from monitors.models import Source

    search_index = importlib.import_module("monitors.migrations.0002_mention_search_index")
    created = Source.objects.bulk_create(
        Source(name=f"Source {i}", url=f"https://reviews{i}.example/feed") for i in range(sources)
    )
    owner = get_user_model().objects.create_user(OWNER_EMAIL, OWNER_EMAIL)
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(f"DROP INDEX IF EXISTS {search_index.INDEX}")
        cursor.execute(
            SEED_MENTIONS,
            {
                "first_source": created[0].pk,
                "sources": sources,
                "words": WORDS,
                "nwords": len(WORDS),
                "count": mentions,
            },
        )
        cursor.execute(SEED_CASES, {"assignee": owner.pk})
        cursor.execute(
            f"CREATE INDEX {search_index.INDEX} ON monitors_mention "
            f"USING GIN ({search_index.EXPRESSION})"
        )
        cursor.execute("ANALYZE")
        cursor.execute("SELECT count(*) FROM monitors_mention")
        seeded = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM responses_case")
        cases = cursor.fetchone()[0]
    elapsed = time.perf_counter() - started
    print(f"seeded {seeded:,} mentions and {cases:,} cases in {elapsed:.0f} s", flush=True)
