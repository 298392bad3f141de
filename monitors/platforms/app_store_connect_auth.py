"""App Store Connect API keys: reading the .p8 private key, and signing the short-lived JWT
every request carries as its bearer token.

Reference: https://developer.apple.com/documentation/appstoreconnectapi/generating-tokens-for-api-requests
(header alg ES256, kid, typ JWT; claims iss, iat, exp, aud "appstoreconnect-v1"; tokens that
expire more than 20 minutes ahead are refused; reuse one token until it expires).
"""

from __future__ import annotations

import re
import time

import jwt
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

AUDIENCE = "appstoreconnect-v1"
# Apple refuses tokens that expire more than 20 minutes ahead of its own clock: a minute spare
# keeps a token valid when our clock runs a little ahead of Apple's.
LIFETIME = 19 * 60
RENEW_BEFORE = 60  # seconds before `exp` that a cached token is replaced

ISSUER_ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.I)
KEY_ID = re.compile(r"[A-Z0-9]{10}")
_PEM = re.compile(r"-----BEGIN PRIVATE KEY-----(.*?)-----END PRIVATE KEY-----", re.S)


class InvalidKey(ValueError):
    """The text is not a usable App Store Connect private key; the message never quotes it."""


def normalise_pem(text: str) -> str:
    """The key as a PEM block, also when pasting lost its line breaks."""
    found = _PEM.search(text)
    if not found:
        raise InvalidKey(
            "This is not a .p8 private key: it should start with -----BEGIN PRIVATE KEY-----."
        )
    body = "".join(found.group(1).split())
    lines = [body[i : i + 64] for i in range(0, len(body), 64)]
    return "\n".join(["-----BEGIN PRIVATE KEY-----", *lines, "-----END PRIVATE KEY-----", ""])


def load_private_key(text: str) -> ec.EllipticCurvePrivateKey:
    """The key of a .p8 file (PKCS #8, EC P-256), or InvalidKey saying why it is not one."""
    pem = normalise_pem(text)
    try:
        key = serialization.load_pem_private_key(pem.encode(), password=None)
    except (ValueError, TypeError, UnsupportedAlgorithm):
        raise InvalidKey(
            "This .p8 file could not be read as a private key: download a new key in App Store "
            "Connect (Users and Access → Integrations) and upload that file unchanged."
        ) from None
    if not isinstance(key, ec.EllipticCurvePrivateKey) or not isinstance(key.curve, ec.SECP256R1):
        raise InvalidKey(
            "This private key is not an App Store Connect API key (those are EC P-256 keys "
            "for ES256 signatures)."
        )
    return key


class TokenSigner:
    """Signs the bearer token for one API key and reuses it until shortly before it expires."""

    def __init__(self, issuer_id: str, key_id: str, private_key: str):
        self.issuer_id, self.key_id = issuer_id, key_id
        self._private_key = private_key
        self._key: ec.EllipticCurvePrivateKey | None = None
        self._token, self._expires = "", 0

    def __repr__(self) -> str:
        return f"TokenSigner(key_id={self.key_id!r})"

    def key(self) -> ec.EllipticCurvePrivateKey:
        """The private key, read once; InvalidKey when the stored text is not one."""
        if self._key is None:
            self._key = load_private_key(self._private_key)
        return self._key

    def token(self) -> str:
        now = int(time.time())
        if self._token and now < self._expires - RENEW_BEFORE:
            return self._token
        expires = now + LIFETIME
        claims = {"iss": self.issuer_id, "iat": now, "exp": expires, "aud": AUDIENCE}
        headers = {"kid": self.key_id, "typ": "JWT"}
        self._token = jwt.encode(claims, self.key(), algorithm="ES256", headers=headers)
        self._expires = expires
        return self._token
