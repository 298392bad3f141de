"""Parallel test workers (pytest-xdist) never share a Redis queue: worker gwN uses db B + N."""

from __future__ import annotations

import os
from urllib.parse import urlsplit

import pytest
from django.conf import settings

from reviewwatch.celery import app
from tests.conftest import xdist_worker_number


def db_of(url: str) -> int:
    return int(urlsplit(url).path.strip("/") or 0)


@pytest.mark.skipif(
    not os.environ.get("RW_TEST_REDIS_URL_GIVEN", "").startswith("redis"),
    reason="runs on the Redis broker only",
)
def test_this_worker_talks_to_its_own_redis_db_in_process_and_in_subprocesses():
    expected = db_of(os.environ["RW_TEST_REDIS_URL_GIVEN"]) + xdist_worker_number()
    # The settings, Celery's own config and the environment a Celery worker subprocess gets.
    for url in (settings.REDIS_URL, settings.CELERY_BROKER_URL, app.conf.broker_url):
        assert db_of(url) == expected, url
    assert db_of(os.environ["REDIS_URL"]) == expected
    with app.connection_for_write() as connection:
        client = connection.default_channel.client
        assert client.connection_pool.connection_kwargs["db"] == expected
