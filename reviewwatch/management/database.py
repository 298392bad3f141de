"""For management commands that read the database: a fresh checkout (before `make run`, which
migrates) gets "run migrate first" instead of a traceback about a missing table."""

from __future__ import annotations

from django.core.management.base import CommandError
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor


def require_migrated() -> None:
    """Raise CommandError when the database cannot be reached or has unapplied migrations."""
    try:
        executor = MigrationExecutor(connection)
        unapplied = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except DatabaseError as error:
        raise CommandError(
            f"DATABASE_URL: cannot reach the database ({error}). "
            "Fix DATABASE_URL or start the database server."
        ) from None
    if unapplied:
        raise CommandError(
            f"The database is not ready ({len(unapplied)} migrations not applied): "
            "run `python manage.py migrate` first (`make run` does it for you)."
        )
