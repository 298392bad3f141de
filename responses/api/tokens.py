"""Personal API tokens: made and revoked on Settings, checked on every API request, and the
per-token rate limit (a token bucket in the database, shared by every web worker)."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.request import Request
from rest_framework.throttling import BaseThrottle

from responses.models import ApiToken
from reviewwatch.throttle import allow

SECRET_PREFIX = "rw_"
SHOWN_CHARS = 8  # of the secret, after the prefix: enough to tell one's tokens apart
LAST_USED_PRECISION = timedelta(minutes=1)  # at most one write per token and minute
NOT_VALID = "This token is not valid: it is unknown, revoked or expired."


def digest_of(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_token(user, name: str, expires_at: datetime | None = None) -> tuple[ApiToken, str]:
    """A new token and its secret, which is not stored and cannot be shown again."""
    secret = SECRET_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name.strip(),
        digest=digest_of(secret),
        prefix=secret[: len(SECRET_PREFIX) + SHOWN_CHARS],
        expires_at=expires_at,
    )
    return token, secret


def revoke_token(user, token_id: int) -> bool:
    """Revoke one of the person's own live tokens; False when there was none to revoke."""
    found = ApiToken.objects.filter(pk=token_id, user=user, revoked_at__isnull=True)
    return bool(found.update(revoked_at=timezone.now()))


def token_for(secret: str) -> ApiToken | None:
    """The live token with this secret, of an active person, noting when it was last used."""
    if not secret.startswith(SECRET_PREFIX) or len(secret) > 100:
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(digest=digest_of(secret), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None or not token.is_live:
        return None
    now = timezone.now()
    stale = Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - LAST_USED_PRECISION)
    ApiToken.objects.filter(stale, pk=token.pk).update(last_used_at=now)
    return token


class BearerTokenAuthentication(BaseAuthentication):
    """`Authorization: Bearer rw_…`: the request acts as the token's person."""

    def authenticate(self, request: Request):
        words = get_authorization_header(request).split()
        if not words or words[0].lower() != b"bearer":
            return None
        if len(words) != 2:
            raise AuthenticationFailed("Send the header as: Authorization: Bearer <token>.")
        token = token_for(words[1].decode("latin-1"))
        if token is None:
            raise AuthenticationFailed(NOT_VALID)
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        return 'Bearer realm="api"'


class BearerTokenScheme(OpenApiAuthenticationExtension):
    """How drf-spectacular describes the tokens in the OpenAPI document."""

    target_class = BearerTokenAuthentication
    name = "personalToken"

    def get_security_definition(self, auto_schema) -> dict:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A personal API token made on Settings → API tokens.",
        }


class PerTokenThrottle(BaseThrottle):
    """RW_API_REQUESTS_PER_MINUTE per token, refilled evenly; past it, 429 with Retry-After."""

    def allow_request(self, request: Request, view) -> bool:
        token = request.auth
        if not isinstance(token, ApiToken):
            return True  # not signed in: refused by the permission check instead
        per_minute = settings.RW_API_REQUESTS_PER_MINUTE
        return allow("api-token", str(token.pk), per_minute, timedelta(minutes=1))

    def wait(self) -> float:
        return 60 / settings.RW_API_REQUESTS_PER_MINUTE
