"""The client's address, for log-in throttling, behind TRUSTED_PROXY_COUNT reverse proxies.

Each trusted proxy appends the address it received the connection from to X-Forwarded-For, so
the client is the entry TRUSTED_PROXY_COUNT places from the right. Entries further left come
from the client itself and could be forged; they are never used. With no proxy, REMOTE_ADDR.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    proxies = settings.TRUSTED_PROXY_COUNT
    remote = request.META.get("REMOTE_ADDR")
    if not proxies:
        return remote
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    hops = [hop for hop in hops if hop]
    return hops[-proxies] if len(hops) >= proxies else remote
