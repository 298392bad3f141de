"""Trustpilot's business-user sign-in: the OAuth 2.0 authorization-code flow and token renewal.

The password grant is deprecated, so the owner signs in at Trustpilot once; the worker keeps the
access token (about 100 hours) and the refresh token (30 days, renewed with every refresh).
Trustpilot answers 429 to tokens refreshed too often, so a token is renewed only when it is
near its end, and the renewed pair is saved at once (`Access.save_secrets`).

Reference: https://developers.trustpilot.com/authentication and
https://developers.trustpilot.com/grant-type-auth-code
"""

from __future__ import annotations

import base64
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from django.utils import timezone

from monitors.platforms.base import Access, PlatformError
from monitors.platforms.http import ApiSession

PLATFORM_NAME = "Trustpilot"
AUTHORIZE_URL = "https://authenticate.trustpilot.com"
TOKEN_PATH = "/v1/oauth/oauth-business-users-for-applications/accesstoken"
REFRESH_PATH = "/v1/oauth/oauth-business-users-for-applications/refresh"
# Renew this long before the end: a poll every 15 minutes still renews in time, and a
# 100-hour token is renewed about once in 99 hours, far from "too often".
REFRESH_MARGIN = timedelta(hours=1)
SIGN_IN_AGAIN = "Sign in with Trustpilot again on the connection page."


def describe(body: Any) -> str:
    """Trustpilot's gateway says {"fault": {"faultstring": ...}}; its token endpoint may answer
    with OAuth 2.0's own {"error", "error_description"} (RFC 6749 section 5.2)."""
    if not isinstance(body, dict):
        return ""
    fault = body.get("fault")
    if isinstance(fault, dict):
        return str(fault.get("faultstring") or "")
    return str(body.get("error_description") or body.get("error") or body.get("message") or "")


def authorize_url(config: dict[str, Any], redirect_uri: str, state: str) -> str:
    """Where the owner signs in; Trustpilot sends them back to `redirect_uri` with ?code=."""
    query = {
        "client_id": config["api_key"],
        "redirect_uri": redirect_uri,
        "response_type": "code",
        "state": state,
    }
    return f"{AUTHORIZE_URL}?{urlencode(query)}"


def token_session(access: Access) -> ApiSession:
    """HTTP Basic with the API key and secret, as the token endpoints ask."""
    pair = f"{access.config['api_key']}:{access.secrets.get('api_secret', '')}"
    header = "Basic " + base64.b64encode(pair.encode()).decode()
    return ApiSession(access.base_url, PLATFORM_NAME, lambda: {"Authorization": header}, describe)


def tokens_from(answer: Any, doing: str) -> dict[str, str]:
    """The secrets to keep from a token answer; `expires_in` is a string of seconds."""
    try:
        seconds = int(str(answer["expires_in"]))
        access_token = str(answer["access_token"])
    except (TypeError, KeyError, ValueError):
        raise PlatformError(
            "malformed", f"{PLATFORM_NAME} answered {doing} without a usable access token."
        ) from None
    tokens = {
        "access_token": access_token,
        "expires_at": (timezone.now() + timedelta(seconds=seconds)).isoformat(),
    }
    if answer.get("refresh_token"):
        tokens["refresh_token"] = str(answer["refresh_token"])
    return tokens


def exchange_code(access: Access, code: str, redirect_uri: str) -> dict[str, Any]:
    """Trade the code Trustpilot sent back for the first access and refresh tokens."""
    doing = "exchanging the sign-in code for a token"
    answer = token_session(access).request(
        "POST",
        TOKEN_PATH,
        doing,
        data={"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri},
    )
    tokens = tokens_from(answer, doing)
    if "refresh_token" not in tokens:
        raise PlatformError("malformed", f"{PLATFORM_NAME} gave no refresh token when {doing}.")
    return tokens


class TokenKeeper:
    """One connection's business-user token: renewed near its end and saved when renewed."""

    def __init__(self, access: Access):
        self.access = access
        self.secrets = dict(access.secrets)
        self.refreshes = 0  # token calls made, for the poll log

    def signed_in(self) -> bool:
        return bool(self.secrets.get("refresh_token") and self.secrets.get("access_token"))

    def expires_at(self) -> datetime | None:
        try:
            return datetime.fromisoformat(str(self.secrets["expires_at"]))
        except (KeyError, ValueError):
            return None

    def token(self) -> str:
        if not self.signed_in():
            raise PlatformError(
                "credentials", f"Not signed in at {PLATFORM_NAME} yet. {SIGN_IN_AGAIN}"
            )
        ends = self.expires_at()
        if ends is None or ends - timezone.now() < REFRESH_MARGIN:
            self.refresh()
        return self.secrets["access_token"]

    def refresh(self) -> None:
        doing = "renewing the sign-in"
        session = token_session(self.access)
        data = {"grant_type": "refresh_token", "refresh_token": self.secrets["refresh_token"]}
        try:
            answer = session.request("POST", REFRESH_PATH, doing, data=data)
        except PlatformError as error:
            if error.status == 400:  # the refresh token lapsed (30 days) or was revoked
                raise PlatformError(
                    "credentials",
                    f"{PLATFORM_NAME} no longer accepts this connection's sign-in. {SIGN_IN_AGAIN}",
                    status=400,
                ) from None
            raise
        finally:
            self.refreshes += session.calls
        self.secrets.update(tokens_from(answer, doing))
        self.access.save_secrets(dict(self.secrets))

    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token()}"}
