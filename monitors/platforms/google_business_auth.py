"""Signing in to Google Business Profile: the owner's own OAuth 2.0 client ("Web application"),
the authorization-code flow, and short-lived access tokens renewed from the kept refresh token.

References:
  https://developers.google.com/identity/protocols/oauth2/web-server
  https://developers.google.com/my-business/content/basic-setup (scope business.manage)
"""

from __future__ import annotations

from functools import partial
from typing import Any
from urllib.parse import urlencode

import requests
from google.auth.exceptions import RefreshError, TransportError
from google.auth.transport.requests import Request
from google.oauth2.credentials import Credentials

from monitors.fetch import USER_AGENT
from monitors.platforms.base import Access, PlatformError
from monitors.platforms.http import TIMEOUT, error_for

PLATFORM_NAME = "Google Business Profile"
DEFAULT_BASE_URL = "https://mybusiness.googleapis.com"  # the v4 reviews API
ACCOUNTS_HOST = "https://mybusinessaccountmanagement.googleapis.com"
LOCATIONS_HOST = "https://mybusinessbusinessinformation.googleapis.com"
AUTHORIZE_URL = "https://accounts.google.com/o/oauth2/v2/auth"
TOKEN_HOST = "https://oauth2.googleapis.com"
SCOPE = "https://www.googleapis.com/auth/business.manage"

RECONNECT = "press Sign in with Google on the connection page"


def host(access: Access, google_host: str) -> str:
    """Google's host for one of its APIs; a contract server (another base URL) stands in for all."""
    base = access.base_url.rstrip("/")
    return google_host if base == DEFAULT_BASE_URL else base


def token_uri(access: Access) -> str:
    return host(access, TOKEN_HOST) + "/token"


def authorize_url(config: dict[str, Any], redirect_uri: str, state: str) -> str:
    """Where the owner's browser goes to let ReviewWatch manage their Business Profile.
    `prompt=consent` makes Google hand out a refresh token even on a second sign-in."""
    query = {
        "client_id": config.get("client_id", ""),
        "redirect_uri": redirect_uri,
        "response_type": "code",
        "scope": SCOPE,
        "access_type": "offline",
        "prompt": "consent",
        "state": state,
    }
    return f"{AUTHORIZE_URL}?{urlencode(query)}"


def _oauth_error(body: Any) -> str:
    return body.get("error_description") or body.get("error", "")


def exchange_code(access: Access, code: str, redirect_uri: str) -> dict[str, Any]:
    """The secrets to keep after the owner signed in: the refresh token."""
    form = {
        "code": code,
        "client_id": access.config.get("client_id", ""),
        "client_secret": access.secrets.get("client_secret", ""),
        "redirect_uri": redirect_uri,
        "grant_type": "authorization_code",
    }
    doing = "signing in (exchanging the sign-in code)"
    try:
        response = requests.post(
            token_uri(access),
            data=form,
            headers={"User-Agent": USER_AGENT},
            timeout=TIMEOUT,
            allow_redirects=False,
        )
    except requests.RequestException as error:
        reason = type(error).__name__
        raise PlatformError("transient", f"Could not reach Google's sign-in ({reason}).") from None
    try:
        body = response.json()
    except ValueError:
        body = None
    if response.status_code in (400, 401) and isinstance(body, dict):
        raise _signin_refused(body.get("error", ""), redirect_uri)
    if not 200 <= response.status_code < 300:
        raise error_for(response, doing, PLATFORM_NAME, _oauth_error)
    token = body.get("refresh_token") if isinstance(body, dict) else None
    if not isinstance(token, str) or not token:
        raise PlatformError(
            "malformed",
            "Google signed you in but sent no refresh token, so ReviewWatch could not stay "
            f"signed in: {RECONNECT} again.",
        )
    return {"refresh_token": token}


def _signin_refused(error: str, redirect_uri: str) -> PlatformError:
    if error == "invalid_grant":
        return PlatformError(
            "invalid",
            "Google did not accept the sign-in code (it works once and only for a few "
            f"minutes): {RECONNECT} again.",
        )
    if error == "redirect_uri_mismatch":
        return PlatformError(
            "invalid",
            f"Google refused the return address {redirect_uri}: add it to the OAuth client's "
            "Authorized redirect URIs in the Google Cloud console, then sign in again.",
        )
    return _client_refused(error)


def _client_refused(error: str) -> PlatformError:
    if error in ("invalid_client", "unauthorized_client"):
        return PlatformError(
            "credentials",
            "Google does not accept this OAuth client ID and secret: check both on the "
            f"connection, then {RECONNECT}.",
        )
    return PlatformError(
        "credentials", f"Google refused the sign-in ({error or 'no reason given'}): {RECONNECT}."
    )


class GoogleSignIn:
    """Bearer headers for the owner's Google account, renewing the access token when due."""

    def __init__(self, access: Access):
        self.access = access
        self.refresh_token = access.secrets.get("refresh_token") or ""
        self.credentials = Credentials(
            token=None,
            refresh_token=self.refresh_token,
            client_id=access.config.get("client_id", ""),
            client_secret=access.secrets.get("client_secret", ""),
            token_uri=token_uri(access),
        )
        session = requests.Session()
        session.headers["User-Agent"] = USER_AGENT
        self.request = partial(Request(session), timeout=TIMEOUT)
        self.refreshes = 0  # token requests made, counted with the API calls

    def headers(self) -> dict[str, str]:
        if not self.credentials.valid:
            self.refresh()
        return {"Authorization": f"Bearer {self.credentials.token}"}

    def refresh(self) -> None:
        if not self.refresh_token:
            raise PlatformError(
                "credentials", f"This connection is not signed in to Google yet: {RECONNECT}."
            )
        self.refreshes += 1
        try:
            self.credentials.refresh(self.request)
        except RefreshError as error:
            raise _refresh_failure(error) from None
        except TransportError:
            raise PlatformError(
                "transient", "Could not reach Google's sign-in service to renew the access."
            ) from None
        renewed = self.credentials.refresh_token
        if renewed and renewed != self.refresh_token:  # Google may rotate it: keep the new one
            self.refresh_token = renewed
            self.access.save_secrets({**self.access.secrets, "refresh_token": renewed})


def _refresh_failure(error: RefreshError) -> PlatformError:
    """What google-auth's RefreshError(details, response_body) means for the owner."""
    body = error.args[1] if len(error.args) > 1 and isinstance(error.args[1], dict) else {}
    code = body.get("error", "")
    if code == "invalid_grant":
        return PlatformError(
            "credentials",
            "Google no longer accepts this sign-in (access was removed, the password changed, "
            f"or it expired): reconnect — {RECONNECT}.",
        )
    if error.retryable:
        return PlatformError("transient", "Google's sign-in service did not answer; will retry.")
    return _client_refused(code)
