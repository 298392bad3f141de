"""`manage.py poll SOURCE_ID` or `--all`: poll now, synchronously, and say what was found."""

import time

from django.core.management.base import BaseCommand, CommandError

from monitors.models import Source
from monitors.polling import Outcome, poll_source_now

HOST_WAIT_SECONDS = 200


def poll_politely(source_id: int) -> Outcome:
    """Poll now, waiting (at most a few minutes) while another poll holds the host."""
    deadline = time.monotonic() + HOST_WAIT_SECONDS
    while True:
        outcome = poll_source_now(source_id)
        if outcome.status != "host_busy" or time.monotonic() > deadline:
            return outcome
        time.sleep(1)


class Command(BaseCommand):
    help = "Poll sources now and print what each poll found."

    def add_arguments(self, parser) -> None:
        parser.add_argument("source_id", nargs="?", type=int)
        parser.add_argument("--all", action="store_true", help="every enabled source")

    def handle(self, source_id: int | None, all: bool, **options) -> None:
        if all == (source_id is not None):
            raise CommandError("Give one SOURCE_ID or --all.")
        if all:
            ids = list(Source.objects.filter(enabled=True).values_list("pk", flat=True))
        elif Source.objects.filter(pk=source_id).exists():
            ids = [source_id]
        else:
            raise CommandError(f"There is no source with id {source_id}.")
        failed = 0
        for pk in ids:
            outcome = poll_politely(pk)
            source = Source.objects.get(pk=pk)
            log = outcome.log
            if outcome.status in ("failed", "paused", "deferred", "busy", "host_busy"):
                failed += 1
                detail = source.last_error or "another poll of this source or host is running"
                self.stderr.write(f"{source.name}: {outcome.status}: {detail}")
            else:
                self.stdout.write(
                    f"{source.name}: {outcome.status}: {log.new_count} new, "
                    f"{log.updated_count} updated, {log.unchanged_count} unchanged"
                )
        if failed:
            raise CommandError(f"{failed} of {len(ids)} polls did not succeed.")
