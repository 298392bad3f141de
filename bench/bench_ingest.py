"""Ingestion benchmark: parse + sanitise + classify + upsert into PostgreSQL.

Baseline in the same run: feedparser's default `parse()` of the same feed bytes (with its own
sanitiser and relative-URI resolution on). Two kinds of document: generated ones of 100 entries
(an alert feed, a review page), and the largest real feeds of ../shared/corpus/feeds/ (RW_CORPUS
names another corpus), each with the receivers that open cases on and off, where its time goes
(parsing, classifying, the rest: mostly PostgreSQL's write of the text and its full-text index)
and how many queries a poll makes, and a poll of the same feed again with one entry new (what
most polls of a feed are); and the CPU a poll costs (this process and PostgreSQL's,
steadier than wall-clock time on a busy machine). Also the worker time of a 304 and of an
unchanged-body poll through a real local HTTP server.
"""

from __future__ import annotations

import http.server
import json
import os
import statistics
import threading
import time
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from xml.sax.saxutils import escape

from common import report, setup_django, timed

ENTRIES = 100
REPEAT = 15
REAL_FEEDS = 4  # the largest files of the corpus's feeds/
CPU_REPEAT = 30  # CPU time is counted in ticks of 10 ms: many runs make it precise
CORPUS = Path(os.environ.get("RW_CORPUS") or Path(__file__).resolve().parents[2] / "shared/corpus")
COMPLAINTS = [
    "It stopped working after two weeks and support never answered.",
    "Lovely lamp, bright and warm, arrived a day early.",
    "I was charged twice for one order and still have no refund.",
    "Decent value for the price, the cable could be longer.",
]


def alert_feed(n: int) -> bytes:
    entries = "".join(
        f"<entry><id>tag:google.com,2013:googlealerts/feed:{i}</id>"
        f'<title type="html">Acme &lt;b&gt;Lamps&lt;/b&gt; review {i}</title>'
        f'<link href="https://www.google.com/url?rct=j&amp;sa=t&amp;url=https://blog.example/p/{i}'
        f'&amp;ct=ga&amp;cd=X&amp;usg=Y"/><published>2026-11-2{i % 9}T08:00:00Z</published>'
        f'<updated>2026-11-2{i % 9}T08:00:00Z</updated><content type="html">'
        f"{escape('<p>' + COMPLAINTS[i % 4] + ' <a href=/x onclick=evil()>more</a></p>')}"
        "</content></entry>"
        for i in range(n)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        f"<id>tag:alerts</id><title>Google Alert - Acme Lamps</title>{entries}</feed>"
    ).encode()


def review_page(n: int) -> bytes:
    reviews = [
        {
            "@type": "Review",
            "author": {"@type": "Person", "name": f"Customer {i}"},
            "datePublished": "2026-11-20",
            "name": f"Review {i}",
            "reviewBody": COMPLAINTS[i % 4],
            "reviewRating": {"@type": "Rating", "ratingValue": str(1 + i % 5), "bestRating": "5"},
        }
        for i in range(n)
    ]
    product = {
        "@context": "https://schema.org",
        "@type": "Product",
        "name": "Acme Lamp",
        "aggregateRating": {"@type": "AggregateRating", "ratingValue": "3.6", "reviewCount": n},
        "review": reviews,
    }
    return (
        "<!doctype html><html><head><title>Acme Lamp reviews</title>"
        f'<script type="application/ld+json">{json.dumps(product)}</script></head>'
        "<body><h1>Acme Lamp</h1></body></html>"
    ).encode()


class Conditional(http.server.BaseHTTPRequestHandler):
    body = alert_feed(ENTRIES)

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        if self.headers.get("If-None-Match") == '"v1"':
            self.send_response(304)
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/atom+xml")
        self.send_header("ETag", '"v1"')
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, *args) -> None:
        pass


@contextmanager
def receivers_disconnected():
    """Measure monitors alone: what responses does with the signals is timed separately."""
    from monitors import signals

    saved = {name: getattr(signals, name).receivers for name in signals.__all__}
    for name in saved:
        getattr(signals, name).receivers = []
        getattr(signals, name).sender_receivers_cache.clear()
    try:
        yield
    finally:
        for name, receivers in saved.items():
            getattr(signals, name).receivers = receivers
            getattr(signals, name).sender_receivers_cache.clear()


def largest_real_feeds() -> list[Path]:
    files = [path for path in (CORPUS / "feeds").rglob("*") if path.is_file()]
    return sorted(files, key=lambda path: path.stat().st_size, reverse=True)[:REAL_FEEDS]


def content_type(path: Path) -> str:
    return "application/feed+json" if path.suffix == ".json" else "application/atom+xml"


def statements(queries) -> int:
    """Queries captured, less BEGIN, COMMIT and savepoints."""
    control = ("BEGIN", "COMMIT", "SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK")
    return sum(not query["sql"].startswith(control) for query in queries.captured_queries)


def backend_cpu_seconds(connection) -> float | None:
    """CPU time PostgreSQL's process for this connection has used, if it runs on this machine."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def poll_cpu_ms(fn, repeat: int, connection) -> float | None:
    """CPU per call, this process and its PostgreSQL process together: what a poll costs the
    machine, whatever else runs on it (wall-clock times move with the load)."""
    start, backend = time.process_time(), backend_cpu_seconds(connection)
    for _ in range(repeat):
        fn()
    end, backend_end = time.process_time(), backend_cpu_seconds(connection)
    if backend is None or backend_end is None:
        return None
    return (end - start + backend_end - backend) * 1000 / repeat


def cpu_ms(fn, repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        start = time.process_time()
        fn()
        samples.append((time.process_time() - start) * 1000)
    return statistics.median(samples)


def main() -> None:
    setup_django("ingest")
    import feedparser
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from monitors.ingest import classify_mention, ingest, owner_rules
    from monitors.models import PollLog, Source
    from monitors.parsers import parse_feed, parse_review_page
    from monitors.polling import poll_source_now

    feed, page = alert_feed(ENTRIES), review_page(ENTRIES)
    headers = {"content-type": "application/atom+xml"}
    counter = iter(range(10**6))

    def pipeline(parse, body: bytes, kind: str) -> None:
        n = next(counter)
        # The documents' dates are fixed: new mentions, not history, whenever this runs.
        source = Source.objects.create(
            name=f"s{n}", kind=kind, url=f"https://h{n}.example/", history_days=100_000
        )
        records = parse(body, headers, source.url).records
        assert len(records) == ENTRIES
        ingest(source, records, PollLog.objects.create(source=source))

    baseline = timed(lambda: feedparser.parse(feed), REPEAT)
    with_cases = {
        "feed": timed(lambda: pipeline(parse_feed, feed, "feed"), REPEAT),
        "page": timed(lambda: pipeline(parse_review_page, page, "review_page"), REPEAT),
    }
    with receivers_disconnected():
        alone = {
            "feed": timed(lambda: pipeline(parse_feed, feed, "feed"), REPEAT),
            "page": timed(lambda: pipeline(parse_review_page, page, "review_page"), REPEAT),
        }
    print(f"{ENTRIES} entries per document, {REPEAT} runs each, PostgreSQL")
    rows = [
        ("baseline: feedparser.parse() default", baseline),
        ("alert feed: parse+sanitise+classify+upsert", alone["feed"]),
        ("review page: extract+classify+upsert", alone["page"]),
        ("alert feed, + opening cases (responses)", with_cases["feed"]),
        ("review page, + opening cases (responses)", with_cases["page"]),
    ]
    for label, run in rows:
        report(label, run, None if run is baseline else baseline)
    for label, run in rows:
        print(f"  {label:<44} {ENTRIES / statistics.median(run):8.0f} entries/s")
    cpu_base = poll_cpu_ms(lambda: feedparser.parse(feed), CPU_REPEAT, connection)
    with receivers_disconnected():
        cpu_feed = poll_cpu_ms(lambda: pipeline(parse_feed, feed, "feed"), CPU_REPEAT, connection)
        cpu_page = poll_cpu_ms(
            lambda: pipeline(parse_review_page, page, "review_page"), CPU_REPEAT, connection
        )
    if cpu_base and cpu_feed and cpu_page:
        print(
            f"  CPU, this process + PostgreSQL's: feedparser {cpu_base:.1f} ms; receivers off,"
            f" alert feed {cpu_feed:.1f} ms ({cpu_feed / cpu_base:.2f}x),"
            f" review page {cpu_page:.1f} ms ({cpu_page / cpu_base:.2f}x)"
        )

    print("\nreal feeds (../shared/corpus/feeds/, the largest), receivers off / on:")
    rules = owner_rules()
    for path in largest_real_feeds():
        body, kind_headers = path.read_bytes(), {"content-type": content_type(path)}
        records = parse_feed(body, kind_headers, "https://blog.example/").records

        def real(body=body, kind_headers=kind_headers) -> None:
            n = next(counter)
            # These blogs are years old: counted as new rather than history, so negatives open
            # cases and the receivers' cost is measured.
            source = Source.objects.create(
                name=f"r{n}", url=f"https://r{n}.example/", history_days=100_000
            )
            records = parse_feed(body, kind_headers, source.url).records
            ingest(source, records, PollLog.objects.create(source=source))

        base = timed(lambda body=body: feedparser.parse(body), REPEAT)
        with receivers_disconnected():
            off = timed(real, REPEAT)
            with CaptureQueriesContext(connection) as queries:
                real()
        on = timed(real, REPEAT)
        cpu_base = poll_cpu_ms(lambda body=body: feedparser.parse(body), CPU_REPEAT, connection)
        with receivers_disconnected():
            cpu_off = poll_cpu_ms(real, CPU_REPEAT, connection)
        cpu_on = poll_cpu_ms(real, CPU_REPEAT, connection)
        parsing = timed(
            lambda body=body, kind_headers=kind_headers: parse_feed(
                body, kind_headers, "https://blog.example/"
            ),
            REPEAT,
        )
        classifying = timed(
            lambda records=records: [
                classify_mention(r.title, r.text, r.rating, rules) for r in records
            ],
            REPEAT,
        )
        seen = Source.objects.create(name=f"seen {path.name}", url="https://seen.example/")
        ingest(
            seen,
            parse_feed(body, kind_headers, seen.url).records,
            PollLog.objects.create(source=seen),
        )

        def again(body=body, kind_headers=kind_headers, seen=seen) -> None:
            """The same feed polled again with one entry new (the others stored already)."""
            records = parse_feed(body, kind_headers, seen.url).records
            records[0] = replace(records[0], external_id=f"new-{next(counter)}")
            ingest(seen, records, PollLog.objects.create(source=seen))

        repoll = timed(again, REPEAT)
        print(f"  {path.name} ({len(body) // 1024} KB, {len(records)} entries)")
        report("    feedparser.parse() default", base)
        report("    ingest, receivers off", off, base)
        report("    ingest, receivers on", on, base)
        report("    polled again, one entry new, receivers on", repoll, base)
        rest = statistics.median(off) - statistics.median(parsing) - statistics.median(classifying)
        print(
            f"    receivers off: parse {statistics.median(parsing) * 1000:.1f} ms, classify"
            f" {statistics.median(classifying) * 1000:.1f} ms, store and the rest"
            f" {rest * 1000:.1f} ms; {statements(queries) - 2} queries a poll"  # less the bench's
        )
        if cpu_base and cpu_off and cpu_on:
            print(
                f"    CPU a poll, this process + PostgreSQL's: feedparser {cpu_base:.1f} ms;"
                f" ingest, receivers off {cpu_off:.1f} ms ({cpu_off / cpu_base:.2f}x),"
                f" on {cpu_on:.1f} ms ({cpu_on / cpu_base:.2f}x)"
            )

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Conditional)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/feed"
    source = Source.objects.create(name="conditional", url=url)
    assert poll_source_now(source.pk).status == "ok"
    not_modified = cpu_ms(lambda: poll_source_now(source.pk), 30)
    Source.objects.filter(pk=source.pk).update(etag="")
    unchanged = cpu_ms(lambda: poll_source_now(source.pk), 30)
    print(f"worker CPU per 304 poll: {not_modified:.2f} ms; unchanged body: {unchanged:.2f} ms")
    server.shutdown()


if __name__ == "__main__":
    main()
