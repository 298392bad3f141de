"""Hostile documents and servers for the chaos run, each on its own port, plus a canary.

The canary is an internal address nobody should ever fetch: external entities and redirects
point at it, so any request it logs is an internal fetch. The suite's own hostile documents
(tests/monitors/test_hostile_documents.py) are served too.
"""

from __future__ import annotations

import contextlib
import gzip
import json
import time
from http.server import BaseHTTPRequestHandler

from chaos_farm import Server, start

RSS = "application/rss+xml"
HTML = "text/html; charset=utf-8"
GOOD = "<item><guid>good</guid><title>Good lamp</title><description>fine</description></item>"


def rss(items: str, head: str = "<?xml version='1.0' encoding='utf-8'?>") -> bytes:
    return f"{head}<rss version='2.0'><channel><title>t</title>{items}</channel></rss>".encode()


def documents(canary: str) -> dict[str, tuple[str, bytes, dict[str, str], int]]:
    """name -> (source kind, body, headers, status)."""
    laughs = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10 if i else "lol"}">' for i in range(10))
    script = "<script>alert(1)</script><img src=x onerror=alert(2)><svg onload=alert(3)>"
    jsonld = json.dumps(
        {
            "@type": "Review",
            "name": f"Scripted {script}",
            "reviewBody": f"<iframe src=javascript:alert(4)></iframe>{script}",
            "reviewRating": {"ratingValue": "1"},
            "author": {"name": "<b onmouseover=alert(5)>x</b>"},
        }
    )
    docs: dict[str, tuple[str, bytes, dict[str, str], int]] = {
        "billion-laughs": (
            "feed",
            rss(
                f"<item><title>&l9;</title></item>{GOOD}",
                f"<?xml version='1.0'?><!DOCTYPE r [{laughs}]>",
            ),
            {},
            200,
        ),
        "external-entity-to-canary": (
            "feed",
            rss(
                f"<item><title>&x;</title></item>{GOOD}",
                f"<?xml version='1.0'?><!DOCTYPE r [<!ENTITY x SYSTEM '{canary}/xxe'>]>",
            ),
            {},
            200,
        ),
        "external-dtd-to-canary": (
            "feed",
            rss(GOOD, f"<?xml version='1.0'?><!DOCTYPE r SYSTEM '{canary}/dtd'>"),
            {},
            200,
        ),
        "quadratic-blowup": (
            "feed",
            rss(
                "<item><title>" + "&a;" * 50_000 + f"</title></item>{GOOD}",
                f"<?xml version='1.0'?><!DOCTYPE r [<!ENTITY a '{'x' * 50_000}'>]>",
            ),
            {},
            200,
        ),
        "gzip-bomb-1gb": (
            "feed",
            gzip.compress(b"\0" * 200_000_000, 9),
            {"Content-Encoding": "gzip"},
            200,
        ),
        "body-of-50-mb": (
            "feed",
            rss(GOOD + "<item><title>" + "x" * 50_000_000 + "</title></item>"),
            {},
            200,
        ),
        "title-of-10-mb": (
            "feed",
            rss("<item><title>" + "y" * 10_000_000 + "</title></item>" + GOOD),
            {},
            200,
        ),
        "million-tiny-entries": ("feed", rss("<item><title>t</title></item>" * 1_000_000), {}, 200),
        "invalid-utf-8": (
            "feed",
            rss(GOOD + "<item><title>bad \xff\xfe bytes</title></item>").replace(
                b"\xc3\xbf\xc3\xbe", b"\xff\xfe"
            ),
            {},
            200,
        ),
        "nul-bytes": ("feed", rss(GOOD + "<item><title>nul\0here</title></item>"), {}, 200),
        "wrong-encoding-declared": (
            "feed",
            rss(
                GOOD + "<item><title>caf\xe9</title></item>",
                "<?xml version='1.0' encoding='utf-8'?>",
            ).replace(b"\xc3\xa9", b"\xe9"),
            {},
            200,
        ),
        "unknown-encoding": (
            "feed",
            rss(GOOD, "<?xml version='1.0' encoding='x-klingon'?>"),
            {},
            200,
        ),
        "no-encoding-latin-1": (
            "feed",
            rss(GOOD + "<item><title>na\xefve</title></item>", "<?xml version='1.0'?>").replace(
                b"\xc3\xaf", b"\xef"
            ),
            {"Content-Type": "text/xml"},
            200,
        ),
        "utf-16-without-bom": ("feed", rss(GOOD).decode().encode("utf-16-le"), {}, 200),
        "not-xml-at-all": (
            "feed",
            b"\x89PNG\r\n\x1a\n" + b"\0" * 5000,
            {"Content-Type": "image/png"},
            200,
        ),
        "empty-body": ("feed", b"", {}, 200),
        "deep-xml-nesting": ("feed", rss("<a>" * 100_000 + "</a>" * 100_000 + GOOD), {}, 200),
        "deep-json-ld": (
            "review_page",
            b"<script type='application/ld+json'>" + b"[" * 200_000 + b"]" * 200_000 + b"</script>",
            {"Content-Type": HTML},
            200,
        ),
        "script-laden-review-page": (
            "review_page",
            f"<html><script type='application/ld+json'>{jsonld}</script></html>".encode(),
            {"Content-Type": HTML},
            200,
        ),
        "script-laden-feed": (
            "feed",
            rss(
                f"<item><guid>s</guid><title>Scripted {script.replace('<', '&lt;')}</title>"
                f"<description><![CDATA[{script}<a href='javascript:alert(6)'>x</a>]]>"
                "</description></item>"
            ),
            {},
            200,
        ),
        "429-retry-after-10-years": ("feed", b"", {"Retry-After": "315360000"}, 429),
        "503-retry-after-year-9999": (
            "feed",
            b"",
            {"Retry-After": "Fri, 31 Dec 9999 23:59:59 GMT"},
            503,
        ),
        "429-retry-after-negative": ("feed", b"", {"Retry-After": "-5"}, 429),
        "503-retry-after-garbage": ("feed", b"", {"Retry-After": "soon-ish" * 1000}, 503),
        "500-error": ("feed", b"boom", {}, 500),
        "redirect-to-canary": ("feed", b"", {"Location": f"{canary}/redirected"}, 302),
        "redirect-to-metadata-address": (
            "feed",
            b"",
            {"Location": "http://169.254.169.254/latest/meta-data/"},
            302,
        ),
        "redirect-to-file-url": ("feed", b"", {"Location": "file:///etc/passwd"}, 302),
        "huge-header": ("feed", rss(GOOD), {"X-Big": "h" * 60_000}, 200),
    }
    return docs


class Hostiles:
    """Every hostile document and server on a port of its own; `canary_hits` internal fetches."""

    def __init__(self, suite_documents: dict) -> None:
        self.canary_hits: list[str] = []
        self.canary = start(self._canary_handler())
        canary = f"http://127.0.0.1:{self.canary.server_address[1]}"
        self.specs = documents(canary)
        for name, doc in suite_documents.items():
            self.specs[f"suite:{name}"] = (
                doc.kind,
                doc.body,
                {"Content-Type": doc.content_type},
                200,
            )
        self.servers: dict[str, Server] = {
            name: start(self._handler(*spec)) for name, spec in self.specs.items()
        }
        for name, handler in (
            ("drip-1-byte-a-second", self._drip()),
            ("redirect-loop", self._loop()),
        ):
            self.specs[name] = ("feed", b"", {}, 200)
            self.servers[name] = start(handler)

    def url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.servers[name].server_address[1]}/doc"

    def _canary_handler(self) -> type[BaseHTTPRequestHandler]:
        hits = self.canary_hits

        class Canary(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def do_GET(self) -> None:
                hits.append(self.path)
                self.send_response(200)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

        return Canary

    @staticmethod
    def _handler(
        kind: str, body: bytes, headers: dict[str, str], status: int
    ) -> type[BaseHTTPRequestHandler]:
        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def do_GET(self) -> None:
                if self.path == "/robots.txt":
                    self.send_response(404)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                self.send_response(status)
                self.send_header("Content-Type", headers.get("Content-Type", RSS))
                for key, value in headers.items():
                    if key != "Content-Type":
                        self.send_header(key, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                with contextlib.suppress(OSError):
                    self.wfile.write(body)

        return Handler

    @staticmethod
    def _drip() -> type[BaseHTTPRequestHandler]:
        class Drip(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def do_GET(self) -> None:
                try:
                    self.wfile.write(b"HTTP/1.1 200 OK\r\n")
                    for byte in b"Content-Type: application/rss+xml\r\n" * 100:
                        self.wfile.write(bytes([byte]))
                        self.wfile.flush()
                        time.sleep(1)
                except OSError:
                    pass

        return Drip

    @staticmethod
    def _loop() -> type[BaseHTTPRequestHandler]:
        class Loop(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def do_GET(self) -> None:
                self.send_response(302)
                self.send_header(
                    "Location", f"/doc{len(self.path)}" if len(self.path) < 60 else "/doc"
                )
                self.send_header("Content-Length", "0")
                self.end_headers()

        return Loop
