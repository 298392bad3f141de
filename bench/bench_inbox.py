"""Inbox speed at scale: 1,000,000 mentions and 100,000 cases in PostgreSQL.

Seeds with bench/common.py's seed_mentions_and_cases (INSERT ... SELECT generate_series), then
times whole requests through Django's test client: the first page, a filtered page, page 500
(keyset cursor), a full-text search and the cases of red customers (every author with a case is
a customer: a tenth red, a fifth yellow), against /healthz as the baseline.
Run from the repository root: `python bench/bench_inbox.py` (or `make bench`).
"""

from __future__ import annotations

from common import OWNER_EMAIL, report, seed_mentions_and_cases, setup_django, timed

REPEAT = 60


def page_500_cursor() -> str:
    from responses.inbox import PAGE_SIZE, Cursor
    from responses.models import OPEN_STATUSES, Case

    ordered = Case.objects.filter(status__in=OPEN_STATUSES).order_by("responded", "due_at", "id")
    return Cursor.of(ordered[499 * PAGE_SIZE - 1]).encode()


# A customer for each author (on each source) of a case, made as the customers receiver does.
SEED_CUSTOMERS = """
INSERT INTO responses_customer (name, email, first_record_key, health, health_reason,
                                health_since, created_at)
SELECT author, '', source_id || ':' || upper(author),
       CASE WHEN k % 10 = 0 THEN 'red' WHEN k % 5 = 1 THEN 'yellow' ELSE 'green' END,
       '', now(), now()
FROM (SELECT m.source_id, m.author, row_number() OVER () AS k
      FROM (SELECT DISTINCT m.source_id, m.author FROM responses_case c
            JOIN monitors_mention m ON m.id = c.mention_id) m) authors
"""
SEED_RECORDS = """
INSERT INTO responses_customerrecord (customer_id, source_id, author, author_key, created_at)
SELECT id, split_part(first_record_key, ':', 1)::int, name, upper(name), now()
FROM responses_customer
"""


def seed_customers() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(SEED_CUSTOMERS)
        cursor.execute(SEED_RECORDS)
        cursor.execute("ANALYZE")
        cursor.execute("SELECT health, count(*) FROM responses_customer GROUP BY 1 ORDER BY 1")
        print("customers: " + ", ".join(f"{n:,} {health}" for health, n in cursor.fetchall()))


def main() -> None:
    setup_django("inbox")
    seed_mentions_and_cases()
    seed_customers()
    from django.contrib.auth import get_user_model
    from django.test import Client

    from responses.models import Case

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(get_user_model().objects.get(email=OWNER_EMAIL))
    source = Case.objects.filter(status="new").values_list("mention__source", flat=True)[0]
    requests = {
        "inbox first page": "/",
        "filtered (source, <=2★, unassigned)": f"/?source={source}&rating=2&assignee=unassigned",
        "page 500 (keyset cursor)": f"/?after={page_500_cursor()}",
        "search 'refund waiter'": "/?q=refund+waiter",
        "cases of red customers": "/?health=red",
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
