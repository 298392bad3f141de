"""robots.txt rules: may ReviewWatch fetch this page?

Parsing and matching are protego's (RFC 9309 semantics: longest match wins, Allow beats Disallow
on a tie, wildcards). Fetching is not done here: RobotsCache is given a callable, so what counts
as "no robots.txt" (404) or "unreachable" is decided by the caller's HTTP code.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from protego import Protego

DEFAULT_TTL_SECONDS = 3600


class RobotsRules:
    """The parsed rules of one robots.txt; no robots.txt at all (None) allows everything."""

    def __init__(self, robots_txt: str | None) -> None:
        self._rules = Protego.parse(robots_txt) if robots_txt is not None else None

    def allows(self, url: str, user_agent: str) -> bool:
        return self._rules is None or bool(self._rules.can_fetch(url, user_agent))


def robots_allows(robots_txt: str, url: str, user_agent: str) -> bool:
    return RobotsRules(robots_txt).allows(url, user_agent)


def robots_txt_url(url: str) -> str:
    """Where the robots.txt governing `url` lives; ValueError for non-HTTP(S) or host-less URLs."""
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise ValueError(f"robots.txt applies to http(s) URLs with a host, not {url!r}")
    host_and_port = parts.netloc.rpartition("@")[2].lower()  # credentials are not part of it
    return f"{parts.scheme.lower()}://{host_and_port}/robots.txt"


@dataclass
class RobotsCache:
    """Rules per scheme, host and port, fetched at most once per `ttl_seconds`.

    `fetch_text(robots_url)` returns the file's text, or None when the site has none. An
    exception from it propagates and nothing is cached, so the next call tries again.
    """

    fetch_text: Callable[[str], str | None]
    ttl_seconds: int = DEFAULT_TTL_SECONDS
    clock: Callable[[], float] = time.monotonic
    _entries: dict[str, tuple[float, RobotsRules]] = field(default_factory=dict, repr=False)

    def allowed(
        self, url: str, user_agent: str, fetch_text: Callable[[str], str | None] | None = None
    ) -> bool:
        """`fetch_text`, if given, fetches the file this time instead of the cache's own."""
        return self._rules_for(url, fetch_text or self.fetch_text).allows(url, user_agent)

    def _rules_for(self, url: str, fetch_text: Callable[[str], str | None]) -> RobotsRules:
        robots_url = robots_txt_url(url)
        now = self.clock()
        cached = self._entries.get(robots_url)
        if cached is not None and now - cached[0] < self.ttl_seconds:
            return cached[1]
        rules = RobotsRules(fetch_text(robots_url))
        self._entries = {
            key: entry for key, entry in self._entries.items() if now - entry[0] < self.ttl_seconds
        }
        self._entries[robots_url] = (now, rules)
        return rules
