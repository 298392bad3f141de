"""Generated key files: processes starting at once on a fresh var/ all end with one key."""

from __future__ import annotations

import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from reviewwatch.keyfile import read_or_create_key

ROOT = Path(__file__).resolve().parents[2]
# Each process waits for the starting gun, then generates its own key slowly enough that all
# of them have seen the file missing before any of them stores its key.
RACER = """
import os, secrets, sys, time
from pathlib import Path
from reviewwatch.keyfile import read_or_create_key

path, gun = Path(sys.argv[1]), Path(sys.argv[2])
print("ready", flush=True)
while not gun.exists():
    time.sleep(0.005)

def slow_key():
    time.sleep(0.5)
    return secrets.token_urlsafe(50)

print(read_or_create_key(path, slow_key), flush=True)
"""


def race(path: Path, gun: Path, processes: int) -> list[str]:
    racers = [
        subprocess.Popen(
            [sys.executable, "-c", RACER, str(path), str(gun)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(processes)
    ]
    try:
        for racer in racers:  # every process is up and waiting before the gun
            assert racer.stdout.readline().strip() == "ready", racer.stderr.read()
        gun.touch()
        keys = []
        for racer in racers:
            out, err = racer.communicate(timeout=60)
            assert racer.returncode == 0, err
            keys.append(out.strip())
        return keys
    finally:
        for racer in racers:
            if racer.poll() is None:
                racer.kill()


def test_processes_creating_the_same_key_file_at_once_end_with_one_identical_key(tmp_path):
    path = tmp_path / "var" / "secret_key"
    keys = race(path, tmp_path / "go", processes=6)
    assert len(keys) == 6 and len(set(keys)) == 1
    assert path.read_text().strip() == keys[0] and len(keys[0]) >= 50
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert sorted(p.name for p in path.parent.iterdir()) == ["secret_key"]  # no temp files left


def test_an_existing_key_is_read_and_never_replaced(tmp_path):
    path = tmp_path / "credentials_key"
    path.write_text("kept-key\n")
    assert read_or_create_key(path, lambda: pytest.fail("must not generate")) == "kept-key"


def test_an_empty_key_file_is_an_error_not_an_empty_key(tmp_path, monkeypatch):
    monkeypatch.setattr("reviewwatch.keyfile._EMPTY_WAIT_SECONDS", 0.1)
    path = tmp_path / "secret_key"
    path.write_text("")
    started = time.monotonic()
    with pytest.raises(ImproperlyConfigured, match="is empty"):
        read_or_create_key(path, lambda: "unused")
    assert time.monotonic() - started < 5
