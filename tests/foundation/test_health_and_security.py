"""/healthz names the failing part (and why, to owners only); every page carries the security
headers; the app refuses to start with the placeholder secret key."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from reviewwatch.celery import app as celery_app

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_healthz_reports_ok_when_database_and_broker_answer(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "broker": "ok"}


@pytest.mark.django_db
def test_healthz_tells_a_stranger_only_that_the_broker_fails(client, monkeypatch, caplog):
    monkeypatch.setattr(celery_app.conf, "broker_url", "redis://127.0.0.1:1/0")
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"database": "ok", "broker": "failing"}
    assert "healthz: broker failing: " in caplog.text  # the reason is in the log


def test_healthz_tells_a_logged_in_owner_why_the_broker_fails(owner_client, monkeypatch):
    monkeypatch.setattr(celery_app.conf, "broker_url", "redis://127.0.0.1:1/0")
    body = owner_client.get("/healthz").json()
    assert body["database"] == "ok" and body["broker"].startswith("failing: ")
    assert len(body["broker"]) > len("failing: ")


def test_healthz_gives_staff_no_reasons(staff_client, monkeypatch):
    monkeypatch.setattr(celery_app.conf, "broker_url", "redis://127.0.0.1:1/0")
    assert staff_client.get("/healthz").json()["broker"] == "failing"


def test_healthz_is_503_and_names_the_database_when_it_is_down(tmp_path):
    code = (
        "import django, json; django.setup(); from django.test import Client; "
        "r = Client(HTTP_HOST='127.0.0.1').get('/healthz'); "
        "print(r.status_code, json.dumps(r.json()))"
    )
    env = {
        **os.environ,
        "DATABASE_URL": "postgres://postgres@127.0.0.1:1/nope",
        "RW_VAR_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "reviewwatch.settings",
    }
    env.pop("REDIS_URL", None)
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    status, body = out.stdout.strip().split(" ", 1)
    assert status == "503"
    parsed = json.loads(body)
    assert parsed == {"database": "failing", "broker": "ok"}


def test_pages_send_a_nonce_csp_and_scripts_carry_the_nonce(owner_client):
    response = owner_client.get(reverse("home"))
    csp = response["Content-Security-Policy"]
    assert "object-src 'none'" in csp and "frame-ancestors 'none'" in csp
    nonce = csp.split("'nonce-")[1].split("'")[0]
    body = response.content.decode()
    assert body.count("<script") == body.count(f'nonce="{nonce}"')
    assert "unsafe-inline" not in csp
    assert response["X-Frame-Options"] == "DENY"


def test_post_without_csrf_token_is_refused(owner):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(owner)
    response = strict.post(reverse("invite"), {"email": "x@example.com", "role": "staff"})
    assert response.status_code == 403


def test_celery_accepts_json_only():
    assert celery_app.conf.accept_content == ["json"]
    assert celery_app.conf.task_serializer == "json"


@pytest.mark.django_db
def test_robots_txt_keeps_the_app_out_of_search_engines_but_lets_the_demo_be_polled(client):
    from monitors.robots import robots_allows

    body = client.get("/robots.txt").content.decode()
    assert robots_allows(body, "http://127.0.0.1:8000/demo/reviews", "ReviewWatch/0.1")
    assert not robots_allows(body, "http://127.0.0.1:8000/", "Googlebot")
