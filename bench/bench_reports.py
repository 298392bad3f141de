"""Reports speed at scale (issue 15, point 11): 1,000,000 mentions and 100,000 cases.

Seeds with bench/common.py's seed_mentions_and_cases, adds what the reports read (posted
replies, rating edits after a reply, remedies, root-cause tags, competitor sources and the
pages' rating snapshots), counts the daily summary of mentions as the quarter-hourly task does
(timed), then times each report query module over the last 30 and the last
365 days, and each section of the Reports page (one report per request) over the last 30 days
and this year through Django's test client as an owner, against /healthz as the baseline (the
inbox's first page is timed too, for scale). The aim: every report answers with p95 under
300 ms.
Run from the repository root: `python bench/bench_reports.py` (or `make bench`).
"""

from __future__ import annotations

from collections.abc import Callable

from common import OWNER_EMAIL, report, seed_mentions_and_cases, setup_django, timed

REPEAT = 15
RANGES = (30, 365)

# Over a year, volume, average ratings and competitors read every mention of the year (p95
# 640-1,270 ms on 2 December 2026, whatever the indexes: the cost is the per-row grouping),
# and recoveries looked up each of 60,000 answered cases' review (~560-1,200 ms). What they
# read now: the daily summary of mentions (monitors/day_counts.py: one row per day, zone,
# source, subject and label, counted by a task once a day is over and forgotten by a trigger
# when one of its mentions changes; today and yesterday read from the mentions), and the
# rating each case's review had when it opened, kept on the case. The summary is counted
# here the way the quarter-hourly task counts it, and that count is timed too.

# Every answered case has its posted reply; every 5th a rating edit two days later (half raised
# to 5★, half dropped to 1★); every 4th a remedy; most cases one or two root-cause tags.
SEED_REPLIES = """
INSERT INTO responses_replydraft (case_id, state, created_at, posted_at, posted_url)
SELECT id, 'posted', first_responded_at, first_responded_at, ''
FROM responses_case WHERE first_responded_at IS NOT NULL
"""
SEED_REVISIONS = """
INSERT INTO monitors_revision (mention_id, seen_at, changed, old_title, old_text, old_rating,
                               new_rating)
SELECT c.mention_id, c.first_responded_at + interval '2 days', '["rating"]', '', '', m.rating,
       CASE WHEN c.id % 2 = 0 THEN 5 ELSE 1 END
FROM responses_case c JOIN monitors_mention m ON m.id = c.mention_id
WHERE c.first_responded_at IS NOT NULL AND c.id % 5 = 0
"""
SEED_REVIEW_UPDATES = """
INSERT INTO responses_reviewupdate (case_id, mention_id, revision_id, seen_at, old_rating,
                                    new_rating, new_text, suggested_outcome)
SELECT c.id, r.mention_id, r.id, r.seen_at, r.old_rating, r.new_rating, '', ''
FROM monitors_revision r JOIN responses_case c ON c.mention_id = r.mention_id
"""
SEED_REMEDIES = """
INSERT INTO responses_remedy (case_id, kind, note, offered_at, delivered_at)
SELECT id, (ARRAY['refund','replacement','tips','credit','other'])[1 + (id / 4) % 5], '',
       clock_from + interval '2 hours',
       CASE WHEN id % 8 = 0 THEN clock_from + interval '1 day' END
FROM responses_case WHERE id % 4 = 0
"""
SEED_TAGS = """
INSERT INTO responses_case_tags (case_id, tag_id)
SELECT c.id, t.id
FROM responses_case c
JOIN (SELECT id, row_number() OVER (ORDER BY id) - 1 AS k FROM responses_tag) t
  ON t.k = c.id % ((SELECT count(*) FROM responses_tag) + 1)
  OR (c.id % 7 = 0 AND t.k = 0)
"""
SEED_COMPETITORS = """
UPDATE monitors_source SET subject = 'competitor', competitor_name = 'Rival ' || (id % 3)
WHERE id >= (SELECT min(id) + 15 FROM monitors_source)
"""
SEED_SNAPSHOTS = """
INSERT INTO monitors_ratingsnapshot (source_id, taken_at, rating, count)
SELECT s.id, now() - make_interval(hours => 6 * h), 3 + ((s.id + h) % 20) / 10.0, 1000 + h
FROM monitors_source s, generate_series(0, 4 * 400) AS h
"""


def seed_report_rows() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        for statement in (
            SEED_REPLIES,
            SEED_REVISIONS,
            SEED_REVIEW_UPDATES,
            SEED_REMEDIES,
            SEED_TAGS,
            SEED_COMPETITORS,
            SEED_SNAPSHOTS,
        ):
            cursor.execute(statement)
        cursor.execute("ANALYZE")
        counts = []
        for table in ("replydraft", "reviewupdate", "remedy", "case_tags"):
            cursor.execute(f"SELECT count(*) FROM responses_{table}")
            counts.append(f"{cursor.fetchone()[0]:,} {table}")
    print("added " + ", ".join(counts), flush=True)


def count_the_year() -> None:
    """What responses.tasks.count_mention_days does on its first run over a year of mentions."""
    import time

    from django.utils import timezone

    from monitors.day_counts import count_uncounted_days

    started = time.perf_counter()
    days = count_uncounted_days([timezone.get_default_timezone_name()], timezone.now())
    print(f"counted {days} days of mentions in {time.perf_counter() - started:.1f} s", flush=True)


def report_queries(days: int) -> dict[str, Callable[[], object]]:
    """Each report module's entry points over the last `days` days, evaluated fully."""
    from django.utils import timezone

    from responses.reports import competitors, complaints, ratings, recoveries
    from responses.reports.responsiveness import responsiveness
    from responses.reports.scope import last_days
    from responses.reports.volume import volume

    zone = timezone.get_default_timezone()
    scope = last_days(days, timezone.localdate(), zone)
    return {
        "volume": lambda: volume(scope),
        "responsiveness": lambda: responsiveness(scope, timezone.now()),
        "recoveries": lambda: recoveries.recoveries(scope),
        "ratings.average_ratings": lambda: ratings.average_ratings(scope),
        "ratings.public_ratings": lambda: ratings.public_ratings(scope),
        "complaints.complaint_phrases": lambda: complaints.complaint_phrases(scope),
        "complaints.tags_over_time": lambda: complaints.tags_over_time(scope),
        "complaints.remedies": lambda: complaints.remedies(scope),
        "competitors.side_by_side": lambda: competitors.side_by_side(scope),
    }


def main() -> None:
    setup_django("reports")
    seed_mentions_and_cases()
    seed_report_rows()
    count_the_year()
    from django.contrib.auth import get_user_model
    from django.test import Client

    from responses.reports.sections import SECTIONS

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(get_user_model().objects.get(email=OWNER_EMAIL))
    pages = {
        f"Reports page, {section.title}, {period}": f"/reports/?section={slug}&range={range_}"
        for slug, section in SECTIONS.items()
        for period, range_ in (("last 30 days", "30"), ("this year", "year"))
    }
    for url in ("/healthz", "/", *pages.values()):  # warm caches, check every page answers
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
    baseline = timed(lambda: client.get("/healthz"), REPEAT)
    report("baseline GET /healthz (SELECT 1)", baseline)
    report("inbox first page, for scale", timed(lambda: client.get("/"), REPEAT), baseline)
    for days in RANGES:
        for name, query in report_queries(days).items():
            report(f"{name}, last {days} days", timed(query, REPEAT), baseline)
    for label, url in pages.items():
        report(label, timed(lambda url=url: client.get(url), REPEAT), baseline)


if __name__ == "__main__":
    main()
