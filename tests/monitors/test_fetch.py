"""fetch() against a real local HTTP server (pytest-httpserver on 127.0.0.1).

Every test passes ``allow_private=True`` because the server is on loopback; the SSRF
behaviour of fetch is tested in test_netguard.py.
"""

from __future__ import annotations

import gzip
import hashlib
import socket
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import TYPE_CHECKING

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response
from werkzeug.datastructures import Headers

from monitors.fetch import USER_AGENT, FetchError, fetch, parse_retry_after

if TYPE_CHECKING:
    from _typeshed.wsgi import WSGIEnvironment


@pytest.fixture(scope="module")
def running_server() -> Iterator[HTTPServer]:
    # threaded: a handler still sleeping or dripping for one test cannot stall the next one
    with HTTPServer(host="127.0.0.1", port=0, threaded=True) as server:
        yield server


@pytest.fixture
def server(running_server: HTTPServer) -> Iterator[HTTPServer]:
    yield running_server
    running_server.clear()


def fetch_error(url: str, **kwargs: object) -> FetchError:
    kwargs.setdefault("allow_private", True)
    with pytest.raises(FetchError) as caught:
        fetch(url, **kwargs)  # type: ignore[arg-type]
    return caught.value


def test_200_returns_body_headers_and_sha256(server: HTTPServer) -> None:
    server.expect_request("/feed", headers={"User-Agent": USER_AGENT}).respond_with_data(
        "<rss>ok</rss>", content_type="application/rss+xml"
    )
    result = fetch(server.url_for("/feed"), allow_private=True)
    assert result.status == 200
    assert result.body == b"<rss>ok</rss>"
    assert result.content_hash == hashlib.sha256(b"<rss>ok</rss>").hexdigest()
    assert result.headers["content-type"] == "application/rss+xml"
    assert result.final_url == server.url_for("/feed")
    assert result.not_modified is False


def test_user_agent_names_the_app_and_its_version() -> None:
    assert USER_AGENT.startswith("ReviewWatch/")
    assert USER_AGENT.endswith(" (self-hosted review monitor)")


class NotModified(Response):
    """A 304 sent as written: werkzeug strips Last-Modified from 304s, nginx and Apache do not."""

    def __init__(self, headers: dict[str, str]) -> None:
        super().__init__(status=304, headers=headers)

    def get_wsgi_headers(self, environ: WSGIEnvironment) -> Headers:
        return Headers(self.headers)


def test_304_sends_validators_exactly_and_carries_new_last_modified(server: HTTPServer) -> None:
    server.expect_request(
        "/feed",
        headers={
            "If-None-Match": 'W/"abc-123"',
            "If-Modified-Since": "Tue, 01 Apr 2025 10:00:00 GMT",
        },
    ).respond_with_response(NotModified({"Last-Modified": "Wed, 02 Apr 2025 11:00:00 GMT"}))
    result = fetch(
        server.url_for("/feed"),
        etag='W/"abc-123"',
        last_modified="Tue, 01 Apr 2025 10:00:00 GMT",
        allow_private=True,
    )
    assert result.not_modified is True
    assert result.status == 304
    assert result.body == b""
    assert result.content_hash == ""
    assert result.last_modified == "Wed, 02 Apr 2025 11:00:00 GMT"
    assert result.etag == 'W/"abc-123"'  # none sent back, so the stored one is kept


def test_etag_from_a_200_round_trips_into_a_304(server: HTTPServer) -> None:
    server.expect_ordered_request("/page").respond_with_data(
        "reviews", headers={"ETag": '"v1"', "Last-Modified": "Mon, 07 Apr 2025 08:00:00 GMT"}
    )
    server.expect_ordered_request(
        "/page",
        headers={"If-None-Match": '"v1"', "If-Modified-Since": "Mon, 07 Apr 2025 08:00:00 GMT"},
    ).respond_with_data("", status=304, headers={"ETag": '"v1"'})
    first = fetch(server.url_for("/page"), allow_private=True)
    second = fetch(
        server.url_for("/page"),
        etag=first.etag,
        last_modified=first.last_modified,
        allow_private=True,
    )
    assert (first.etag, first.not_modified) == ('"v1"', False)
    assert (second.etag, second.not_modified) == ('"v1"', True)
    server.check_assertions()


def test_no_validators_are_sent_when_none_are_stored(server: HTTPServer) -> None:
    server.expect_request("/page").respond_with_data("x")
    fetch(server.url_for("/page"), allow_private=True)
    request, _response = server.log[0]
    assert "If-None-Match" not in request.headers
    assert "If-Modified-Since" not in request.headers


def _drip_forever() -> Iterator[bytes]:
    for _ in range(50):
        yield b"x"
        time.sleep(0.2)


def _stream_bytes(size: int) -> Iterator[bytes]:
    for _ in range(size // 1000):
        yield b"y" * 1000


@pytest.mark.parametrize(
    "response",
    [
        pytest.param(lambda: Response(b"z" * 2001), id="declared-content-length"),
        pytest.param(lambda: Response(_stream_bytes(5000)), id="streamed-without-length"),
    ],
)
def test_body_over_the_cap_is_refused(server: HTTPServer, response: Callable[[], Response]) -> None:
    server.expect_request("/big").respond_with_response(response())
    error = fetch_error(server.url_for("/big"), max_bytes=2000)
    assert error.kind == "too_large"


def test_body_exactly_at_the_cap_is_accepted(server: HTTPServer) -> None:
    server.expect_request("/big").respond_with_data(b"z" * 2000)
    assert len(fetch(server.url_for("/big"), max_bytes=2000, allow_private=True).body) == 2000


def test_gzip_bomb_is_refused_by_decompressed_size(server: HTTPServer) -> None:
    bomb = gzip.compress(b"\0" * 20_000_000)
    assert len(bomb) < 100_000
    server.expect_request("/bomb").respond_with_data(bomb, headers={"Content-Encoding": "gzip"})
    error = fetch_error(server.url_for("/bomb"), max_bytes=1_000_000)
    assert error.kind == "too_large"


def test_gzip_body_is_returned_decompressed(server: HTTPServer) -> None:
    server.expect_request("/gz").respond_with_data(
        gzip.compress(b"<html>five stars</html>"), headers={"Content-Encoding": "gzip"}
    )
    assert fetch(server.url_for("/gz"), allow_private=True).body == b"<html>five stars</html>"


def test_slow_response_times_out(server: HTTPServer) -> None:
    def sleepy(_request: Request) -> Response:
        time.sleep(1.2)
        return Response("late")

    server.expect_request("/slow").respond_with_handler(sleepy)
    started = time.monotonic()
    error = fetch_error(server.url_for("/slow"), total_timeout=0.4)
    assert error.kind == "timeout"
    assert time.monotonic() - started < 1.0


def test_slow_drip_is_cut_off_at_the_total_time_limit(server: HTTPServer) -> None:
    server.expect_request("/drip").respond_with_response(Response(_drip_forever()))
    started = time.monotonic()
    error = fetch_error(server.url_for("/drip"), total_timeout=1)
    assert error.kind == "timeout"
    assert 0.9 < time.monotonic() - started < 1.6


def test_redirects_are_followed_and_final_url_reported(server: HTTPServer) -> None:
    server.expect_request("/old").respond_with_data("", 301, {"Location": "/middle"})
    server.expect_request("/middle").respond_with_data("", 302, {"Location": "/new"})
    server.expect_request("/new").respond_with_data("arrived")
    result = fetch(server.url_for("/old"), allow_private=True)
    assert (result.body, result.final_url) == (b"arrived", server.url_for("/new"))


def test_redirect_loop_is_an_error(server: HTTPServer) -> None:
    server.expect_request("/a").respond_with_data("", 302, {"Location": "/b"})
    server.expect_request("/b").respond_with_data("", 302, {"Location": "/a"})
    error = fetch_error(server.url_for("/a"))
    assert error.kind == "redirects"
    assert "loop" in str(error)


@pytest.mark.parametrize(("max_redirects", "succeeds"), [(5, False), (6, True)])
def test_at_most_max_redirects_are_followed(
    server: HTTPServer, max_redirects: int, succeeds: bool
) -> None:
    for hop in range(6):
        server.expect_request(f"/hop{hop}").respond_with_data(
            "", 307, {"Location": f"/hop{hop + 1}"}
        )
    server.expect_request("/hop6").respond_with_data("end")
    url = server.url_for("/hop0")
    if succeeds:
        assert fetch(url, allow_private=True, max_redirects=max_redirects).body == b"end"
    else:
        assert fetch_error(url, max_redirects=max_redirects).kind == "redirects"


def test_redirect_to_a_non_http_scheme_is_refused(server: HTTPServer) -> None:
    server.expect_request("/r").respond_with_data("", 302, {"Location": "file:///etc/passwd"})
    assert fetch_error(server.url_for("/r")).kind == "bad_url"


def http_date_in(seconds: float) -> str:
    return format_datetime(datetime.now(UTC) + timedelta(seconds=seconds), usegmt=True)


@pytest.mark.parametrize(
    ("retry_after", "low", "high"),
    [
        (lambda: "120", 120, 120),
        (lambda: http_date_in(90), 85, 91),  # HTTP-date has whole-second precision
        (lambda: "soon", None, None),
    ],
    ids=["delta-seconds", "http-date", "unparseable"],
)
def test_429_carries_retry_after_in_seconds(
    server: HTTPServer,
    retry_after: Callable[[], str],
    low: float | None,
    high: float | None,
) -> None:
    server.expect_request("/busy").respond_with_data(
        "slow down", 429, {"Retry-After": retry_after()}
    )
    error = fetch_error(server.url_for("/busy"))
    assert (error.kind, error.status) == ("http_status", 429)
    if low is None:
        assert error.retry_after is None
    else:
        assert error.retry_after is not None and low <= error.retry_after <= high


@pytest.mark.parametrize(
    ("status", "retry_after", "words"),
    [
        (503, 30.0, "temporarily unavailable"),
        (500, None, "server error"),
        (502, None, "server error"),
        (410, None, "removed for good"),
        (404, None, "not found"),
        (403, None, "refused access"),
        (400, None, "HTTP 400"),
    ],
)
def test_error_statuses_raise_fetch_error_for_the_polling_layer(
    server: HTTPServer, status: int, retry_after: float | None, words: str
) -> None:
    server.expect_request("/x").respond_with_data("no", status, {"Retry-After": "30"})
    error = fetch_error(server.url_for("/x"))
    assert (error.kind, error.status) == ("http_status", status)
    assert error.retry_after == retry_after
    assert words in str(error)


def test_retry_after_http_date_in_the_past_means_now() -> None:
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0


def test_garbage_bytes_are_returned_as_bytes(server: HTTPServer) -> None:
    garbage = bytes(range(256)) * 4 + b"\xff\xfe\x00\x80"
    server.expect_request("/bin").respond_with_data(garbage, content_type="text/html")
    result = fetch(server.url_for("/bin"), allow_private=True)
    assert result.body == garbage
    assert result.content_hash == hashlib.sha256(garbage).hexdigest()


def test_empty_body_is_an_error(server: HTTPServer) -> None:
    server.expect_request("/empty").respond_with_data(b"")
    error = fetch_error(server.url_for("/empty"))
    assert (error.kind, error.status) == ("empty", 200)


def test_connection_refused_is_a_connection_error() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        free_port = probe.getsockname()[1]
    error = fetch_error(f"http://127.0.0.1:{free_port}/")
    assert (error.kind, error.status) == ("connection", None)


def test_unknown_host_is_a_connection_error_naming_dns() -> None:
    error = fetch_error("http://no-such-host.invalid/")
    assert error.kind == "connection"
    assert "DNS" in str(error)


def test_tls_failure_is_reported_as_tls(server: HTTPServer) -> None:
    server.expect_request("/").respond_with_data("plain http")
    url = server.url_for("/").replace("http://", "https://")
    assert fetch_error(url).kind == "tls"
