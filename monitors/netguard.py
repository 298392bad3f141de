"""SSRF guard: which URLs and which IP addresses ReviewWatch may fetch from.

Two layers, because checking a URL once is not enough:

* ``validate_source_url`` is for form validation. It checks the URL's shape and resolves the
  host so a person gets a clear message while typing.
* ``GuardedAdapter`` is mounted on the fetch session. Every connection it opens (so every
  redirect hop) resolves the host once, checks every resolved address and connects to exactly
  the checked address. A DNS answer that changes between validation and fetching (DNS
  rebinding) is therefore caught where it matters. The Host header and TLS SNI / certificate
  checks still use the original host name, because only the socket's target address changes.

The address policy (``allow_private``) is ``False`` (public addresses only), ``True`` (any
address, for self-hosters watching their own intranet) or a predicate ``ip -> bool`` that
replaces the public-address rule entirely; tests use the predicate to allow exactly one
loopback address. No policy relaxes the scheme, credential or backslash checks.
"""

from __future__ import annotations

import socket
from collections.abc import Callable
from contextlib import suppress
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address
from typing import Any
from urllib.parse import SplitResult, urlsplit
from weakref import WeakSet

from requests.adapters import HTTPAdapter
from urllib3 import PoolManager
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import ConnectTimeoutError, NameResolutionError, NewConnectionError
from urllib3.util import connection as urllib3_connection

IPAddress = IPv4Address | IPv6Address
AddressPolicy = bool | Callable[[IPAddress], bool]

ALLOWED_SCHEMES = frozenset({"http", "https"})

# Listed explicitly so the rule does not depend on the Python patch release's idea of
# ``is_global``; the attribute checks in ``is_public_address`` cover the rest.
_BLOCKED_NETWORKS: tuple[IPv4Network | IPv6Network, ...] = (
    IPv4Network("0.0.0.0/8"),  # "this network", unspecified
    IPv4Network("10.0.0.0/8"),  # RFC 1918
    IPv4Network("100.64.0.0/10"),  # CGNAT, RFC 6598
    IPv4Network("127.0.0.0/8"),  # loopback
    IPv4Network("169.254.0.0/16"),  # link-local, cloud metadata (169.254.169.254)
    IPv4Network("172.16.0.0/12"),  # RFC 1918
    IPv4Network("192.0.0.0/24"),  # IETF protocol assignments
    IPv4Network("192.168.0.0/16"),  # RFC 1918
    IPv4Network("198.18.0.0/15"),  # benchmarking
    IPv4Network("224.0.0.0/4"),  # multicast
    IPv4Network("240.0.0.0/4"),  # reserved, broadcast
    IPv6Network("::/128"),  # unspecified
    IPv6Network("::1/128"),  # loopback
    IPv6Network("fc00::/7"),  # unique local
    IPv6Network("fe80::/10"),  # link-local
    IPv6Network("ff00::/8"),  # multicast
)

# IPv6 forms that carry an IPv4 address which the network will end up talking to.
_NAT64_NETWORKS = (IPv6Network("64:ff9b::/96"), IPv6Network("64:ff9b:1::/48"))


class UnsafeURL(ValueError):
    """The URL may not be fetched; the message is written for the person who typed it."""


class BlockedAddress(UnsafeURL):
    """The host resolved to an address the policy refuses (raised at connect time too)."""


def embedded_ipv4(ip: IPAddress) -> IPv4Address | None:
    """The IPv4 address an IPv4-mapped, 6to4 or NAT64 IPv6 address leads to, if any."""
    if isinstance(ip, IPv4Address):
        return None
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if any(ip in network for network in _NAT64_NETWORKS):
        return IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def is_public_address(ip: IPAddress) -> bool:
    """True for addresses on the public internet; False for anything internal or special."""
    inner = embedded_ipv4(ip)
    if inner is not None:
        return is_public_address(inner)
    if any(ip in network for network in _BLOCKED_NETWORKS):
        return False
    special = (
        ip.is_loopback,
        ip.is_private,
        ip.is_link_local,
        ip.is_multicast,
        ip.is_reserved,
        ip.is_unspecified,
    )
    return ip.is_global and not any(special)


def address_allowed(ip: IPAddress, allow_private: AddressPolicy) -> bool:
    if allow_private is True:
        return True
    if allow_private is False:
        return is_public_address(ip)
    return allow_private(ip)


def check_url_shape(url: str) -> SplitResult:
    """Refuse URLs that are not plain http(s) to a named host, without any DNS lookup."""
    if "\\" in url:
        raise UnsafeURL("Backslashes are not allowed in a web address.")
    if any(ord(char) <= 0x20 or ord(char) == 0x7F for char in url):
        raise UnsafeURL("The web address contains spaces or control characters.")
    parts = urlsplit(url)
    if parts.scheme.lower() not in ALLOWED_SCHEMES:
        raise UnsafeURL("Only http:// and https:// addresses can be watched.")
    if "@" in parts.netloc:
        raise UnsafeURL("Addresses with a user name or password (user:pass@) are not allowed.")
    if not parts.hostname:
        raise UnsafeURL("The web address has no host name.")
    try:
        parts.port  # noqa: B018 - parsing the port is the check
    except ValueError:
        raise UnsafeURL("The port number in the web address is not valid.") from None
    return parts


def resolve_host(host: str, port: int) -> list[IPAddress]:
    """Every address the host resolves to, in resolver order. Raises socket.gaierror."""
    answers = socket.getaddrinfo(host.strip("[]"), port, type=socket.SOCK_STREAM)
    addresses: list[IPAddress] = []
    for _family, _type, _proto, _canonname, sockaddr in answers:
        address = ip_address(str(sockaddr[0]).split("%", 1)[0])
        if address not in addresses:
            addresses.append(address)
    return addresses


def check_addresses(host: str, addresses: list[IPAddress], allow_private: AddressPolicy) -> None:
    """Refuse the host if ANY of its addresses is refused, so no fallback can reach it."""
    for address in addresses:
        if not address_allowed(address, allow_private):
            raise BlockedAddress(
                f"{host} points to a private or internal network address ({address}), "
                "which ReviewWatch does not fetch from."
            )


def validate_source_url(url: str, *, allow_private: AddressPolicy) -> str:
    """Check a URL typed into a form; return it without surrounding whitespace.

    Resolves the host (unless every address is allowed) so a private target is reported
    now rather than at the first poll. Raises UnsafeURL.
    """
    url = url.strip()
    parts = check_url_shape(url)
    if allow_private is True:
        return url
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme.lower() == "https" else 80)
    try:
        addresses = resolve_host(host, port)
    except (OSError, UnicodeError):
        raise UnsafeURL(f"The host name {host} could not be found.") from None
    check_addresses(host, addresses, allow_private)
    return url


class _GuardedConnectionMixin:
    """Replaces urllib3's connect step: resolve once, check, connect to the checked address."""

    host: str
    port: int
    timeout: Any
    source_address: tuple[str, int] | None
    socket_options: Any

    def __init__(
        self,
        *args: Any,
        allow_private: AddressPolicy,
        opened: WeakSet[HTTPConnection],
        **kwargs: Any,
    ) -> None:
        self.allow_private = allow_private
        super().__init__(*args, **kwargs)
        opened.add(self)  # type: ignore[arg-type]

    def _new_conn(self) -> socket.socket:
        try:
            addresses = resolve_host(self.host, self.port)
        except socket.gaierror as error:
            raise NameResolutionError(self.host, self, error) from error  # type: ignore[arg-type]
        check_addresses(self.host, addresses, self.allow_private)
        last_error: OSError | None = None
        for address in addresses:
            try:
                return urllib3_connection.create_connection(
                    (str(address), self.port),
                    self.timeout,
                    source_address=self.source_address,
                    socket_options=self.socket_options,
                )
            except TimeoutError as error:
                raise ConnectTimeoutError(
                    self, f"Connection to {self.host} timed out (connect timeout={self.timeout})"
                ) from error
            except OSError as error:
                last_error = error
        raise NewConnectionError(
            self,  # type: ignore[arg-type]
            f"Failed to establish a new connection: {last_error}",
        )


class GuardedHTTPConnection(_GuardedConnectionMixin, HTTPConnection):
    pass


class GuardedHTTPSConnection(_GuardedConnectionMixin, HTTPSConnection):
    pass


class GuardedHTTPConnectionPool(HTTPConnectionPool):
    ConnectionCls = GuardedHTTPConnection


class GuardedHTTPSConnectionPool(HTTPSConnectionPool):
    ConnectionCls = GuardedHTTPSConnection


class _GuardedPoolManager(PoolManager):
    """Hands the policy to every pool's connections (PoolManager keys reject unknown kwargs)."""

    def __init__(
        self,
        *args: Any,
        allow_private: AddressPolicy,
        opened: WeakSet[HTTPConnection],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.allow_private = allow_private
        self.opened = opened
        self.pool_classes_by_scheme = {
            "http": GuardedHTTPConnectionPool,
            "https": GuardedHTTPSConnectionPool,
        }

    def _new_pool(
        self,
        scheme: str,
        host: str,
        port: int,
        request_context: dict[str, Any] | None = None,
    ) -> HTTPConnectionPool:
        pool = super()._new_pool(scheme, host, port, request_context)
        pool.conn_kw["allow_private"] = self.allow_private
        pool.conn_kw["opened"] = self.opened
        return pool


class GuardedAdapter(HTTPAdapter):
    """A requests adapter whose every connection passes the address check.

    Use it on a session with ``trust_env = False``: a proxy would connect on our behalf and
    bypass the check.
    """

    def __init__(self, allow_private: AddressPolicy) -> None:
        self.allow_private = allow_private
        self.opened: WeakSet[HTTPConnection] = WeakSet()
        super().__init__(max_retries=0)

    def abort(self) -> None:
        """Shut down every connection this adapter opened, from any thread.

        A read blocked on one of them returns at once, so a caller can enforce a deadline
        that per-read socket timeouts cannot. The file descriptor is shut down directly, so a
        TLS socket's state is not touched from this thread.
        """
        for connection in list(self.opened):
            sock = getattr(connection, "sock", None)
            if sock is None:
                continue
            with suppress(OSError, ValueError):  # already closed
                raw = socket.socket(fileno=sock.fileno())
                try:
                    raw.shutdown(socket.SHUT_RDWR)
                finally:
                    raw.detach()

    def init_poolmanager(
        self, connections: int, maxsize: int, block: bool = False, **pool_kwargs: Any
    ) -> None:
        self.poolmanager = _GuardedPoolManager(
            num_pools=connections,
            maxsize=maxsize,
            block=block,
            allow_private=self.allow_private,
            opened=self.opened,
            **pool_kwargs,
        )
