"""A real Celery worker process on Redis writes into PostgreSQL; `runall` runs all three parts."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from reviewwatch.models import Heartbeat
from reviewwatch.tasks import heartbeat

ROOT = Path(__file__).resolve().parents[2]


def wait_for(predicate, timeout: float = 60, every: float = 0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if value := predicate():
            return value
        time.sleep(every)
    raise AssertionError("timed out waiting")


@pytest.mark.worker
def test_worker_process_runs_a_task_that_writes_a_row(celery_worker_process, settings):
    assert settings.CELERY_BROKER_URL.startswith("redis://")
    heartbeat.delay("integration-test")
    row = wait_for(lambda: Heartbeat.objects.filter(name="integration-test").first())
    assert row.seen_at is not None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# Beat sends a heartbeat a minute after the last one; the test leaves one overdue, so the first
# goes out as beat starts. Start-up and a worker's restart on a machine loaded by the parallel
# suite can still take longer than the suite's 120 s per test.
OVERDUE_HEARTBEAT = """
from datetime import timedelta
from django.utils import timezone
from django_celery_beat.models import IntervalSchedule, PeriodicTask
every, _ = IntervalSchedule.objects.get_or_create(every=60, period=IntervalSchedule.SECONDS)
PeriodicTask.objects.create(
    name="heartbeat", task="reviewwatch.heartbeat", interval=every,
    last_run_at=timezone.now() - timedelta(minutes=2),
)
"""


@pytest.mark.worker
@pytest.mark.timeout(300)
def test_runall_serves_login_runs_worker_and_beat_restarts_a_killed_worker_and_stops_on_sigterm(
    tmp_path,
):
    """What `make run` does, on the embedded defaults: SQLite and the filesystem broker."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(
        {
            "RW_VAR_DIR": str(tmp_path / "var"),
            "RW_OWNER_EMAIL": "o@example.com",
            "RW_OWNER_PASSWORD": "long-enough-secret-1",
        }
    )
    manage = [sys.executable, "manage.py"]
    steps = (["migrate", "--noinput", "-v0"], ["ensure_owner"], ["shell", "-c", OVERDUE_HEARTBEAT])
    for step in steps:
        subprocess.run(
            manage + step, cwd=ROOT, env=env, check=True, capture_output=True, timeout=120
        )
    port = free_port()
    log_path = tmp_path / "run.log"
    with open(log_path, "w") as log:
        proc = subprocess.Popen(
            manage + ["runall", "--port", str(port)],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
    try:
        url = wait_for(lambda: re.search(r"running at (http://\S+/)", log_path.read_text()))[1]
        assert url == f"http://127.0.0.1:{port}/"
        page = wait_for(lambda: _get(url + "accounts/login/"))
        assert page.status_code == 200 and "Log in to ReviewWatch" in page.text
        wait_for(lambda: "ready." in log_path.read_text(), timeout=60)
        wait_for(lambda: "beat: Starting" in log_path.read_text(), timeout=60)
        wait_for(
            lambda: (
                "reviewwatch.heartbeat" in log_path.read_text()
                and "succeeded" in log_path.read_text()
            ),
            timeout=150,
        )
        worker = int(re.search(r"worker pid (\d+)", log_path.read_text())[1])
        os.killpg(worker, signal.SIGKILL)  # the out-of-memory killer, say
        wait_for(lambda: "worker started again" in log_path.read_text(), timeout=30)
        wait_for(lambda: log_path.read_text().count("ready.") == 2, timeout=90)
    finally:
        proc.send_signal(signal.SIGTERM)
        code = proc.wait(timeout=40)
    output = log_path.read_text()
    assert code == 0, output[-3000:]
    assert "worker exited with code -9; starting it again in 1 s" in output
    assert "Stopped web, worker and beat." in output


def _get(url: str):
    """The page, or None while the server is still starting (refused, reset or slow to answer)."""
    try:
        return requests.get(url, timeout=2)
    except requests.RequestException:
        return None


def test_runall_stops_everything_when_a_part_keeps_exiting(monkeypatch, capsys):
    """A worker that dies again at once is broken, not unlucky: after a restart or two, all
    three stop with a non-zero code, so a service manager or a person notices."""
    from reviewwatch.management.commands import runall

    monkeypatch.setattr(runall, "MAX_RESTARTS", 2)
    waiting = [sys.executable, "-c", "import time; time.sleep(60)"]
    command = runall.Command()
    command.commands = lambda host, port: {
        "web": waiting,
        "worker": [sys.executable, "-c", "import sys; sys.exit(3)"],
        "beat": waiting,
    }
    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    started = time.monotonic()
    try:
        with pytest.raises(SystemExit) as stopped:
            command.handle(host="127.0.0.1", port="0")
    finally:
        for sig, handler in handlers.items():  # runall takes these over for its own process
            signal.signal(sig, handler)
    assert stopped.value.code == 1
    assert time.monotonic() - started < 30
    err = capsys.readouterr().err
    assert "worker exited with code 3; starting it again in 1 s" in err
    assert "worker exited 2 times in 300 s (last code 3); stopping." in err
