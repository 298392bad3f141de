"""A real SMTP server (aiosmtpd on 127.0.0.1) and small factories for digest and alert tests."""

from __future__ import annotations

import asyncio
import email
import email.policy
import logging
import re
import socket
import threading
from collections.abc import Callable
from decimal import Decimal
from email.message import EmailMessage
from itertools import count

import pytest
from aiosmtpd.controller import Controller

_external_ids = count(1)


class SmtpSink:
    """Collects every accepted message; `fail_next` injects failures into the next DATA commands.

    Modes: "reject" answers 451, "raise" raises inside the handler (aiosmtpd answers 500),
    "drop" closes the connection before answering.
    """

    def __init__(self, delay: float = 0.0) -> None:
        self.messages: list[EmailMessage] = []
        self.fail_next: list[str] = []
        self.port = 0
        self.delay = delay  # seconds before each DATA answer: a slow server
        self.receiving = threading.Event()  # set when the first DATA command arrives

    @staticmethod
    def unused_port() -> int:
        return free_port()

    @staticmethod
    def subject(message: EmailMessage) -> str:
        """Django folds a long encoded subject onto a second line; a mail client unfolds it."""
        return " ".join(message["Subject"].split())

    @staticmethod
    def text(message: EmailMessage) -> str:
        return message.get_body(preferencelist=("plain",)).get_content().replace("\r\n", "\n")

    @staticmethod
    def html(message: EmailMessage) -> str:
        return message.get_body(preferencelist=("html",)).get_content().replace("\r\n", "\n")

    def review_numbers(self, message: EmailMessage | None = None) -> list[int]:
        """Numbers of the mentions (from make_mention) listed in one message, or in all."""
        messages = [message] if message is not None else self.messages
        text = "".join(self.text(m) for m in messages)
        return sorted(int(n) for n in re.findall(r"Review number (\d+)", text))

    async def handle_DATA(self, server, session, envelope) -> str:
        self.receiving.set()
        await asyncio.sleep(self.delay)
        if self.fail_next:
            mode = self.fail_next.pop(0)
            if mode == "reject":
                return "451 4.3.0 Mailbox busy, try again later"
            if mode == "raise":
                raise RuntimeError("injected failure inside the SMTP server")
            server.transport.close()
            return "250 OK"  # never reaches the client
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append(message)
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_server(settings):
    """Start aiosmtpd on a free local port and point Django's SMTP backend at it."""
    yield from _serve(SmtpSink(), settings)


@pytest.fixture
def slow_smtp_server(settings):
    """Like smtp_server, but each message takes a second to be accepted."""
    yield from _serve(SmtpSink(delay=1.0), settings)


def _serve(sink: SmtpSink, settings):
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    sink.port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=sink.port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = sink.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    settings.SITE_URL = "https://reviews.example.com"
    yield sink
    controller.stop()


@pytest.fixture
def source(db):
    from monitors.models import Source

    return Source.objects.create(name="Trustpilot", url="https://www.trustpilot.com/review/x")


@pytest.fixture
def make_mention(source) -> Callable[..., object]:
    """make_mention(rating=1, text=..., label="negative", subject="ours", source=..., **fields)."""
    from monitors.models import Label, Mention, Subject

    def make(rating: float | None = 1, **fields):
        number = next(_external_ids)
        defaults = {
            "source": source,
            "external_id": f"review-{number}",
            "url": f"https://www.trustpilot.com/reviews/{number}",
            "author": f"Customer {number}",
            "title": f"Review {number}",
            "text": f"Review number {number}: the order arrived late and nobody answered.",
            "rating": None if rating is None else Decimal(str(rating)),
            "content_hash": f"hash-{number}",
            "label": Label.NEGATIVE,
            "subject": Subject.OURS,
        }
        return Mention.objects.create(**{**defaults, **fields})

    return make
