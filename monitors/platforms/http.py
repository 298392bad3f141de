"""HTTP for platform clients: one timeout, one user agent, and one mapping from every way a call
can fail to a PlatformError the owner can act on.

Each platform says what its error bodies look like (`describe`); everything else — status codes,
Retry-After, timeouts, answers that are not JSON — is decided here, the same for all four.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import timedelta
from typing import Any

import requests
from django.utils import timezone

from monitors.fetch import USER_AGENT, parse_retry_after
from monitors.platforms.base import PlatformError

TIMEOUT = (10, 30)  # seconds to connect, seconds between bytes
MAX_ERROR_DETAIL = 300

# What each failing status means for the owner; anything else 4xx is "invalid", 5xx "transient".
STATUS_KINDS = {401: "credentials", 403: "permission", 404: "not_found", 429: "quota"}


def error_detail(response: requests.Response, describe: Callable[[Any], str] | None) -> str:
    """The provider's own words about a failure, short; "" when it said nothing readable."""
    try:
        body = response.json()
    except ValueError:
        return ""
    try:
        detail = describe(body) if describe else ""
    except (KeyError, IndexError, TypeError, AttributeError):
        detail = ""
    return " ".join(str(detail or "").split())[:MAX_ERROR_DETAIL]


def error_for(
    response: requests.Response,
    doing: str,
    platform: str,
    describe: Callable[[Any], str] | None = None,
) -> PlatformError:
    """`doing` finishes the sentence "… answered 403 to …" ("reading reviews of com.x.app")."""
    status = response.status_code
    kind = STATUS_KINDS.get(status) or ("transient" if status >= 500 else "invalid")
    detail = error_detail(response, describe)
    message = f"{platform} answered {status} to {doing}" + (f": {detail}" if detail else ".")
    retry_at = None
    if status in (429, 503):
        seconds = parse_retry_after(response.headers.get("Retry-After", ""))
        retry_at = timezone.now() + timedelta(seconds=seconds if seconds is not None else 60)
    return PlatformError(kind, message, retry_at=retry_at, status=status)


class ApiSession:
    """A requests session bound to one provider's base URL and one way of signing requests."""

    def __init__(
        self,
        base_url: str,
        platform: str,
        headers: Callable[[], Mapping[str, str]],
        describe: Callable[[Any], str] | None = None,
    ):
        self.base_url = base_url.rstrip("/")
        self.platform = platform
        self.headers = headers  # called per request: tokens expire
        self.describe = describe
        self.calls = 0
        self.session = requests.Session()
        self.session.headers["User-Agent"] = USER_AGENT

    def url(self, path: str) -> str:
        return path if path.startswith(("https://", "http://")) else self.base_url + path

    def request(
        self,
        method: str,
        path: str,
        doing: str,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        data: Mapping[str, str] | None = None,
    ) -> Any:
        """The decoded JSON answer (None for an empty one); PlatformError for anything else.
        `data` is sent form-encoded (OAuth token endpoints), `json` as JSON."""
        self.calls += 1
        try:
            response = self.session.request(
                method,
                self.url(path),
                params=params,
                json=json,
                data=data,
                headers=dict(self.headers()),
                timeout=TIMEOUT,
                allow_redirects=False,
            )
        except requests.Timeout:
            raise PlatformError(
                "transient", f"{self.platform} did not answer {doing} in time."
            ) from None
        except requests.RequestException as error:
            reason = type(error).__name__
            raise PlatformError(
                "transient", f"Could not reach {self.platform} ({reason})."
            ) from None
        if not 200 <= response.status_code < 300:
            raise error_for(response, doing, self.platform, self.describe)
        if not response.content.strip():
            return None
        try:
            return response.json()
        except ValueError:
            raise PlatformError(
                "malformed", f"{self.platform} answered {doing} with something that is not JSON."
            ) from None
