"""The SSRF guard: URL and address rules, and their enforcement at connect time in fetch().

The connect-time tests pass ``allow_private`` as a predicate allowing exactly 127.0.0.1, so
the first hop reaches the local test server while a hop to 127.0.0.2 (also loopback, also
served) must be refused by the guard before any byte is sent. DNS answers are scripted by
replacing ``socket.getaddrinfo``, which the guard calls for every new connection.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from ipaddress import ip_address

import pytest
from pytest_httpserver import HTTPServer

from monitors.fetch import FetchError, fetch
from monitors.netguard import (
    BlockedAddress,
    UnsafeURL,
    address_allowed,
    embedded_ipv4,
    is_public_address,
    validate_source_url,
)


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("8.8.8.8", True),
        ("93.184.216.34", True),
        ("2606:4700:4700::1111", True),
        ("::ffff:8.8.8.8", True),  # IPv4-mapped form of a public address
        ("64:ff9b::808:808", True),  # NAT64 form of a public address
        ("127.0.0.1", False),
        ("127.8.9.10", False),
        ("10.0.0.1", False),
        ("172.16.5.4", False),
        ("192.168.1.1", False),
        ("169.254.169.254", False),  # cloud metadata
        ("100.64.0.1", False),  # CGNAT
        ("0.0.0.0", False),
        ("224.0.0.1", False),  # multicast
        ("240.0.0.1", False),  # reserved
        ("255.255.255.255", False),
        ("192.0.2.1", False),  # documentation range
        ("::", False),
        ("::1", False),
        ("fe80::1", False),
        ("fc00::1", False),
        ("ff02::1", False),
        ("::ffff:127.0.0.1", False),  # IPv4-mapped loopback
        ("::ffff:169.254.169.254", False),
        ("2002:7f00:1::", False),  # 6to4 of 127.0.0.1
        ("2002:a00:1::", False),  # 6to4 of 10.0.0.1
        ("64:ff9b::7f00:1", False),  # NAT64 of 127.0.0.1
        ("64:ff9b::a9fe:a9fe", False),  # NAT64 of 169.254.169.254
        ("2001::1", False),  # Teredo
    ],
)
def test_is_public_address_refuses_internal_and_special_ranges(address: str, public: bool) -> None:
    assert is_public_address(ip_address(address)) is public


@pytest.mark.parametrize(
    ("address", "inner"),
    [
        ("::ffff:10.1.2.3", "10.1.2.3"),
        ("2002:a01:203::", "10.1.2.3"),
        ("64:ff9b::a01:203", "10.1.2.3"),
        ("2606:4700:4700::1111", None),
        ("10.1.2.3", None),
    ],
)
def test_embedded_ipv4_finds_the_address_an_ipv6_form_leads_to(
    address: str, inner: str | None
) -> None:
    found = embedded_ipv4(ip_address(address))
    assert (str(found) if found else None) == inner


def test_address_policy_can_be_a_predicate_replacing_the_public_rule() -> None:
    def only_first_loopback(ip: object) -> bool:
        return ip == ip_address("127.0.0.1")

    assert address_allowed(ip_address("127.0.0.1"), only_first_loopback)
    assert not address_allowed(ip_address("127.0.0.2"), only_first_loopback)
    assert not address_allowed(ip_address("8.8.8.8"), only_first_loopback)
    assert address_allowed(ip_address("10.0.0.1"), True)
    assert not address_allowed(ip_address("10.0.0.1"), False)


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://127.0.0.1/", "private or internal"),
        ("http://10.0.0.1/", "private or internal"),
        ("http://169.254.169.254/latest/meta-data/", "private or internal"),
        ("http://100.64.0.1/", "private or internal"),
        ("http://[::ffff:127.0.0.1]/", "private or internal"),
        ("http://[::1]:8080/", "private or internal"),
        ("http://localhost/", "private or internal"),
        ("http://2130706433/", "private or internal"),  # 127.0.0.1 as one decimal number
        ("ftp://example.com/file", "Only http:// and https://"),
        ("file:///etc/passwd", "Only http:// and https://"),
        ("gopher://example.com/", "Only http:// and https://"),
        ("example.com/reviews", "Only http:// and https://"),
        ("http://user:pass@example.com/", "user name or password"),
        ("http://user@example.com/", "user name or password"),
        ("http://example.com\\@127.0.0.1/", "Backslashes"),
        ("http:\\\\example.com/", "Backslashes"),
        ("http:///reviews", "no host name"),
        ("http://exa mple.com/", "spaces or control characters"),
        ("http://example.com:99999/", "port number"),
    ],
)
def test_validate_source_url_refuses_unsafe_urls_with_a_readable_message(
    url: str, message: str
) -> None:
    with pytest.raises(UnsafeURL, match=message):
        validate_source_url(url, allow_private=False)


def test_private_addresses_raise_blocked_address_which_is_an_unsafe_url() -> None:
    with pytest.raises(BlockedAddress):
        validate_source_url("http://192.168.0.10/", allow_private=False)
    assert issubclass(BlockedAddress, UnsafeURL)
    assert issubclass(UnsafeURL, ValueError)


def test_validate_source_url_accepts_public_address_and_strips_whitespace() -> None:
    url = validate_source_url("  https://93.184.216.34/reviews?page=2 \n", allow_private=False)
    assert url == "https://93.184.216.34/reviews?page=2"


def test_allow_private_accepts_internal_hosts_without_resolving_them() -> None:
    assert validate_source_url("http://10.0.0.1:8000/feed", allow_private=True) == (
        "http://10.0.0.1:8000/feed"
    )
    assert validate_source_url("http://intranet.invalid/", allow_private=True) == (
        "http://intranet.invalid/"
    )


@pytest.mark.parametrize(
    "url",
    [
        "ftp://10.0.0.1/",
        "file:///etc/passwd",
        "http://user:pass@10.0.0.1/",
        "http://10.0.0.1\\@example.com/",
    ],
)
def test_allow_private_keeps_scheme_credential_and_backslash_checks(url: str) -> None:
    with pytest.raises(UnsafeURL):
        validate_source_url(url, allow_private=True)


def test_validate_source_url_reports_a_host_that_does_not_resolve() -> None:
    with pytest.raises(UnsafeURL, match="could not be found"):
        validate_source_url("https://no-such-host.invalid/", allow_private=False)


def test_predicate_policy_is_applied_to_resolved_addresses() -> None:
    def loopback_only(ip: object) -> bool:
        return ip == ip_address("127.0.0.1")

    assert validate_source_url("http://127.0.0.1:9/", allow_private=loopback_only)
    with pytest.raises(BlockedAddress, match="127.0.0.2"):
        validate_source_url("http://127.0.0.2:9/", allow_private=loopback_only)


@pytest.fixture
def server() -> Iterator[HTTPServer]:
    with HTTPServer(host="127.0.0.1", port=0, threaded=True) as running:
        yield running


@pytest.fixture
def second_loopback_server() -> Iterator[HTTPServer]:
    with HTTPServer(host="127.0.0.2", port=0, threaded=True) as running:
        yield running


def only_127_0_0_1(ip: object) -> bool:
    return ip == ip_address("127.0.0.1")


def fetch_error(url: str, **kwargs: object) -> FetchError:
    kwargs.setdefault("allow_private", True)
    with pytest.raises(FetchError) as caught:
        fetch(url, **kwargs)  # type: ignore[arg-type]
    return caught.value


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        ("http://127.0.0.1/", "blocked_address"),
        ("http://10.0.0.1/", "blocked_address"),
        ("http://169.254.169.254/latest/meta-data/", "blocked_address"),
        ("http://100.64.0.1/", "blocked_address"),
        ("http://[::ffff:127.0.0.1]/", "blocked_address"),
        ("http://localhost/", "blocked_address"),
        ("ftp://example.com/", "bad_url"),
        ("file:///etc/passwd", "bad_url"),
        ("http://user:pass@example.com/", "bad_url"),
        ("http://example.com\\@127.0.0.1/", "bad_url"),
    ],
)
def test_ssrf_targets_are_refused(url: str, kind: str) -> None:
    error = fetch_error(url, allow_private=False, connect_timeout=1, total_timeout=2)
    assert error.kind == kind


def test_allow_private_still_refuses_credentials() -> None:
    assert fetch_error("http://user:pass@127.0.0.1/").kind == "bad_url"


def test_redirect_to_a_blocked_address_is_refused_at_connect_time(
    server: HTTPServer, second_loopback_server: HTTPServer
) -> None:
    second_loopback_server.expect_request("/secret").respond_with_data("internal")
    server.expect_request("/go").respond_with_data(
        "", 302, {"Location": second_loopback_server.url_for("/secret")}
    )
    error = fetch_error(server.url_for("/go"), allow_private=only_127_0_0_1)
    assert error.kind == "blocked_address"
    assert "127.0.0.2" in str(error)
    assert len(server.log) == 1
    assert second_loopback_server.log == []


class RebindingResolver:
    """Stands in for DNS (socket.getaddrinfo) for one host name, answering from a script."""

    def __init__(self, host: str, answers: list[str]) -> None:
        self.host = host
        self.answers = answers
        self.real = socket.getaddrinfo
        self.lookups = 0

    def __call__(self, host: str, port: int, *args: object, **kwargs: object) -> list:
        if host != self.host:
            return self.real(host, port, *args, **kwargs)  # type: ignore[arg-type]
        answer = self.answers[min(self.lookups, len(self.answers) - 1)]
        self.lookups += 1
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (answer, port))]


def test_dns_rebinding_after_form_validation_is_refused_at_connect_time(
    server: HTTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    server.expect_request("/reviews").respond_with_data("internal")
    resolver = RebindingResolver("reviews.example", ["93.184.216.34", "127.0.0.1"])
    monkeypatch.setattr(socket, "getaddrinfo", resolver)
    url = f"http://reviews.example:{server.port}/reviews"
    assert validate_source_url(url, allow_private=False) == url
    error = fetch_error(url, allow_private=False)
    assert error.kind == "blocked_address"
    assert server.log == []


def test_connection_goes_to_the_address_that_was_checked(
    server: HTTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    server.expect_request(
        "/reviews", headers={"Host": f"reviews.example:{server.port}"}
    ).respond_with_data("checked address")
    # A second lookup would answer a refused address: the guard must not resolve twice.
    resolver = RebindingResolver("reviews.example", ["127.0.0.1", "127.0.0.2"])
    monkeypatch.setattr(socket, "getaddrinfo", resolver)
    result = fetch(f"http://reviews.example:{server.port}/reviews", allow_private=only_127_0_0_1)
    assert result.body == b"checked address"
    assert resolver.lookups == 1
