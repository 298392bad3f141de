"""Shared fixtures: people with each role, the browser set-up, and real local services."""

from __future__ import annotations

import hashlib
import os
import subprocess
from pathlib import Path

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright + live_server
# Tests poll many sources on 127.0.0.1 in a row; the per-host gap is tested on its own.
os.environ.setdefault("RW_HOST_MIN_GAP_SECONDS", "0")

PASSWORD = "correct-horse-battery-staple"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


ROOT = Path(__file__).resolve().parents[1]


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--docs-dir",
        default=None,
        help="write the README's screenshot and samples here (`make docs` passes docs/)",
    )


TRACKED = pytest.StashKey[dict[str, str]]()


def tracked_files() -> dict[str, str]:
    """SHA-256 of every file git tracks (empty outside a git checkout)."""
    listed = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=False
    ).stdout.decode()
    digests = {}
    for name in filter(None, listed.split("\0")):
        path = ROOT / name
        if path.is_file():
            digests[name] = hashlib.sha256(path.read_bytes()).hexdigest()
    return digests


def pytest_sessionstart(session: pytest.Session) -> None:
    session.config.stash[TRACKED] = tracked_files()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Tests write only under tmp paths: a run that changed a tracked file fails."""
    if session.config.getoption("--docs-dir"):
        return  # `make docs` rewrites docs/ on purpose
    before, after = session.config.stash.get(TRACKED, {}), tracked_files()
    changed = sorted(name for name, digest in before.items() if after.get(name) != digest)
    if changed:
        print(f"\nTracked files changed during the run (by a test or by you): {', '.join(changed)}")
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.fixture
def docs_dir(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    """Where tests write docs/inbox.png and docs/sample-*.txt: a tmp path unless `make docs`."""
    chosen = request.config.getoption("--docs-dir")
    if not chosen:
        return tmp_path
    Path(chosen).mkdir(parents=True, exist_ok=True)
    return Path(chosen)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    """Use Debian's Chromium; Playwright must never download a browser."""
    return {
        **browser_type_launch_args,
        "executable_path": "/usr/bin/chromium",
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture(autouse=True)
def no_host_gap(settings):
    settings.RW_HOST_MIN_GAP_SECONDS = 0


def make_user(email: str, role: str):
    from reviewwatch.management.commands.createuser import create_user

    return create_user(email, PASSWORD, role)


@pytest.fixture
def owner(db):
    return make_user("alice@example.com", "owner")


@pytest.fixture
def staff(db):
    return make_user("bob@example.com", "staff")


@pytest.fixture
def other_staff(db):
    return make_user("carol@example.com", "staff")


@pytest.fixture
def owner_client(client, owner):
    client.force_login(owner)
    return client


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


class CeleryWorker:
    """A real `celery worker` process on the test Redis and the test database."""

    def __init__(self, env: dict[str, str], log_path):
        import subprocess
        import sys

        self.log_path = log_path
        celery = str(Path(sys.executable).parent / "celery")
        self.log = open(log_path, "w")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [
                celery,
                "-A",
                "reviewwatch",
                "worker",
                "-l",
                "info",
                "--concurrency",
                "1",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "-n",
                "test@%h",
            ],
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def wait_ready(self, timeout: float = 30) -> None:
        import time

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if "ready." in Path(self.log_path).read_text():
                return
            if self.process.poll() is not None:
                break
            time.sleep(0.2)
        raise AssertionError("worker did not start:\n" + Path(self.log_path).read_text()[-3000:])

    def output(self) -> str:
        return Path(self.log_path).read_text()

    def stop(self, sig: int | None = None) -> None:
        import signal

        if self.process.poll() is None:
            import os as _os

            _os.killpg(self.process.pid, sig or signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except Exception:
                _os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.log.close()


@pytest.fixture
def worker_env(transactional_db, tmp_path) -> dict[str, str]:
    """Environment for a subprocess that must see this test's (committed) database rows."""
    from django.db import connection

    db = connection.settings_dict
    return {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "RW_VAR_DIR": str(tmp_path / "var"),
    }


@pytest.fixture
def celery_worker_process(worker_env, tmp_path):
    worker = CeleryWorker(worker_env, tmp_path / "worker.log")
    worker.wait_ready()
    yield worker
    worker.stop()
