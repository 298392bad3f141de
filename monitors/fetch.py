"""Fetch one source URL politely and defensively; report failures as FetchError.

The polling layer decides about retries, backoff and pausing from ``FetchError.kind``,
``.status`` and ``.retry_after``; this module only fetches and classifies. One deadline covers
the whole fetch, every redirect hop and every header and body byte included.
"""

from __future__ import annotations

import hashlib
import re
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from importlib.metadata import PackageNotFoundError, version
from typing import Literal
from urllib.parse import urljoin

import requests
from urllib3.exceptions import (
    DecodeError,
    HTTPError,
    NameResolutionError,
    ReadTimeoutError,
    SSLError,
)

from monitors.netguard import (
    AddressPolicy,
    BlockedAddress,
    GuardedAdapter,
    UnsafeURL,
    check_url_shape,
)

FetchErrorKind = Literal[
    "timeout",
    "connection",
    "tls",
    "too_large",
    "empty",
    "decode",
    "redirects",
    "blocked_address",
    "bad_url",
    "http_status",
]
RETRY_AFTER_STATUSES = frozenset({429, 503})
MAX_RETRY_AFTER = 24 * 60 * 60.0  # seconds; a site asking for longer is waited on for a day
READ_CHUNK_BYTES = 64 * 1024
_DELTA_SECONDS = re.compile(r"[0-9]+")


def _user_agent() -> str:
    try:
        app_version = version("reviewwatch")
    except PackageNotFoundError:
        app_version = "0"
    return f"ReviewWatch/{app_version} (self-hosted review monitor)"


USER_AGENT = _user_agent()


class FetchError(Exception):
    """A fetch that produced no usable body. ``str(error)`` is a message for a person."""

    def __init__(
        self,
        kind: FetchErrorKind,
        message: str,
        *,
        status: int | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.status = status
        self.retry_after = retry_after


@dataclass
class FetchResult:
    status: int
    body: bytes
    headers: Mapping[str, str]  # case-insensitive
    final_url: str
    etag: str
    last_modified: str
    not_modified: bool
    content_hash: str  # sha256 hex of body; "" when not_modified


def parse_retry_after(value: str) -> float | None:
    """Seconds to wait from a Retry-After value (delta-seconds or HTTP-date); None if unusable.

    At most MAX_RETRY_AFTER: a year-9999 date must not hold every source of the host forever.
    """
    value = value.strip()
    if _DELTA_SECONDS.fullmatch(value):
        return min(float(value), MAX_RETRY_AFTER)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return min(max(0.0, (when - datetime.now(UTC)).total_seconds()), MAX_RETRY_AFTER)


def _status_message(status: int, reason: str) -> str:
    if status == 404:
        return "The page was not found (HTTP 404). Check the address."
    if status == 410:
        return "The page has been removed for good (HTTP 410)."
    if status in (401, 403):
        return f"The site refused access (HTTP {status}); it may block automated readers."
    if status == 429:
        return "The site asked us to slow down (HTTP 429)."
    if status == 503:
        return "The site is temporarily unavailable (HTTP 503)."
    if status >= 500:
        return f"The site had a server error (HTTP {status}); this is usually temporary."
    return f"The site answered with an unexpected status: HTTP {status} {reason}".rstrip() + "."


def _http_status_error(response: requests.Response) -> FetchError:
    retry_after = None
    if response.status_code in RETRY_AFTER_STATUSES:
        retry_after = parse_retry_after(response.headers.get("Retry-After", ""))
    return FetchError(
        "http_status",
        _status_message(response.status_code, response.reason or ""),
        status=response.status_code,
        retry_after=retry_after,
    )


def _timed_out(total_timeout: float) -> FetchError:
    return FetchError("timeout", f"The site did not answer in full within {total_timeout:g} s.")


def _underlying_reason(error: Exception) -> object:
    """The urllib3 cause inside requests' ConnectionError(MaxRetryError(reason=...))."""
    wrapped = error.args[0] if error.args else None
    return getattr(wrapped, "reason", wrapped)


def _network_error(error: Exception, total_timeout: float) -> FetchError:
    """Translate a requests/urllib3 exception into a FetchError with a readable message."""
    if isinstance(error, requests.Timeout | ReadTimeoutError):
        return _timed_out(total_timeout)
    if isinstance(error, requests.exceptions.SSLError | SSLError):
        return FetchError("tls", "The site's secure connection (TLS) could not be verified.")
    if isinstance(error, DecodeError):
        return FetchError("decode", "The site sent a compressed body that could not be unpacked.")
    if isinstance(error, requests.exceptions.InvalidURL | requests.exceptions.InvalidSchema):
        return FetchError("bad_url", "The web address is not valid.")
    if isinstance(_underlying_reason(error), NameResolutionError):
        return FetchError("connection", "The site's host name could not be found (DNS).")
    return FetchError("connection", "Could not connect to the site or the connection broke.")


def _conditional_headers(etag: str, last_modified: str) -> dict[str, str]:
    headers = {"User-Agent": USER_AGENT}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    return headers


def _read_body(
    response: requests.Response, *, max_bytes: int, deadline: float, total_timeout: float
) -> bytes:
    """Read the decompressed body, enforcing the size cap and the total deadline.

    ``read1`` returns after at most one socket read, so a server dripping bytes cannot hold
    us past the deadline, and it decompresses at most the requested amount, so a gzip bomb
    is refused after ``max_bytes`` without inflating the rest.
    """
    too_large = FetchError("too_large", f"The page is larger than {max_bytes:,} bytes.")
    declared = response.headers.get("Content-Length", "")
    unencoded = not response.headers.get("Content-Encoding")
    if unencoded and declared.isdigit() and int(declared) > max_bytes:
        raise too_large
    chunks: list[bytes] = []
    received = 0
    while True:
        chunk = response.raw.read1(
            min(READ_CHUNK_BYTES, max_bytes - received + 1), decode_content=True
        )
        if time.monotonic() > deadline:
            raise _timed_out(total_timeout)
        if not chunk:
            return b"".join(chunks)
        received += len(chunk)
        if received > max_bytes:
            raise too_large
        chunks.append(chunk)


def _get(
    session: requests.Session,
    url: str,
    headers: dict[str, str],
    *,
    connect_timeout: float,
    deadline: float,
    total_timeout: float,
) -> requests.Response:
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise _timed_out(total_timeout)
    return session.get(
        url,
        headers=headers,
        allow_redirects=False,
        stream=True,
        timeout=(min(connect_timeout, remaining), remaining),
    )


def _result(
    response: requests.Response,
    body: bytes,
    *,
    etag: str,
    last_modified: str,
) -> FetchResult:
    not_modified = response.status_code == 304
    return FetchResult(
        status=response.status_code,
        body=body,
        headers=response.headers,
        final_url=response.url,
        etag=response.headers.get("ETag", etag if not_modified else ""),
        last_modified=response.headers.get("Last-Modified", last_modified if not_modified else ""),
        not_modified=not_modified,
        content_hash="" if not_modified else hashlib.sha256(body).hexdigest(),
    )


def _follow(
    session: requests.Session,
    url: str,
    *,
    etag: str,
    last_modified: str,
    max_bytes: int,
    connect_timeout: float,
    total_timeout: float,
    max_redirects: int,
    started: float,
) -> FetchResult:
    deadline = started + total_timeout
    headers = _conditional_headers(etag, last_modified)
    visited = {url}
    for _hop in range(max_redirects + 1):
        check_url_shape(url)
        response = _get(
            session,
            url,
            headers,
            connect_timeout=connect_timeout,
            deadline=deadline,
            total_timeout=total_timeout,
        )
        with response:
            status = response.status_code
            location = session.get_redirect_target(response)  # decodes UTF-8 Location
            if location:
                url = urljoin(url, location)
                if url in visited:
                    raise FetchError("redirects", "The site redirects in a loop.")
                visited.add(url)
                continue
            if status == 304:
                return _result(response, b"", etag=etag, last_modified=last_modified)
            if not 200 <= status < 300:
                raise _http_status_error(response)
            body = _read_body(
                response, max_bytes=max_bytes, deadline=deadline, total_timeout=total_timeout
            )
            if not body:
                raise FetchError("empty", "The site sent an empty page.", status=status)
            return _result(response, body, etag=etag, last_modified=last_modified)
    raise FetchError("redirects", f"The site redirected more than {max_redirects} times.")


def fetch(
    url: str,
    *,
    etag: str = "",
    last_modified: str = "",
    allow_private: AddressPolicy = False,
    max_bytes: int = 10_000_000,
    connect_timeout: float = 10,
    total_timeout: float = 20,
    max_redirects: int = 5,
) -> FetchResult:
    """GET ``url`` following up to ``max_redirects`` redirects, each hop address-checked.

    ``etag`` / ``last_modified`` are sent verbatim as If-None-Match / If-Modified-Since.
    ``allow_private`` is True, False or a predicate over the IP address (see netguard).
    ``total_timeout`` bounds the whole fetch: connecting, headers and body of every hop.
    Returns a FetchResult for 2xx and 304; raises FetchError for everything else.
    """
    started = time.monotonic()
    with requests.Session() as session:
        session.trust_env = False  # no proxies or .netrc credentials from the environment
        adapter = GuardedAdapter(allow_private)
        session.mount("http://", adapter)
        session.mount("https://", adapter)
        # Timeouts of requests are per socket read: this one aborts a server dripping bytes.
        watchdog = threading.Timer(total_timeout, adapter.abort)
        watchdog.daemon = True
        watchdog.start()
        try:
            return _follow(
                session,
                url,
                etag=etag,
                last_modified=last_modified,
                max_bytes=max_bytes,
                connect_timeout=connect_timeout,
                total_timeout=total_timeout,
                max_redirects=max_redirects,
                started=started,
            )
        except BlockedAddress as error:
            raise FetchError("blocked_address", str(error)) from error
        except UnsafeURL as error:
            raise FetchError("bad_url", str(error)) from error
        except (requests.RequestException, HTTPError, OSError) as error:
            if time.monotonic() >= started + total_timeout:
                raise _timed_out(total_timeout) from error
            raise _network_error(error, total_timeout) from error
        finally:
            watchdog.cancel()
