"""`manage.py poll SOURCE_ID` or `--all`: poll now, synchronously, and say what was found."""

import time
from datetime import datetime, timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from monitors import scheduling
from monitors.models import HostState, Source, host_name
from monitors.polling import Outcome, poll_source_now

# Wait for a host that frees this soon (the minimum gap, a short poll); say so for longer.
SHORT_WAIT = timedelta(seconds=15)


def poll_politely(source_id: int) -> Outcome:
    """Poll now, waiting a few seconds for a host that frees soon; a longer hold returns at once."""
    deadline = timezone.now() + SHORT_WAIT
    while True:
        outcome = poll_source_now(source_id)
        if outcome.status != "host_busy" or outcome.free_at is None:
            return outcome
        if outcome.free_at > deadline:
            return outcome
        time.sleep(max(0.2, (outcome.free_at - timezone.now()).total_seconds()))


def held_back(source: Source, free_at: datetime) -> str:
    """Why a host cannot be asked now, and until when."""
    now = timezone.now()
    host = host_name(source.host)
    until = scheduling.deferred_until(source.host, now)
    if until is not None:
        return f"held back: {host} asked us to wait until {until:%Y-%m-%d %H:%M} UTC"
    if HostState.objects.filter(host=source.host, busy_until__gt=now).exists():
        why = f"another poll of {host} is running"
    else:
        why = f"the least gap between requests to {host} (RW_HOST_MIN_GAP_SECONDS)"
    return f"held back: {why}; try again after {free_at:%H:%M:%S} UTC"


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
            if outcome.status == "host_busy":
                failed += 1
                self.stderr.write(f"{source.name}: {held_back(source, outcome.free_at)}")
            elif outcome.status in ("failed", "paused", "deferred", "busy"):
                failed += 1
                detail = source.last_error or "another poll of this source is running"
                self.stderr.write(f"{source.name}: {outcome.status}: {detail}")
            else:
                self.stdout.write(
                    f"{source.name}: {outcome.status}: {log.new_count} new, "
                    f"{log.updated_count} updated, {log.unchanged_count} unchanged"
                )
        if failed:
            raise CommandError(f"{failed} of {len(ids)} polls did not succeed.")
