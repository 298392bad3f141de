"""Each environment variable changes the setting it documents; bad values give one clear line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ENV_EXAMPLE_SECRET_KEY = next(
    line.split("=", 1)[1]
    for line in (ROOT / ".env.example").read_text().splitlines()
    if line.startswith("SECRET_KEY=")
)
PROBE = (
    "import json, django; django.setup(); from django.conf import settings as s; "
    "print(json.dumps({'engine': s.DATABASES['default']['ENGINE'], "
    "'db_name': str(s.DATABASES['default']['NAME']), 'broker': s.CELERY_BROKER_URL, "
    "'secret': s.SECRET_KEY, 'hosts': s.ALLOWED_HOSTS, 'site': s.SITE_URL, 'tz': s.TIME_ZONE, "
    "'email': s.EMAIL_BACKEND, 'debug': s.DEBUG, 'secure_cookie': s.SESSION_COOKIE_SECURE, "
    "'hsts': s.SECURE_HSTS_SECONDS, 'private': s.RW_ALLOW_PRIVATE_SOURCES}))"
)
MANAGED = [
    "DATABASE_URL",
    "REDIS_URL",
    "CELERY_BROKER_URL",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "SITE_URL",
    "HOST",
    "PORT",
    "TIME_ZONE",
    "EMAIL_HOST",
    "EMAIL_BACKEND",
    "DEBUG",
    "SECURE_HSTS_SECONDS",
    "RW_ALLOW_PRIVATE_SOURCES",
]


def run_settings(tmp_path: Path, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in MANAGED}
    clean.update(
        {"RW_VAR_DIR": str(tmp_path / "var"), "DJANGO_SETTINGS_MODULE": "reviewwatch.settings"}
    )
    clean.update(env)
    return subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )


def settings_with(tmp_path: Path, **env: str) -> dict:
    result = run_settings(tmp_path, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_defaults_need_no_server(tmp_path):
    s = settings_with(tmp_path)
    assert s["engine"] == "django.db.backends.sqlite3"
    assert s["db_name"].startswith(str(tmp_path / "var"))
    assert s["broker"] == "filesystem://"
    assert (tmp_path / "var" / "broker" / "control").is_dir()
    assert s["debug"] is False
    assert s["email"] == "django.core.mail.backends.console.EmailBackend"
    assert s["tz"] == "UTC"
    assert s["site"] == "http://127.0.0.1:8000"
    assert s["secure_cookie"] is False and s["hsts"] == 0
    assert s["private"] is False


def test_secret_key_is_generated_once_into_var(tmp_path):
    first = settings_with(tmp_path)["secret"]
    assert len(first) >= 50
    assert (tmp_path / "var" / "secret_key").read_text().strip() == first
    assert settings_with(tmp_path)["secret"] == first
    assert settings_with(tmp_path, SECRET_KEY="from-env")["secret"] == "from-env"


@pytest.mark.parametrize(
    ("env", "key", "expected"),
    [
        (
            {"DATABASE_URL": "postgres://u@db.example:5432/rw"},
            "engine",
            "django.db.backends.postgresql",
        ),
        ({"DATABASE_URL": "postgres://u@db.example:5432/rw"}, "db_name", "rw"),
        ({"REDIS_URL": "redis://cache:6379/2"}, "broker", "redis://cache:6379/2"),
        (
            {"ALLOWED_HOSTS": "reviews.example.com, other.example"},
            "hosts",
            ["reviews.example.com", "other.example"],
        ),
        ({"SITE_URL": "https://reviews.example.com/"}, "site", "https://reviews.example.com"),
        ({"SITE_URL": "https://reviews.example.com"}, "secure_cookie", True),
        ({"PORT": "8311"}, "site", "http://127.0.0.1:8311"),
        ({"HOST": "reviews.lan", "PORT": "8311"}, "site", "http://reviews.lan:8311"),
        ({"HOST": "0.0.0.0", "PORT": "8311"}, "site", "http://127.0.0.1:8311"),
        (
            {"PORT": "8311", "SITE_URL": "https://reviews.example.com"},
            "site",
            "https://reviews.example.com",
        ),
        ({"SITE_URL": "https://reviews.example.com"}, "hsts", 31536000),
        ({"TIME_ZONE": "Europe/Berlin"}, "tz", "Europe/Berlin"),
        (
            {"EMAIL_HOST": "smtp.example.com"},
            "email",
            "django.core.mail.backends.smtp.EmailBackend",
        ),
        ({"DEBUG": "1"}, "debug", True),
        ({"RW_ALLOW_PRIVATE_SOURCES": "1"}, "private", True),
    ],
)
def test_environment_variable_sets_its_setting(tmp_path, env, key, expected):
    assert settings_with(tmp_path, **env)[key] == expected


@pytest.mark.parametrize(
    ("env", "names"),
    [
        ({"DATABASE_URL": "mysql://root@localhost/rw"}, "DATABASE_URL"),
        ({"DATABASE_URL": "not a url"}, "DATABASE_URL"),
        ({"REDIS_URL": "amqp://guest@localhost//"}, "REDIS_URL"),
        ({"DEBUG": "maybe"}, "DEBUG"),
        ({"SECURE_HSTS_SECONDS": "a year"}, "SECURE_HSTS_SECONDS"),
        ({"PORT": "eighty"}, "PORT"),
        ({"SECRET_KEY": ENV_EXAMPLE_SECRET_KEY}, "SECRET_KEY"),
    ],
)
def test_bad_value_stops_manage_py_with_one_line_naming_the_variable(tmp_path, env, names):
    clean = {k: v for k, v in os.environ.items() if k not in MANAGED}
    clean.update({"RW_VAR_DIR": str(tmp_path / "var"), **env})
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert names in lines[0] and "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("env", "variable"),
    [
        ({"DATABASE_URL": "postgres://postgres@127.0.0.1:1/rw"}, "DATABASE_URL"),
        ({"REDIS_URL": "redis://127.0.0.1:1/0"}, "REDIS_URL"),
    ],
)
def test_unreachable_service_at_start_names_the_variable_and_the_fix(tmp_path, env, variable):
    clean = {k: v for k, v in os.environ.items() if k not in MANAGED}
    clean.update({"RW_VAR_DIR": str(tmp_path / "var"), **env})
    result = subprocess.run(
        [sys.executable, "manage.py", "checkservices"],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    line = next(line for line in result.stderr.splitlines() if line.startswith(variable))
    assert "Fix" in line
