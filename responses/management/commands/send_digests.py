"""`manage.py send_digests [--now] [--user EMAIL]`: send due digests in this process."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from responses.digests import SEND_ERRORS, ensure_preferences, send_now
from responses.models import DigestPreference


class Command(BaseCommand):
    help = "Send the digests that are due (or, with --now, every digest with something new)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--now", action="store_true", help="Ignore the schedule.")
        parser.add_argument("--user", metavar="EMAIL", help="Only this person.")

    def handle(self, *args, now: bool, user: str | None, **options) -> None:
        ensure_preferences(timezone.now())
        people = DigestPreference.objects.exclude(frequency=DigestPreference.Frequency.OFF)
        if user:
            if not get_user_model().objects.filter(email__iexact=user).exists():
                raise CommandError(f"No user with email {user}.")
            people = people.filter(user__email__iexact=user)
        sent = failed = 0
        for user_id, email in people.values_list("user_id", "user__email"):
            try:
                sent += send_now(user_id, ignore_schedule=now)
            except SEND_ERRORS as error:
                failed += 1
                self.stderr.write(f"{email}: {type(error).__name__}: {error}")
        self.stdout.write(f"Sent {sent} digest(s); {failed} failed.")
        if failed:
            raise CommandError(f"{failed} digest(s) could not be sent; they are retried later.")
