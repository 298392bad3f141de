"""Inbox speed at scale: 1,000,000 mentions and 100,000 cases in PostgreSQL.

Seeds with INSERT ... SELECT generate_series (the search index is built once, after the load),
then times whole requests through Django's test client: the first page, a filtered page,
page 500 (keyset cursor) and a full-text search, against /healthz as the baseline.
Run from the repository root: `python bench/bench_inbox.py` (or `make bench`).
"""

from __future__ import annotations

import importlib
import time

from common import report, setup_django, timed

MENTIONS = 1_000_000
CASES = 100_000  # every 10th mention
SOURCES = 20
REPEAT = 60
WORDS = [
    *("broken", "late", "cold", "rude", "refund", "delivery", "parcel", "lamp", "waiter"),
    *("support", "email", "phone", "billing", "charged", "twice", "price", "expensive"),
    *("manager", "ignored", "smell", "dirty", "slow", "lovely", "great", "friendly", "shade"),
    *("bulb", "box", "soaked", "cracked", "missing", "invoice", "voucher", "apology", "stain"),
]

SEED_MENTIONS = """
INSERT INTO monitors_mention (
    source_id, external_id, url, author, title, text, html, rating, published_at,
    first_seen_at, last_seen_at, content_hash, subject, label, score, reason,
    strongly_negative, author_blocked
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
    0, '', n %% 30 = 0, false
FROM generate_series(1, %(count)s) AS n, (SELECT %(words)s::text[] AS w) AS words
"""

SEED_CASES = """
INSERT INTO responses_case (
    mention_id, status, dismiss_reason, assignee_id, priority, severity, due_at, responded,
    first_responded_at, resolved_at, outcome, opened_at, version, updated_at
)
SELECT
    m.id,
    (ARRAY['new','acknowledged','replying','awaiting','resolved','resolved','resolved',
           'resolved','dismissed','resolved'])[1 + (m.id / 10) %% 10],
    CASE WHEN (m.id / 10) %% 10 = 8 THEN 'spam' ELSE '' END,
    CASE WHEN m.id %% 3 = 0 THEN %(assignee)s ELSE NULL END,
    3,
    CASE WHEN m.rating <= 2 OR m.strongly_negative THEN 'urgent' ELSE 'standard' END,
    m.first_seen_at + CASE WHEN m.rating <= 2 OR m.strongly_negative
        THEN interval '1 hour' ELSE interval '24 hours' END,
    (m.id / 10) %% 10 IN (3, 4, 5, 6, 7, 9),
    CASE WHEN (m.id / 10) %% 10 IN (3, 4, 5, 6, 7, 9) THEN m.first_seen_at END,
    CASE WHEN (m.id / 10) %% 10 >= 4 THEN now() END,
    '', m.first_seen_at, 1, now()
FROM monitors_mention m
WHERE m.label = 'negative'
"""


def seed() -> None:
    from django.contrib.auth import get_user_model
    from django.db import connection

    from monitors.models import Source

    search_index = importlib.import_module("monitors.migrations.0002_mention_search_index")
    sources = Source.objects.bulk_create(
        Source(name=f"Source {i}", url=f"https://reviews{i}.example/feed") for i in range(SOURCES)
    )
    owner = get_user_model().objects.create_user("owner@bench.example", "owner@bench.example")
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(f"DROP INDEX IF EXISTS {search_index.INDEX}")
        cursor.execute(
            SEED_MENTIONS,
            {
                "first_source": sources[0].pk,
                "sources": SOURCES,
                "words": WORDS,
                "nwords": len(WORDS),
                "count": MENTIONS,
            },
        )
        cursor.execute(SEED_CASES, {"assignee": owner.pk})
        cursor.execute(
            f"CREATE INDEX {search_index.INDEX} ON monitors_mention "
            f"USING GIN ({search_index.EXPRESSION})"
        )
        cursor.execute("ANALYZE")
        cursor.execute("SELECT count(*) FROM monitors_mention")
        mentions = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM responses_case")
        cases = cursor.fetchone()[0]
    print(
        f"seeded {mentions:,} mentions and {cases:,} cases in {time.perf_counter() - started:.0f} s"
    )


def page_500_cursor() -> str:
    from responses.inbox import PAGE_SIZE, Cursor
    from responses.models import OPEN_STATUSES, Case

    ordered = Case.objects.filter(status__in=OPEN_STATUSES).order_by("responded", "due_at", "id")
    return Cursor.of(ordered[499 * PAGE_SIZE - 1]).encode()


def main() -> None:
    setup_django("inbox")
    seed()
    from django.contrib.auth import get_user_model
    from django.test import Client

    from responses.models import Case

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(get_user_model().objects.get(email="owner@bench.example"))
    source = Case.objects.filter(status="new").values_list("mention__source", flat=True)[0]
    requests = {
        "inbox first page": "/",
        "filtered (source, <=2★, unassigned)": f"/?source={source}&rating=2&assignee=unassigned",
        "page 500 (keyset cursor)": f"/?after={page_500_cursor()}",
        "search 'refund waiter'": "/?q=refund+waiter",
    }
    for url in requests.values():  # warm caches and check every page answers
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        assert b"data-case-row" in response.content, url
    baseline = timed(lambda: client.get("/healthz"), REPEAT)
    report("baseline GET /healthz (SELECT 1)", baseline)
    for label, url in requests.items():
        report(label, timed(lambda url=url: client.get(url), REPEAT), baseline)


if __name__ == "__main__":
    main()
