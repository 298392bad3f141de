"""Sources → Connections as the owner uses them: connect with a key file or by signing in at the
platform, test on the worker, add what a connection reads — and never see a secret again.
(Staff are refused every page here: tests/foundation/test_roles.py walks them all.)"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from monitors import credentials
from monitors.models import Connection, Platform, Source
from tests.platforms.conftest import PACKAGE
from tests.platforms.google_play_contract import PRIVATE_PEM, PlayReview, service_account_key
from tests.platforms.test_google_business import (
    ACCESS_TOKEN,
    BEARER,
    CLIENT_ID,
    CLIENT_SECRET,
    LOCATION,
    REFRESH_TOKEN,
    REVIEWS,
    review,
    signs_in,
)
from tests.queued import run_queued_tasks

pytestmark = pytest.mark.django_db
PEM_LINE = PRIVATE_PEM.splitlines()[1]


def key_file() -> SimpleUploadedFile:
    body = json.dumps(service_account_key()).encode()
    return SimpleUploadedFile("bakery-app-4f1c.json", body, content_type="application/json")


def connect_play(owner_client, play) -> Connection:
    response = owner_client.post(
        reverse("connection_add", args=["google_play"]),
        {"name": "Bakery Play", "base_url": play.base_url, "service_account_key": key_file()},
    )
    connection = Connection.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "connection_detail", args=[connection.pk]
    )
    return connection


def test_a_stranger_is_sent_to_log_in(client):
    response = client.get(reverse("connection_list"))
    assert response.status_code == 302 and "/login" in response["Location"]


def test_the_connections_page_offers_every_platform(owner_client):
    page = owner_client.get(reverse("connection_list")).content.decode()
    for name in ("Google Play", "App Store Connect", "Google Business Profile", "Trustpilot"):
        assert name in page


def test_a_key_file_is_stored_encrypted_and_never_shown_back(owner_client, play):
    connection = connect_play(owner_client, play)
    assert PEM_LINE not in connection.secrets
    assert credentials.decrypt(connection.secrets)["service_account"]["private_key"] == PRIVATE_PEM
    for url in (
        reverse("connection_detail", args=[connection.pk]),
        reverse("connection_edit", args=[connection.pk]),
        reverse("connection_list"),
    ):
        page = owner_client.get(url).content.decode()
        assert PEM_LINE not in page and "PRIVATE KEY" not in page
    detail = owner_client.get(reverse("connection_detail", args=[connection.pk])).content.decode()
    assert "reviews@bakery-app.iam.gserviceaccount.com, key …c3d2e1" in detail


def test_editing_without_a_new_key_keeps_the_stored_one(owner_client, play):
    connection = connect_play(owner_client, play)
    owner_client.post(
        reverse("connection_edit", args=[connection.pk]),
        {"name": "Bakery Play (main)", "base_url": play.base_url},
    )
    connection.refresh_from_db()
    assert connection.name == "Bakery Play (main)"
    assert credentials.decrypt(connection.secrets)["service_account"]["private_key"] == PRIVATE_PEM


def test_a_file_that_is_not_a_key_is_refused_with_the_reason(owner_client):
    upload = SimpleUploadedFile("notes.json", b'{"hello": "world"}')
    response = owner_client.post(
        reverse("connection_add", args=["google_play"]),
        {"name": "Play", "service_account_key": upload},
    )
    assert response.status_code == 200 and not Connection.objects.exists()
    assert "This is not a service-account JSON key" in response.content.decode()


def test_test_connection_runs_on_the_worker_and_says_what_works(owner_client, play):
    play.add(PACKAGE, PlayReview("gp:1", "Ann", "Fine", 4, modified=datetime.now(UTC)))
    connection = connect_play(owner_client, play)
    owner_client.post(reverse("connection_test", args=[connection.pk]), {"target": PACKAGE})
    waiting = owner_client.get(reverse("connection_checks", args=[connection.pk])).content.decode()
    assert "Testing" in waiting or "testing" in waiting
    assert "monitors.tasks.test_connection" in run_queued_tasks()
    checks = owner_client.get(reverse("connection_checks", args=[connection.pk])).content.decode()
    assert "Google accepted the service-account key" in checks
    assert "may read and reply to reviews of com.bakery.orders" in checks
    assert Connection.objects.get().status == Connection.Status.OK


def test_test_connection_names_the_permission_a_service_account_lacks(owner_client, play):
    play.apps[PACKAGE] = []  # the app exists; this service account was never given it
    connection = connect_play(owner_client, play)
    owner_client.post(reverse("connection_test", args=[connection.pk]), {"target": PACKAGE})
    run_queued_tasks()
    page = owner_client.get(reverse("connection_detail", args=[connection.pk])).content.decode()
    assert "The key is valid, but this service account may not reply to reviews of" in page
    assert Connection.objects.get().status == Connection.Status.BROKEN


def test_a_source_added_from_the_connection_is_due_at_once(owner_client, play):
    connection = connect_play(owner_client, play)
    response = owner_client.post(
        reverse("connection_source_add", args=[connection.pk]),
        {
            "name": "Bakery app",
            "platform_target": PACKAGE,
            "poll_interval_minutes": 30,
            "history_days": 14,
        },
    )
    source = Source.objects.get()
    assert response["Location"] == reverse("source_detail", args=[source.pk])
    assert (source.kind, source.connection, source.platform_target) == (
        Platform.GOOGLE_PLAY,
        connection,
        PACKAGE,
    )
    assert owner_client.post(reverse("connection_delete", args=[connection.pk])).status_code == 302
    assert Connection.objects.exists()  # its source still reads through it


def google_business_connection(owner_client, httpserver) -> Connection:
    owner_client.post(
        reverse("connection_add", args=["google_business"]),
        {
            "name": "Bakery on Google",
            "base_url": httpserver.url_for("").rstrip("/"),
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
        },
    )
    return Connection.objects.get()


def test_signing_in_at_google_connects_the_profile_and_lists_its_locations(
    owner_client, httpserver
):
    connection = google_business_connection(owner_client, httpserver)
    detail = owner_client.get(reverse("connection_detail", args=[connection.pk])).content.decode()
    assert "Not signed in yet" in detail
    assert "http://testserver/sources/connections/signed-in" in detail

    away = owner_client.post(reverse("connection_sign_in", args=[connection.pk]))
    to_google = urlsplit(away["Location"])
    assert to_google.netloc == "accounts.google.com"
    query = {key: values[0] for key, values in parse_qs(to_google.query).items()}
    assert query["client_id"] == CLIENT_ID and CLIENT_SECRET not in away["Location"]
    assert query["redirect_uri"] == "http://testserver/sources/connections/signed-in"

    httpserver.expect_request(
        "/token",
        method="POST",
        data_form={
            "code": "4/0AeanS0code",
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
            "redirect_uri": query["redirect_uri"],
            "grant_type": "authorization_code",
        },
    ).respond_with_json(
        {"access_token": ACCESS_TOKEN, "expires_in": 3599, "refresh_token": REFRESH_TOKEN}
    )
    signs_in(httpserver)
    httpserver.expect_request(
        REVIEWS, query_string={"pageSize": "1"}, headers=BEARER
    ).respond_with_json(
        {
            "reviews": [review(1, "2026-11-30T10:00:00Z")],
            "averageRating": 4.5,
            "totalReviewCount": 9,
        }
    )
    httpserver.expect_request("/v1/accounts", headers=BEARER).respond_with_json(
        {"accounts": [{"name": "accounts/111", "accountName": "Ana", "type": "PERSONAL"}]}
    )
    httpserver.expect_request("/v1/accounts/111/locations", headers=BEARER).respond_with_json(
        {"locations": [{"name": "locations/222", "title": "Bakery on Main St"}]}
    )

    back = owner_client.get(
        reverse("connection_signed_in"), {"code": "4/0AeanS0code", "state": query["state"]}
    )
    assert back["Location"] == reverse("connection_detail", args=[connection.pk])
    assert run_queued_tasks() == ["monitors.tasks.finish_sign_in"]
    httpserver.check_assertions()

    connection.refresh_from_db()
    assert credentials.decrypt(connection.secrets)["refresh_token"] == REFRESH_TOKEN
    assert REFRESH_TOKEN not in connection.secrets
    assert connection.status == Connection.Status.OK, connection.checks
    assert connection.checks_target == LOCATION
    detail = owner_client.get(reverse("connection_detail", args=[connection.pk])).content.decode()
    assert "Signed in" in detail and "Not signed in yet" not in detail
    assert f'<option value="{LOCATION}">Bakery on Main St ({LOCATION})</option>' in detail
    assert REFRESH_TOKEN not in detail and CLIENT_SECRET not in detail


def test_a_sign_in_link_not_started_here_is_refused(owner_client, httpserver):
    connection = google_business_connection(owner_client, httpserver)
    owner_client.post(reverse("connection_sign_in", args=[connection.pk]))
    forged = owner_client.get(
        reverse("connection_signed_in"), {"code": "4/attacker", "state": "guessed"}
    )
    assert forged["Location"] == reverse("connection_list")
    assert run_queued_tasks() == []
    page = owner_client.get(forged["Location"]).content.decode()
    assert "This sign-in link is not the one ReviewWatch started" in page


def test_declining_at_google_says_so_and_changes_nothing(owner_client, httpserver):
    connection = google_business_connection(owner_client, httpserver)
    away = owner_client.post(reverse("connection_sign_in", args=[connection.pk]))
    state = parse_qs(urlsplit(away["Location"]).query)["state"][0]
    back = owner_client.get(
        reverse("connection_signed_in"), {"error": "access_denied", "state": state}
    )
    page = owner_client.get(back["Location"]).content.decode()
    assert "Google Business Profile did not sign you in: access_denied" in page
    assert run_queued_tasks() == [] and "refresh_token" not in credentials.decrypt(
        Connection.objects.get().secrets
    )
