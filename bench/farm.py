"""A farm of feed hosts on 127.0.0.1 for the scale and chaos benchmarks.

`Farm(hosts=2000)` listens on that many ports (one port = one host to ReviewWatch's politeness,
see monitors.models.host_key) from one asyncio loop in a background thread. Each host answers
like a real feed host, chosen by its port: most answer 304 to a matching ETag, some publish a
new entry every few minutes, some are slow, a few answer 429 with Retry-After or 5xx. Every
request is recorded in `farm.log` (`Hit`: port, path, status, start and end on the monotonic
clock) so a benchmark can check per-host politeness and count what it served.
"""

from __future__ import annotations

import asyncio
import hashlib
import random
import threading
import time
from dataclasses import dataclass
from email.utils import formatdate
from urllib.parse import urlsplit

BEHAVIOURS = ("not_modified", "changing", "slow", "throttled", "broken")


@dataclass(frozen=True)
class Hit:
    port: int
    path: str
    status: int
    started: float  # time.monotonic()
    ended: float


def behaviour_of(index: int) -> str:
    """Host `index`'s character: 80% steady (304), 12% changing, 5% slow, 2% 429, 1% 5xx."""
    slot = index % 100
    if slot < 80:
        return "not_modified"
    if slot < 92:
        return "changing"
    if slot < 97:
        return "slow"
    return "throttled" if slot < 99 else "broken"


def feed_xml(port: int, path: str, entries: list[tuple[str, str]]) -> bytes:
    items = "".join(
        f"<item><title>{title}</title><link>http://127.0.0.1:{port}{path}#{guid}</link>"
        f"<guid>{guid}</guid><description>{title}</description>"
        f"<pubDate>{formatdate(0, usegmt=True)}</pubDate></item>"
        for guid, title in entries
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>Host {port}</title><link>http://127.0.0.1:{port}/</link>"
        f"<description>feed</description>{items}</channel></rss>"
    ).encode()


class Farm:
    """`start()` binds the ports and serves until `stop()`; `urls(n)` spreads n sources over
    the hosts. `latency` is the usual answer time in seconds (a slow host takes 10-20 times it)."""

    def __init__(self, hosts: int = 2000, first_port: int = 20000, latency: float = 0.05) -> None:
        self.ports = list(range(first_port, first_port + hosts))
        self.latency = latency
        self.log: list[Hit] = []
        self.served_entries: dict[str, set[str]] = {}  # url -> guids served in a 200
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._servers: list[asyncio.base_events.Server] = []
        self._ready = threading.Event()

    def urls(self, sources: int) -> list[str]:
        return [
            f"http://127.0.0.1:{self.ports[i % len(self.ports)]}/feed/{i}.xml"
            for i in range(sources)
        ]

    def current(self, url: str) -> tuple[list[str], str]:
        """The entries (guids) `url` serves now and their ETag: a changing host adds an entry
        every 3 minutes, the others never change."""
        parts = urlsplit(url)
        changing = behaviour_of(parts.port - self.ports[0]) == "changing"
        epoch = int(time.time() // 180) if changing else 0
        guids = [f"{parts.path}-{n}" for n in range(epoch, epoch + 3)]
        return guids, '"' + hashlib.sha1(" ".join(guids).encode()).hexdigest()[:16] + '"'

    def start(self) -> Farm:
        self._thread = threading.Thread(target=self._run, name="farm", daemon=True)
        self._thread.start()
        if not self._ready.wait(60):
            raise RuntimeError("the farm did not start")
        return self

    def stop(self) -> None:
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
        if self._thread is not None:
            self._thread.join(10)

    def _run(self) -> None:
        self._loop = asyncio.new_event_loop()
        asyncio.set_event_loop(self._loop)
        for port in self.ports:
            server = self._loop.run_until_complete(
                asyncio.start_server(
                    lambda r, w, p=port: self._serve(p, r, w), "127.0.0.1", port, backlog=64
                )
            )
            self._servers.append(server)
        self._ready.set()
        try:
            self._loop.run_forever()
        finally:
            for server in self._servers:
                server.close()
            self._loop.close()

    async def _serve(
        self, port: int, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        started = time.monotonic()
        try:
            request = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 10)
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, TimeoutError):
            writer.close()
            return
        lines = request.decode("latin-1").split("\r\n")
        path = lines[0].split(" ")[1] if len(lines[0].split(" ")) > 1 else "/"
        headers = {
            name.strip().lower(): value.strip()
            for name, _, value in (line.partition(":") for line in lines[1:] if line)
        }
        status, extra, body = await self._answer(port, path, headers)
        head = [f"HTTP/1.1 {status} X", f"Content-Length: {len(body)}", "Connection: close"]
        head += [f"{name}: {value}" for name, value in extra.items()]
        try:
            writer.write(("\r\n".join(head) + "\r\n\r\n").encode() + body)
            await writer.drain()
        except ConnectionError:
            pass
        finally:
            writer.close()
        self.log.append(Hit(port, path, status, started, time.monotonic()))

    async def _answer(
        self, port: int, path: str, headers: dict[str, str]
    ) -> tuple[int, dict[str, str], bytes]:
        behaviour = behaviour_of(port - self.ports[0])
        delay = self.latency * random.uniform(0.5, 2.0)
        if behaviour == "slow":
            delay *= random.uniform(10, 20)
        await asyncio.sleep(delay)
        if path == "/robots.txt":
            return 404, {}, b""
        if behaviour == "throttled" and random.random() < 0.5:
            return 429, {"Retry-After": "120"}, b""
        if behaviour == "broken" and random.random() < 0.5:
            return random.choice((500, 502, 503)), {}, b"oops"
        url = f"http://127.0.0.1:{port}{path}"
        guids, etag = self.current(url)
        if headers.get("if-none-match") == etag:
            return 304, {"ETag": etag}, b""
        self.served_entries.setdefault(url, set()).update(guids)
        entries = [(guid, f"Entry {guid}: the delivery was late again") for guid in guids]
        body = feed_xml(port, path, entries)
        return 200, {"ETag": etag, "Content-Type": "application/rss+xml"}, body
