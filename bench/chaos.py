"""`make chaos`: faults and hostile inputs against a running stack, counted against its logs.

The stack: PostgreSQL (database reviewwatch_chaos), a redis-server of its own on port 6390 (so
it can be restarted), a real Celery worker (prefork, 2 processes; started again if it exits, as
docker compose's restart policy and `make run` do, and counted) and beat, the feed farm and
an SMTP server (bench/chaos_farm.py). Time is compressed: every ROUND seconds each feed gets
new items and every source is due again (a poll interval); this driver also sends the beat's
dispatch and digest ticks every TICK seconds. After each fault it waits until what the farm
served is stored and mailed, and prints one table row.
"""

from __future__ import annotations

import argparse
import atexit
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from chaos_farm import TOKEN, FeedFarm, Mailbox  # noqa: E402

FEEDS = 8  # 16 new items a round: a digest lists them all (it lists up to 50)
ROUND = 20.0
TICK = 3.0
SETTLE = 240.0  # longer than the 3-minute poll lock and host lease a killed poll leaves behind
REDIS_PORT = 6390
DB = "reviewwatch_chaos"
OWNER = "chaos-owner@example.com"


def launch(args: list[str], env: dict[str, str], log: str, mode: str = "w") -> subprocess.Popen:
    out = open(ROOT / "var" / log, mode)  # noqa: SIM115 - lives as long as the process
    return subprocess.Popen(
        args, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
    )


def redis_up() -> subprocess.Popen:
    proc = subprocess.Popen(
        [
            "redis-server",
            "--port",
            str(REDIS_PORT),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
        ],
        stdout=subprocess.DEVNULL,
    )
    atexit.register(proc.kill)
    for _ in range(50):
        if (
            subprocess.run(
                ["redis-cli", "-p", str(REDIS_PORT), "ping"], capture_output=True
            ).stdout.strip()
            == b"PONG"
        ):
            break
        time.sleep(0.1)
    return proc


class Stack:
    def __init__(self) -> None:
        (ROOT / "var").mkdir(exist_ok=True)
        base = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/reviewwatch")
        server = base.rpartition("/")[0]
        subprocess.run(
            ["dropdb", "--if-exists", "--force", "-h", "127.0.0.1", "-U", "postgres", DB],
            check=True,
        )
        subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", DB], check=True)
        self.redis = redis_up()
        self.farm = FeedFarm(FEEDS)
        self.mailbox = Mailbox(delay=0.5)
        self.env = {
            **os.environ,
            "DATABASE_URL": f"{server}/{DB}",
            "REDIS_URL": f"redis://127.0.0.1:{REDIS_PORT}/0",
            "RW_ALLOW_PRIVATE_SOURCES": "1",
            "RW_HOST_MIN_GAP_SECONDS": "0",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(self.mailbox.port),
            "EMAIL_USE_TLS": "0",
            "LOG_LEVEL": "WARNING",
            "DJANGO_SETTINGS_MODULE": "reviewwatch.settings",
        }
        os.environ.update(self.env)
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
            cwd=ROOT,
            env=self.env,
            check=True,
        )
        import django

        django.setup()
        self.worker = self.start_worker()
        self.worker_restarts = 0
        self.beats = [self.start_beat("chaos-beat.log")]
        self.memory_peak_kb = 0
        self.running = True
        self.publishing = True
        threading.Thread(target=self._clock, daemon=True).start()

    def start_worker(self, mode: str = "w") -> subprocess.Popen:
        args = [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "reviewwatch",
            "worker",
            "-c",
            "2",
            "-l",
            "WARNING",
        ]
        return launch(args, self.env, "chaos-worker.log", mode)

    def start_beat(self, log: str) -> subprocess.Popen:
        args = [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "reviewwatch",
            "beat",
            "-l",
            "WARNING",
            "-s",
            f"/tmp/{log}.db",
        ]
        return launch(args, self.env, log)

    def pool_pids(self) -> list[int]:
        out = subprocess.run(
            ["pgrep", "-P", str(self.worker.pid)], capture_output=True, text=True
        ).stdout
        return [int(p) for p in out.split()]

    def _clock(self) -> None:
        """The beat's ticks every TICK seconds, a new poll interval every ROUND, memory samples."""
        from django.db import connection

        from monitors.tasks import dispatch_due_sources
        from responses.tasks import send_due_digests

        last_round = 0.0
        while self.running:
            if self.worker.poll() is not None:  # as docker compose and `make run` do
                self.worker_restarts += 1
                self.worker = self.start_worker(mode="a")  # keep the log of why it exited
            try:
                if time.monotonic() - last_round > ROUND:
                    last_round = time.monotonic()
                    if self.publishing:
                        self.farm.publish()
                    with connection.cursor() as cursor:
                        cursor.execute(
                            "UPDATE monitors_source SET next_poll_at = now() "
                            "WHERE name LIKE 'feed %%'"
                        )
                dispatch_due_sources.delay()
                send_due_digests.delay()
            except Exception:  # noqa: BLE001 - Redis or PostgreSQL is down on purpose
                connection.close()
            for pid in self.pool_pids():
                try:
                    status = Path(f"/proc/{pid}/status").read_text()
                    rss = int(status.split("VmHWM:")[1].split()[0])
                    self.memory_peak_kb = max(self.memory_peak_kb, rss)
                except (OSError, IndexError):
                    pass
            time.sleep(TICK)

    def stop(self) -> None:
        self.running = False
        for proc in [self.worker, *self.beats]:
            os.killpg(proc.pid, signal.SIGTERM)
        for proc in [self.worker, *self.beats]:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
        self.redis.terminate()
        self.mailbox.controller.stop()


def seed(stack: Stack, hostiles) -> None:
    from django.contrib.auth import get_user_model
    from django.utils.timezone import now

    from monitors.models import Source
    from responses.models import DigestPreference

    owner = get_user_model().objects.create_user(OWNER, OWNER, is_staff=True, is_superuser=True)
    DigestPreference.objects.create(
        user=owner, frequency="instant", scope="ours", since=owner.date_joined, next_due_at=now()
    )
    for n in range(FEEDS):
        Source.objects.create(name=f"feed {n}", url=stack.farm.url(n), poll_interval_minutes=5)
    for name, (kind, *_rest) in hostiles.specs.items():
        Source.objects.create(
            name=f"hostile {name}",
            url=hostiles.url(name),
            subject="competitor",
            competitor_name="Hostile",
            kind=kind,
            poll_interval_minutes=5,
        )


def count(stack: Stack) -> dict[str, int]:
    from django.db import connection
    from django.db.models import Count

    from monitors.models import Label, Mention, Source
    from responses.models import DigestItem

    connection.close()
    stored = Counter_of(
        Mention.objects.filter(source__name__startswith="feed ").values_list(
            "external_id", flat=True
        )
    )
    served = set(stack.farm.served)
    negatives = Mention.objects.filter(source__name__startswith="feed ", label=Label.NEGATIVE)
    mailed = stack.mailbox.tokens_by_recipient().get(OWNER, {})
    titles = dict(
        Mention.objects.filter(source__name__startswith="feed ").values_list("external_id", "title")
    )
    in_scope = {TOKEN.search(t)[0] for t in titles.values() if TOKEN.search(t)}
    given = set(
        DigestItem.objects.filter(mention__source__name__startswith="feed ").values_list(
            "mention__external_id", flat=True
        )
    )
    stale = time.time() - 2 * ROUND - 60
    return {
        "served": len(served),
        "lost": len(served - set(stored)),
        "unfetched": len(set(stack.farm.published_at) - served),
        "duplicated": sum(n - 1 for n in stored.values() if n > 1),
        "cases missing": negatives.filter(case__isnull=True).count(),
        "cases doubled": 0,  # a case's mention is a one-to-one key
        "digest repeated": sum(n - 1 for n in mailed.values() if n > 1),
        "digest skipped": len(in_scope - set(mailed)),
        "digest pending": len(given - set(mailed)),
        "stuck": Source.objects.filter(name__startswith="feed ")
        .exclude(last_polled_at__gte=datetime_from(stale))
        .count(),
        "polls": Source.objects.filter(name__startswith="feed ").aggregate(n=Count("polls"))["n"],
    }


def Counter_of(values) -> dict[str, int]:  # noqa: N802
    counts: dict[str, int] = {}
    for value in values:
        counts[value] = counts.get(value, 0) + 1
    return counts


def datetime_from(epoch: float):
    from datetime import UTC, datetime

    return datetime.fromtimestamp(epoch, UTC)


def settle(stack: Stack, started: float) -> tuple[dict[str, int], float | None]:
    """Wait until everything served is stored and mailed; the counts and seconds to get there."""
    deadline = started + SETTLE
    before = count(stack)
    figures = before
    owed = ("unfetched", "lost", "cases missing", "digest skipped", "digest pending", "stuck")
    while time.monotonic() < deadline:
        figures = count(stack)
        if figures["served"] >= before["served"] and not any(figures[k] for k in owed):
            return figures, time.monotonic() - started
        time.sleep(2)
    return figures, None


def kill_pool(stack: Stack, wait_for: str) -> None:
    """kill -9 the pool processes once the worker log shows the wanted work in flight."""
    from monitors.models import Source

    if wait_for == "poll":
        deadline = time.monotonic() + 30
        while (
            time.monotonic() < deadline
            and not Source.objects.filter(
                poll_lock_until__isnull=False, name__startswith="feed "
            ).exists()
        ):
            time.sleep(0.05)
    else:
        seen = len(stack.mailbox.messages)
        stack.farm.publish()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and len(stack.mailbox.messages) == seen:
            time.sleep(0.05)
    for pid in stack.pool_pids():
        os.kill(pid, signal.SIGKILL)


def fault(stack: Stack, name: str) -> None:
    from django.db import connection

    from monitors.models import Source
    from monitors.tasks import poll_source
    from responses.tasks import send_due_digests

    feeds = list(Source.objects.filter(name__startswith="feed ").values_list("pk", flat=True))
    if name == "kill -9 worker mid-poll":
        kill_pool(stack, "poll")
    elif name == "kill -9 worker mid-digest-send":
        kill_pool(stack, "digest")
    elif name == "restart Redis with tasks queued":
        for pk in feeds:
            poll_source.apply_async((pk,), countdown=5)
        stack.redis.kill()
        stack.redis.wait()
        time.sleep(2)
        stack.redis = redis_up()
    elif name == "drop all PostgreSQL connections":
        for _ in range(5):
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = %s AND pid <> pg_backend_pid()",
                    [DB],
                )
            time.sleep(1)
    elif name == "two beats at once":
        stack.beats.append(stack.start_beat("chaos-beat-2.log"))
        for _ in range(3):
            send_due_digests.delay()
    elif name == "duplicate task messages":
        for pk in feeds:
            for _ in range(3):
                poll_source.delay(pk)
        for _ in range(3):
            send_due_digests.delay()
    elif name == "10x queue load":
        for _ in range(10):
            for pk in feeds:
                poll_source.delay(pk)


FAULTS = [
    "baseline (no fault)",
    "kill -9 worker mid-poll",
    "kill -9 worker mid-digest-send",
    "restart Redis with tasks queued",
    "drop all PostgreSQL connections",
    "two beats at once",
    "duplicate task messages",
    "10x queue load",
]
COLUMNS = [
    "served",
    "lost",
    "duplicated",
    "cases missing",
    "cases doubled",
    "digest repeated",
    "digest skipped",
    "stuck",
    "worker restarts",
]


def hostile_row(stack: Stack, hostiles) -> list[str]:
    from monitors.models import PollLog, Source

    sources = Source.objects.filter(name__startswith="hostile ")
    polled = sources.filter(last_polled_at__isnull=False).count()
    log = (ROOT / "var" / "chaos-worker.log").read_text(errors="replace")
    crashes = (
        log.count("raised unexpected")
        + PollLog.objects.filter(source__in=sources, error__icontains="Traceback").count()
    )
    return [
        f"{len(hostiles.specs)} hostile documents and servers",
        f"polled {polled}/{sources.count()}",
        f"crashes {crashes}",
        f"internal fetches {len(hostiles.canary_hits)} {sorted(set(hostiles.canary_hits))}",
        f"script executions {script_executions()}",
        f"worker memory peak {stack.memory_peak_kb // 1024} MB",
    ]


def script_executions() -> int:
    """The Mentions page of each script-laden source in Chromium: dialogs that opened."""
    from django.contrib.auth import get_user_model
    from django.test import Client
    from playwright.sync_api import sync_playwright

    from monitors.models import Source

    client = Client()
    client.force_login(get_user_model().objects.get(email=OWNER))
    pages = [
        client.get(f"/mentions/?source={pk}", HTTP_HOST="127.0.0.1").content.decode()
        for pk in Source.objects.filter(name__contains="script-laden").values_list("pk", flat=True)
    ]
    shown = sum(html.count("Scripted") for html in pages)
    print(f"  the Mentions pages Chromium opened show 'Scripted' {shown} times")
    dialogs = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium")
        page = browser.new_page()
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        for html in pages:
            page.set_content(html)
            page.wait_for_timeout(1000)
        browser.close()
    return len(dialogs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", help="run only the faults whose name contains this text")
    parser.add_argument("--repeat", type=int, default=1, help="run each chosen fault N times")
    args = parser.parse_args()
    faults = [f for f in FAULTS if not args.only or args.only in f] * args.repeat
    from chaos_hostile import Hostiles

    started = time.monotonic()
    stack = Stack()
    from tests.monitors.test_hostile_documents import HOSTILE  # needs Django set up

    hostiles = Hostiles(HOSTILE)
    seed(stack, hostiles)
    print(
        f"chaos stack up: {FEEDS} feeds, {len(hostiles.specs)} hostile sources, "
        f"a poll interval = {ROUND:.0f} s"
    )
    rows = []
    try:
        for name in faults:
            stack.publishing = True
            stack.farm.publish()
            time.sleep(TICK * 2)  # mentions flowing: polls and sends in flight
            begun, restarts = time.monotonic(), stack.worker_restarts
            fault(stack, name)
            stack.publishing = False  # let it settle, then count
            figures, took = settle(stack, begun)
            figures["worker restarts"] = stack.worker_restarts - restarts
            rows.append((name, figures, took))
            print(f"  {name}: {figures} recovered in {took and round(took)} s", flush=True)
        hostile = hostile_row(stack, hostiles)
    finally:
        stack.stop()
    width = max(len(r[0]) for r in rows)
    print("\n" + "fault".ljust(width) + " | " + " | ".join(COLUMNS) + " | recovered in")
    for name, figures, took in rows:
        print(
            name.ljust(width)
            + " | "
            + " | ".join(str(figures[c]).rjust(len(c)) for c in COLUMNS)
            + f" | {f'{took:.0f} s' if took else 'not within ' + str(int(SETTLE)) + ' s'}"
        )
    print("\n" + " | ".join(hostile))
    print(f"\nchaos run took {time.monotonic() - started:.0f} s")


if __name__ == "__main__":
    main()
