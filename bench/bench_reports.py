"""Reports speed at scale (issue 15, point 11): 1,000,000 mentions and 100,000 cases.

Seeds with bench/common.py's seed_mentions_and_cases, adds what the reports read (posted
replies, rating edits after a reply, remedies, root-cause tags, competitor sources and the
pages' rating snapshots), then times each report query module over the last 30 and the last
365 days, and the whole Reports page through Django's test client as an owner, against
/healthz as the baseline (the inbox's first page is timed too, for scale). The aim: every
report answers with p95 under 300 ms.
Run from the repository root: `python bench/bench_reports.py` (or `make bench`).
"""

from __future__ import annotations

from collections.abc import Callable

from common import OWNER_EMAIL, report, seed_mentions_and_cases, setup_django, timed

REPEAT = 15
RANGES = (30, 365)

# What raw rows cannot do (2 December 2026, 2-core machine under load; p95 of 15 runs over
# three runs): every report meets 300 ms over the last 30 days, and over 365 days
# responsiveness, complaints and public ratings do too; these do not, because they read every
# mention (or every answered case) of the year:
#   volume 1,000-1,270 ms, ratings.average_ratings 940-1,180 ms (all 1,000,000 mentions
#   grouped per week and source), competitors.side_by_side 640-930 ms (the year and the year
#   before), recoveries 1,000-1,200 ms (60,000 answered cases, each looking up its rating and
#   first reply; about half of it is PostgreSQL's JIT compiling the plan: `-c jit=off` on the
#   app's connection takes it to ~560 ms).
# An index does not help: a covering index on (first_seen_at) INCLUDE (source_id, label,
# rating, subject) read index-only was no faster, the cost is the per-row grouping.
# The design for them: a daily summary table (day in the business's TIME_ZONE, source,
# subject, label) -> mentions, rating sum and rated count, one row per combination
# (20 sources x 2 subjects x 365 days = ~15,000 rows a year instead of 1,000,000), rebuilt
# per day by a Celery task (whole past days: DELETE + INSERT ... SELECT of one day in one
# transaction, so a retried task cannot double count), nightly for yesterday and on demand
# for the days a reclassification, a label correction or a deletion touched; today and any
# reader in another zone read raw rows (a day is ~2,700 mentions). A summary refreshed by a
# task rather than counters kept by ingest: one writer, idempotent, and no hot row updated
# by every mention from every poll; the few writers that rewrite old mentions already run
# as tasks and can enqueue the days they changed. Recoveries would get its figures from a
# per-case column set when a reply is first posted (the rating the review stood at then).

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
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(get_user_model().objects.get(email=OWNER_EMAIL))
    pages = {f"Reports page, last {days} days": f"/reports/?range={days}" for days in (30, 90)}
    pages["Reports page, this year"] = "/reports/?range=year"
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
