"""`manage.py load_demo [--base-url URL] [--remove]`: add (or remove) the live demo's sources.

The sources poll sample documents this app serves under /demo/, which change as time passes
(see monitors/demo.py), and a demo Google Play app whose Developer API the app serves too
(monitors/demo_play.py). Loading twice changes nothing; the demo's clock starts at the first load.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from monitors import demo_play
from monitors.demo import DEMO_DOCUMENTS, EDIT_AFTER, NEW_REVIEW_AFTER, demo_sources
from monitors.models import MIN_POLL_MINUTES, Source
from monitors.netguard import is_public_address
from monitors.platforms import is_this_machine_url
from monitors.tasks import play_demo
from reviewwatch.queue import enqueue

QUEUE_DOWN = (
    "The background queue (REDIS_URL) did not answer, so the demo sources wait for the "
    "worker's next round (within a minute of it starting)."
)
PRIVATE_WARNING = (
    "The demo sources point at {host}, which is not this machine (loopback): the worker will "
    "refuse to poll them unless it runs with RW_ALLOW_PRIVATE_SOURCES=1. Use --base-url "
    "http://127.0.0.1:PORT."
)


def _minutes(delta) -> int:
    return int(delta.total_seconds() // 60)


def is_private_host(host: str) -> bool:
    """True for localhost and literal non-public addresses; other names count as public."""
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return not is_public_address(ipaddress.ip_address(host))
    except ValueError:
        return False


class Command(BaseCommand):
    help = "Add the live demo's sources (idempotent), or remove them with --remove."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--base-url",
            default=None,
            help="address this app answers on (default: SITE_URL, e.g. http://127.0.0.1:8000)",
        )
        parser.add_argument("--remove", action="store_true", help="delete the demo sources")

    def handle(self, *args, base_url: str | None, remove: bool, **options) -> None:
        if remove:
            deleted = demo_sources().delete()[1].get(Source._meta.label, 0)
            deleted += demo_play.remove()
            self.stdout.write(f"Removed {deleted} demo sources and their mentions.")
            return
        base = (base_url or settings.SITE_URL).rstrip("/")
        parts = urlsplit(base)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise CommandError(f"--base-url must be an http(s) address, not {base!r}")
        created = self._load(base)
        self.stdout.write(
            f"Demo loaded: {created} sources added, {len(DEMO_DOCUMENTS) - created} already there."
        )
        self.stdout.write(
            "They are polled as soon as the worker runs, again just after the demo's reviews "
            f"change, and every {MIN_POLL_MINUTES} minutes. A 1-star review appears "
            f"{_minutes(NEW_REVIEW_AFTER)} minutes after the first load and is edited to 5 stars "
            f"after {_minutes(EDIT_AFTER)}. Remove them with `manage.py load_demo --remove`."
        )
        demo_play.load(base, timezone.now(), MIN_POLL_MINUTES)
        self.stdout.write(
            f"The demo Google Play app ({demo_play.PACKAGE}) is read through its API: answer "
            "its 1-star review and press “Post to Google Play” on the case."
        )
        reachable = settings.RW_ALLOW_PRIVATE_SOURCES or is_this_machine_url(base)
        if not reachable and is_private_host(parts.hostname):
            self.stderr.write(self.style.WARNING(PRIVATE_WARNING.format(host=parts.hostname)))
        if not enqueue(play_demo):
            self.stderr.write(self.style.WARNING(QUEUE_DOWN))

    def _load(self, base: str) -> int:
        now = timezone.now()
        created_count = 0
        for document in DEMO_DOCUMENTS:
            url = f"{base}/demo/{document.path}"
            source, created = Source.objects.get_or_create(
                name=document.source_name,
                defaults={
                    "kind": document.kind,
                    "url": url,
                    "subject": document.subject,
                    "competitor_name": document.competitor_name,
                    "poll_interval_minutes": MIN_POLL_MINUTES,
                    "created_at": now,
                    "next_poll_at": now,
                    "is_demo": True,
                },
            )
            created_count += created
            if not created and (source.url != url or not source.is_demo):
                # the app moved: poll the new address now
                source.url, source.next_poll_at, source.is_demo = url, now, True
                source.etag = source.last_modified = source.content_hash = ""
                source.save()
        return created_count
