"""What the worker does with a connection that the web process may not: open its secrets to
test it, to finish an OAuth sign-in, and to list what it can read. "Test connection" stores each
check's verdict (and the targets found) on the connection for the page."""

from __future__ import annotations

import logging

from django.utils import timezone

from monitors import credentials
from monitors.credentials import CredentialsUnreadable
from monitors.models import Connection
from monitors.platforms import access_for, client_for, spec_for
from monitors.platforms.base import Check, PlatformError

log = logging.getLogger(__name__)
MAX_TARGETS = 200  # shown as suggestions on the connection page


def run_checks(connection: Connection, target: str) -> list[Check]:
    try:
        return client_for(connection).check(target)
    except CredentialsUnreadable as error:
        return [Check(False, str(error))]
    except PlatformError as error:
        return [Check(False, error.message)]
    except Exception as error:  # a bug must not leave the page waiting forever
        log.exception("testing connection %s failed unexpectedly", connection.pk)
        return [Check(False, f"The test stopped on an unexpected error ({type(error).__name__}).")]


def readable_targets(connection: Connection) -> list[dict[str, str]]:
    """The apps or locations these credentials can read; [] when the platform cannot say."""
    try:
        targets = client_for(connection).list_targets()
    except (PlatformError, CredentialsUnreadable):
        return []
    return [{"value": t.value, "label": t.label} for t in targets[:MAX_TARGETS]]


def _store_verdict(
    connection: Connection,
    target: str,
    checks: list[Check],
    targets: list[dict[str, str]] | None = None,
) -> None:
    working = all(check.ok for check in checks)
    failing = [check.message for check in checks if not check.ok]
    config = dict(connection.config)
    if working:
        config["targets"] = readable_targets(connection) if targets is None else targets
    Connection.objects.filter(pk=connection.pk).update(
        config=config,
        checks=[{"ok": check.ok, "message": check.message} for check in checks],
        checks_target=target,
        checked_at=timezone.now(),
        status=Connection.Status.OK if working else Connection.Status.BROKEN,
        status_message="" if working else failing[0][:1000],
    )


def test_connection(connection_id: int, target: str) -> None:
    connection = Connection.objects.filter(pk=connection_id).first()
    if connection is None:
        return
    _store_verdict(connection, target, run_checks(connection, target))


def finish_sign_in(connection_id: int, code: str, redirect_uri: str) -> None:
    """Trade the code the platform sent back for tokens, keep them encrypted, then test."""
    connection = Connection.objects.filter(pk=connection_id).first()
    if connection is None:
        return
    target = connection.checks_target if connection.checks_target != "-" else ""
    oauth = spec_for(connection.platform).oauth
    try:
        access = access_for(connection)
        tokens = oauth.exchange_code(access, code, redirect_uri)
    except (PlatformError, CredentialsUnreadable) as error:
        message = getattr(error, "message", str(error))
        _store_verdict(connection, target, [Check(False, f"Signing in did not finish: {message}")])
        return
    connection.config = dict(connection.config) | {"signed_in_at": timezone.now().isoformat()}
    connection.secrets = credentials.encrypt(access.secrets | tokens)
    Connection.objects.filter(pk=connection_id).update(
        config=connection.config, secrets=connection.secrets
    )
    # Test what the owner will most likely read: a source's target, else the first one listed.
    targets = readable_targets(connection)
    source = connection.sources.first()
    target = target or (source.platform_target if source else "")
    target = target or (targets[0]["value"] if targets else "")
    _store_verdict(connection, target, run_checks(connection, target), targets)
