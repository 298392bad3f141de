"""What a new user does before or instead of `make run`: the default SQLite database, fresh.

Each test runs manage.py in a subprocess with no DATABASE_URL, so settings pick SQLite in a
temporary RW_VAR_DIR, exactly as on a fresh checkout.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
UNSET = ("DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL")
SEARCH = """
import json
from monitors.models import Mention
from monitors.search import search_mentions
from tests.responses.test_cases_opening import make_mention, make_source
source = make_source()
make_mention(source, title="Checkout", text="It fails with a bad request error every time.")
make_mention(source, title="Refund", text="Bad service, and my refund request was ignored.")
make_mention(source, title="Cold", text="The soup was cold.")
for query in ('"bad request"', "bad request", 'bad -refund', '"request was"'):
    found = search_mentions(Mention.objects.all(), query).order_by("title")
    print(json.dumps([query, list(found.values_list("title", flat=True))]))
"""


def manage(tmp_path: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in UNSET}
    env.update({"RW_VAR_DIR": str(tmp_path / "var"), "RW_ALLOW_PRIVATE_SOURCES": "1"})
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    "command",
    [["classify"], ["fetch_preview", "http://127.0.0.1:9/feed.xml"]],
    ids=["classify", "fetch_preview"],
)
def test_commands_before_the_first_migrate_say_run_migrate_first(tmp_path, command):
    result = manage(tmp_path, *command, stdin="The soup was cold and the waiter rude.\n")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "run `python manage.py migrate` first" in result.stderr


def test_quoted_phrase_search_finds_the_phrase_on_the_default_database(tmp_path):
    assert manage(tmp_path, "migrate", "-v0").returncode == 0
    result = manage(tmp_path, "shell", "-c", SEARCH)
    assert result.returncode == 0, result.stderr
    lines = [line for line in result.stdout.splitlines() if line.startswith("[")]
    found = dict(json.loads(line) for line in lines)
    assert found == {
        '"bad request"': ["Checkout"],
        "bad request": ["Checkout", "Refund"],
        "bad -refund": ["Checkout"],
        '"request was"': ["Refund"],
    }


INGEST = """
from decimal import Decimal
from monitors.ingest import ingest
from monitors.models import PollLog, Source
from monitors.parsers.base import ReviewRecord
from responses.models import Case
source = Source.objects.create(name="Shop", url="https://shop.example/reviews")
records = [
    ReviewRecord(external_id=str(n), author="Dana" if n < 2 else f"Customer {n}",
                 text="Awful, it broke the first day.", rating=Decimal(1))
    for n in range(4)
]
counts = ingest(source, records, PollLog.objects.create(source=source))
merged = Case.objects.filter(merged_into__isnull=False).count()
print("RESULT", counts.new, Case.objects.count(), merged)
"""


def test_a_polls_negatives_open_their_cases_on_the_default_database(tmp_path):
    assert manage(tmp_path, "migrate", "-v0").returncode == 0
    result = manage(tmp_path, "shell", "-c", INGEST)
    assert result.returncode == 0, result.stderr
    assert "RESULT 4 4 1" in result.stdout  # Dana's second complaint folded into her first


REPORTS = """
from django.test import Client
from tests.conftest import make_user
from tests.responses.test_reports_page import case_answered_after
from datetime import timedelta
from monitors.models import Source
source = Source.objects.create(name="Reviews", url="https://r.example/")
case_answered_after(source, 1, timedelta(minutes=20))
case_answered_after(source, 2, timedelta(minutes=50))
client = Client()
client.force_login(make_user("alice@example.com", "owner"))
page = client.get("/reports/?section=answering", HTTP_HOST="127.0.0.1")
print("STATUS", page.status_code, 'data-report="median">35 min<' in page.content.decode())
"""


def test_reports_work_on_the_default_database(tmp_path):
    assert manage(tmp_path, "migrate", "-v0").returncode == 0
    result = manage(tmp_path, "shell", "-c", REPORTS)
    assert result.returncode == 0, result.stderr
    assert "STATUS 200 True" in result.stdout, result.stdout[-2000:]
