"""The chaos run's world: feed hosts that log what they served, hostile servers, an SMTP server.

Each feed host is its own port on 127.0.0.1 (politeness is per host and port). A feed grows by
`publish()`; every item carries a token (CHX-<feed>-<n>) in its title, so the farm's log of
served tokens and the SMTP server's log of mailed tokens can be checked against the database.
"""

from __future__ import annotations

import email
import re
import socket
import threading
import time
from collections import Counter, defaultdict
from datetime import UTC, datetime
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from aiosmtpd.controller import Controller

TOKEN = re.compile(r"CHX-\d+-\d+")
NEGATIVE_TEXT = "Terrible lamp, broke in a day, I want a refund, awful service"
POSITIVE_TEXT = "Lovely lamp, works great, thank you"


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def start(handler: type[BaseHTTPRequestHandler]) -> Server:
    server = Server(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


class FeedFarm:
    """`hosts` feed hosts, one feed each; the items each has published and served."""

    def __init__(self, hosts: int) -> None:
        self.lock = threading.Lock()
        self.published = [0] * hosts
        self.published_at: dict[str, str] = {}
        self.served: set[str] = set()
        self.requests: Counter[int] = Counter()
        self.servers = [start(self._handler(n)) for n in range(hosts)]

    def url(self, n: int) -> str:
        return f"http://127.0.0.1:{self.servers[n].server_address[1]}/feed"

    def publish(self, per_feed: int = 2) -> None:
        """Each feed gets `per_feed` new items; every third item is a complaint."""
        stamp = format_datetime(datetime.now(UTC), usegmt=True)
        with self.lock:
            for n in range(len(self.published)):
                for _ in range(per_feed):
                    self.published_at[f"CHX-{n}-{self.published[n]}"] = stamp
                    self.published[n] += 1

    def document(self, n: int) -> tuple[bytes, list[str]]:
        with self.lock:
            tokens = [f"CHX-{n}-{k}" for k in range(self.published[n])][-40:]
            stamps = [self.published_at[t] for t in tokens]
        items = "".join(
            f"<item><guid isPermaLink='false'>{t}</guid><title>Lamp review {t}</title>"
            f"<link>https://reviews.example.com/{t}</link><description>"
            f"{NEGATIVE_TEXT if int(t.rsplit('-', 1)[1]) % 3 == 0 else POSITIVE_TEXT}"
            f"</description><pubDate>{stamp}</pubDate></item>"
            for t, stamp in zip(tokens, stamps, strict=True)
        )
        body = (
            "<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel>"
            f"<title>Feed {n}</title><link>https://reviews.example.com/</link>"
            f"<description>chaos</description>{items}</channel></rss>"
        ).encode()
        return body, tokens

    def _handler(self, n: int) -> type[BaseHTTPRequestHandler]:
        farm = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def do_GET(self) -> None:
                if self.path == "/robots.txt":
                    self.send_response(404)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                body, tokens = farm.document(n)
                self.send_response(200)
                self.send_header("Content-Type", "application/rss+xml")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                with farm.lock:
                    farm.served.update(tokens)
                    farm.requests[n] += 1

        return Handler


class Mailbox:
    """An aiosmtpd server that keeps every message; tokens mailed per recipient."""

    def __init__(self, delay: float = 0.0) -> None:
        self.messages: list[tuple[list[str], str]] = []
        self.delay = delay
        mailbox = self

        class Handler:
            async def handle_DATA(self, server, session, envelope) -> str:
                if mailbox.delay:
                    time.sleep(mailbox.delay)  # a slow SMTP server: sends are in flight longer
                text = envelope.content.decode("utf-8", "replace")
                mailbox.messages.append((list(envelope.rcpt_tos), text))
                return "250 OK"

        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def tokens_by_recipient(self) -> dict[str, Counter[str]]:
        mailed: dict[str, Counter[str]] = defaultdict(Counter)
        for recipients, raw in list(self.messages):
            message = email.message_from_string(raw)
            text = " ".join(
                part.get_payload(decode=True).decode("utf-8", "replace")
                for part in message.walk()
                if not part.is_multipart()
            )
            found = set(TOKEN.findall(text))
            for rcpt in recipients:
                mailed[rcpt].update(found)
        return mailed
