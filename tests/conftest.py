"""Shared fixtures: people with each role, the browser set-up, and real local services."""

from __future__ import annotations

import hashlib
import os
import subprocess
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright + live_server
# Tests poll many sources on 127.0.0.1 in a row; the per-host gap is tested on its own.
os.environ.setdefault("RW_HOST_MIN_GAP_SECONDS", "0")

# Parallel runs (pytest-xdist): worker gwN uses Redis db B + N, where B is the db of REDIS_URL
# (`make test` passes db 12), so no two workers share a queue. pytest-django has loaded the
# settings before this conftest is imported, so both the environment (which the subprocesses
# tests start inherit) and the loaded settings are updated here, before any test runs.


def xdist_worker_number() -> int:
    """N for xdist worker gwN; 0 in a serial run or in the xdist controller."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    return int(worker[2:]) if worker.startswith("gw") else 0


def for_this_worker(url: str) -> str:
    """A redis:// URL moved from its db B to db B + N on xdist worker gwN."""
    parts = urlsplit(url)
    base = int(parts.path.strip("/") or 0)
    path = f"/{base + xdist_worker_number()}"
    return urlunsplit((parts.scheme, parts.netloc, path, parts.query, parts.fragment))


def _use_this_workers_redis_db() -> None:
    # Once per process: this module is imported again as tests.conftest by some tests.
    this_process = os.environ.get("PYTEST_XDIST_WORKER") or "serial"
    if os.environ.get("RW_TEST_REDIS_DB_MOVED_FOR") == this_process:
        return
    os.environ["RW_TEST_REDIS_DB_MOVED_FOR"] = this_process
    os.environ.setdefault("RW_TEST_REDIS_URL_GIVEN", os.environ.get("REDIS_URL", ""))
    names = ("REDIS_URL", "CELERY_BROKER_URL")
    for name in names:
        if os.environ.get(name, "").startswith(("redis://", "rediss://")):
            os.environ[name] = for_this_worker(os.environ[name])
    from django.conf import settings

    if not settings.configured:
        return
    for name in names:
        value = getattr(settings, name, "") or ""
        if value.startswith(("redis://", "rediss://")):
            setattr(settings, name, for_this_worker(value))
    from reviewwatch.celery import app

    if app.configured:  # normally not yet: Celery reads the settings on first use
        app.conf.broker_url = settings.CELERY_BROKER_URL


_use_this_workers_redis_db()


def _fast_password_hashing() -> None:
    """MD5 instead of PBKDF2's many rounds: logins in tests need no brute-force resistance."""
    from django.conf import settings

    if settings.configured:
        settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


_fast_password_hashing()

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


def is_xdist_worker(config: pytest.Config) -> bool:
    return hasattr(config, "workerinput")


def pytest_sessionstart(session: pytest.Session) -> None:
    if not is_xdist_worker(session.config):  # the controller checks once for all workers
        session.config.stash[TRACKED] = tracked_files()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Tests write only under tmp paths: a run that changed a tracked file fails."""
    if is_xdist_worker(session.config) or session.config.getoption("--docs-dir"):
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


@pytest.fixture(scope="session", autouse=True)
def patient_browser_assertions() -> None:
    """Playwright's expect() retries for 5 s by default: too short on a loaded 2-core CI machine
    running tests in parallel. What is asserted stays the same; only the wait is longer."""
    from playwright.sync_api import expect

    expect.set_options(timeout=20_000)


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

    def wait_ready(self, timeout: float = 90) -> None:
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
