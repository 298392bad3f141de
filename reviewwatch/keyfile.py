"""Generated key files (var/secret_key, var/credentials_key): created once, race-safe.

The web server, the worker, beat and parallel test workers may all start at the same moment
on a fresh var/. Each writes its candidate key to a private temp file in the same directory
and hard-links it to the final name: the link either succeeds (this key wins) or fails because
the file exists (another process won), so every process ends up reading the same key and none
ever reads a half-written file.
"""

from __future__ import annotations

import errno
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

# A filesystem without hard links falls back to O_EXCL, where a reader can find the file
# before its writer has filled it: such a reader waits this long for the key to appear.
_EMPTY_WAIT_SECONDS = 5.0


def read_or_create_key(path: Path, generate: Callable[[], str]) -> str:
    """The key stored at `path`, creating it (mode 0600) from `generate()` if it is missing."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        _create(path, generate())
    return _read(path)


def _create(path: Path, key: str) -> None:
    fd, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)  # mode 0600
    try:
        with os.fdopen(fd, "w") as temp:
            temp.write(key)
            temp.flush()
            os.fsync(temp.fileno())
        try:
            os.link(temp_name, path)
        except FileExistsError:
            pass  # another process created it first: everyone uses its key
        except OSError as error:
            if error.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV):
                raise
            _create_exclusive(path, key)
    finally:
        os.unlink(temp_name)


def _create_exclusive(path: Path, key: str) -> None:
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    with os.fdopen(fd, "w") as file:
        file.write(key)


def _read(path: Path) -> str:
    deadline = time.monotonic() + _EMPTY_WAIT_SECONDS
    while not (key := path.read_text().strip()) and time.monotonic() < deadline:
        time.sleep(0.05)
    if not key:
        raise ImproperlyConfigured(f"{path} is empty: delete it to have a new key generated.")
    return key
