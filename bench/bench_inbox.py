"""Inbox speed at scale: 1,000,000 mentions and 100,000 cases in PostgreSQL.

Seeds with bench/common.py's seed_mentions_and_cases (INSERT ... SELECT generate_series), then
times whole requests through Django's test client: the first page, a filtered page, page 500
(keyset cursor) and a full-text search, against /healthz as the baseline.
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


def main() -> None:
    setup_django("inbox")
    seed_mentions_and_cases()
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
