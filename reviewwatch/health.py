"""Checks that the database and the broker answer, for /healthz and for start-up."""

from __future__ import annotations

from django.conf import settings
from django.db import connection


def check_database() -> str | None:
    """None when the database answers, else the error in words."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as exc:
        return f"{type(exc).__name__}: {str(exc).strip().splitlines()[0] if str(exc) else ''}"
    return None


def check_broker(timeout: float = 3.0) -> str | None:
    """None when the Celery broker accepts a connection, else the error in words."""
    from reviewwatch.celery import app

    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=timeout)
            if settings.CELERY_BROKER_URL.startswith("redis"):
                conn.default_channel.client.ping()
    except Exception as exc:
        return f"{type(exc).__name__}: {str(exc).strip().splitlines()[0] if str(exc) else ''}"
    return None
