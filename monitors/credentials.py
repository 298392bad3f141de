"""Credentials for outside services, encrypted at rest with Fernet (AES-128-CBC + HMAC-SHA256).

The keys come from `RW_CREDENTIALS_KEY` (one or more Fernet keys, comma-separated, newest
first), else from one generated once into `var/credentials_key`. Decryption tries every key,
encryption uses the first: to rotate, put a new key in front, restart, run
`manage.py rotate_credentials`, then drop the old key.
"""

from __future__ import annotations

import json
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from reviewwatch.keyfile import read_or_create_key


class CredentialsUnreadable(Exception):
    """Stored credentials that none of the configured keys can open."""


def _key_from_file() -> str:
    return read_or_create_key(
        settings.VAR_DIR / "credentials_key", lambda: Fernet.generate_key().decode()
    )


@cache
def _fernet() -> MultiFernet:
    keys = [key.strip() for key in settings.RW_CREDENTIALS_KEY.split(",") if key.strip()]
    try:
        return MultiFernet([Fernet(key) for key in keys or [_key_from_file()]])
    except ValueError as error:
        raise ImproperlyConfigured(
            "RW_CREDENTIALS_KEY must be Fernet keys (32 url-safe base64-encoded bytes), "
            "comma-separated, such as the output of python3 -c 'from cryptography.fernet "
            "import Fernet; print(Fernet.generate_key().decode())'."
        ) from error


def encrypt(secrets: dict) -> str:
    return _fernet().encrypt(json.dumps(secrets, sort_keys=True).encode()).decode()


def decrypt(token: str) -> dict:
    if not token:
        return {}
    try:
        return json.loads(_fernet().decrypt(token.encode()))
    except InvalidToken as error:
        raise CredentialsUnreadable(
            "The stored credentials cannot be opened with RW_CREDENTIALS_KEY: was the key "
            "changed without keeping the old one after it? Connect again to store new ones."
        ) from error


def rotate(token: str) -> str:
    """The same secrets encrypted with the newest key."""
    try:
        return _fernet().rotate(token.encode()).decode()
    except InvalidToken as error:
        raise CredentialsUnreadable("No configured key opens these credentials.") from error
