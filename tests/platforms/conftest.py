"""A Google Play connection and source pointed at the local contract server."""

from __future__ import annotations

import pytest

from monitors import credentials
from monitors.models import Connection, Platform, Source
from tests.platforms.google_play_contract import GooglePlayContract, service_account_key

PACKAGE = "com.bakery.orders"


@pytest.fixture
def play(httpserver):
    contract = GooglePlayContract(httpserver)
    yield contract
    httpserver.check_handler_errors()  # every request we sent met the reference


@pytest.fixture
def play_connection(play, db) -> Connection:
    return Connection.objects.create(
        platform=Platform.GOOGLE_PLAY,
        name="Bakery Play account",
        base_url=play.base_url,
        config={"client_email": play.client_email},
        secrets=credentials.encrypt({"service_account": service_account_key()}),
        secrets_hint="reviews@bakery-app.iam.gserviceaccount.com, key …c3d2e1",
    )


@pytest.fixture
def play_source(play, play_connection) -> Source:
    return Source.objects.create(
        name="Bakery app on Google Play",
        kind=Source.Kind.GOOGLE_PLAY,
        connection=play_connection,
        platform_target=PACKAGE,
        url=play.base_url + "/",
    )
