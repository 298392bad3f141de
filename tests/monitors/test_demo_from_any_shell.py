"""The demo's reach to this machine belongs to the demo's sources, not to an environment variable:
`manage.py poll` reads them from a shell that has none of the demo's settings, and an ordinary
source pointing at the same address is still refused."""

from __future__ import annotations

import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from monitors import demo_play
from monitors.demo import DOCUMENTS_BY_KEY
from monitors.models import Mention, Source

ROOT = Path(__file__).resolve().parents[2]
DEMO_SETTINGS = ("RW_ALLOW_PRIVATE_SOURCES", "RW_ALLOW_PLATFORM_BASE_URL")


def poll_from_a_plain_shell(worker_env: dict, source: Source) -> subprocess.CompletedProcess:
    env = {k: v for k, v in worker_env.items() if k not in DEMO_SETTINGS}
    env["RW_VAR_DIR"] = str(
        settings.VAR_DIR
    )  # the key the demo Play app's secrets were sealed with
    return subprocess.run(
        [sys.executable, "manage.py", "poll", str(source.pk)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.usefixtures("transactional_db")
def test_manage_poll_reads_the_demo_sources_from_a_shell_without_the_demos_settings(
    live_server, worker_env
):
    call_command("load_demo", "--base-url", live_server.url, stdout=StringIO())
    reviews = Source.objects.get(name=DOCUMENTS_BY_KEY["reviews"].source_name)
    result = poll_from_a_plain_shell(worker_env, reviews)
    assert result.returncode == 0, result.stderr
    assert "ok:" in result.stdout and Mention.objects.filter(source=reviews).exists()

    play = Source.objects.get(name=demo_play.source_name())
    result = poll_from_a_plain_shell(worker_env, play)
    assert result.returncode == 0, result.stderr
    assert Mention.objects.filter(source=play).exists()


@pytest.mark.usefixtures("transactional_db")
def test_an_ordinary_source_at_the_demos_address_is_still_refused(live_server, worker_env):
    call_command("load_demo", "--base-url", live_server.url, stdout=StringIO())
    copy = Source.objects.create(name="Not the demo", url=f"{live_server.url}/demo/reviews.html")
    result = poll_from_a_plain_shell(worker_env, copy)
    assert result.returncode == 1
    assert "Not the demo: failed" in result.stderr and "127.0.0.1" in result.stderr
    assert not Mention.objects.filter(source=copy).exists()
    assert os.environ.get("RW_ALLOW_PRIVATE_SOURCES") == "1"  # only the subprocess lacked it
