"""robots.txt rules and the per-host cache that fetches each robots.txt once per TTL."""

from __future__ import annotations

import pytest

from monitors.robots import RobotsCache, robots_allows, robots_txt_url

ROBOTS_TXT = """\
# comments and blank lines are fine

User-agent: *
Disallow: /private/
Allow: /private/public-reviews
Disallow: /*.pdf$

User-agent: ReviewWatch
Disallow: /reviews/drafts/

User-agent: BadBot
Disallow: /
"""
AGENT = "ReviewWatch/1.0 (+https://reviewwatch.example/bot)"


@pytest.mark.parametrize(
    ("robots_txt", "url", "user_agent", "allowed"),
    [
        (ROBOTS_TXT, "https://shop.example.com/reviews/1", "SomeBot", True),
        (ROBOTS_TXT, "https://shop.example.com/private/x", "SomeBot", False),
        (ROBOTS_TXT, "https://shop.example.com/private/public-reviews", "SomeBot", True),
        (ROBOTS_TXT, "https://shop.example.com/manual.pdf", "SomeBot", False),
        (ROBOTS_TXT, "https://shop.example.com/manual.pdf?x=1", "SomeBot", True),
        (ROBOTS_TXT, "https://shop.example.com/anything", "BadBot", False),
        # our own group replaces the * group: /private/ is not forbidden to us
        (ROBOTS_TXT, "https://shop.example.com/private/x", AGENT, True),
        (ROBOTS_TXT, "https://shop.example.com/reviews/drafts/2", AGENT, False),
        (ROBOTS_TXT, "https://shop.example.com/reviews/2", AGENT, True),
        ("", "https://shop.example.com/private/x", AGENT, True),
        ("User-agent: *\nDisallow: /\n", "https://shop.example.com/", AGENT, False),
        ("<html>not a robots file</html>", "https://shop.example.com/", AGENT, True),
    ],
)
def test_robots_allows(robots_txt: str, url: str, user_agent: str, allowed: bool) -> None:
    assert robots_allows(robots_txt, url, user_agent) is allowed


@pytest.mark.parametrize(
    ("url", "robots_url"),
    [
        ("https://Shop.Example.com/a/b?c=d", "https://shop.example.com/robots.txt"),
        ("http://shop.example.com:8080/a", "http://shop.example.com:8080/robots.txt"),
        ("https://user:secret@shop.example.com/a", "https://shop.example.com/robots.txt"),
    ],
)
def test_robots_txt_url(url: str, robots_url: str) -> None:
    assert robots_txt_url(url) == robots_url


@pytest.mark.parametrize("url", ["ftp://shop.example.com/a", "/relative/path", "https:///x"])
def test_robots_txt_url_refuses_non_http_urls(url: str) -> None:
    with pytest.raises(ValueError):
        robots_txt_url(url)


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class RecordingFetcher:
    """Serves robots.txt per URL and records every fetch."""

    def __init__(self, files: dict[str, str | None]) -> None:
        self.files = files
        self.fetched: list[str] = []

    def __call__(self, robots_url: str) -> str | None:
        self.fetched.append(robots_url)
        return self.files.get(robots_url)


def test_cache_fetches_once_per_host_within_ttl() -> None:
    fetcher = RecordingFetcher(
        {"https://a.example/robots.txt": "User-agent: *\nDisallow: /private/\n"}
    )
    cache = RobotsCache(fetcher, ttl_seconds=60, clock=FakeClock())

    answers = [
        cache.allowed("https://a.example/reviews", AGENT),
        cache.allowed("https://a.example/private/1", AGENT),
        cache.allowed("https://A.example/private/2", AGENT),
        cache.allowed("https://b.example/private/1", AGENT),  # no robots.txt: allow all
        cache.allowed("https://b.example/other", AGENT),
    ]

    assert answers == [True, False, False, True, True]
    assert fetcher.fetched == ["https://a.example/robots.txt", "https://b.example/robots.txt"]


def test_cache_fetches_again_after_ttl() -> None:
    fetcher = RecordingFetcher({"https://a.example/robots.txt": "User-agent: *\nDisallow: /\n"})
    clock = FakeClock()
    cache = RobotsCache(fetcher, ttl_seconds=60, clock=clock)

    assert cache.allowed("https://a.example/x", AGENT) is False
    clock.now += 59
    cache.allowed("https://a.example/y", AGENT)
    assert len(fetcher.fetched) == 1

    fetcher.files["https://a.example/robots.txt"] = "User-agent: *\nAllow: /\n"
    clock.now += 1
    assert cache.allowed("https://a.example/x", AGENT) is True
    assert len(fetcher.fetched) == 2


def test_http_and_https_have_separate_rules() -> None:
    fetcher = RecordingFetcher({"http://a.example/robots.txt": "User-agent: *\nDisallow: /\n"})
    cache = RobotsCache(fetcher, clock=FakeClock())

    assert cache.allowed("http://a.example/x", AGENT) is False
    assert cache.allowed("https://a.example/x", AGENT) is True


def test_failed_fetch_is_not_cached() -> None:
    calls: list[str] = []

    def flaky_fetch(robots_url: str) -> str | None:
        calls.append(robots_url)
        if len(calls) == 1:
            raise ConnectionError("timed out")
        return None

    cache = RobotsCache(flaky_fetch, clock=FakeClock())

    with pytest.raises(ConnectionError):
        cache.allowed("https://a.example/x", AGENT)
    assert cache.allowed("https://a.example/x", AGENT) is True
    assert len(calls) == 2
