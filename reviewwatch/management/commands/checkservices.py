"""Fail fast, in one line each, when the database or the broker cannot be reached."""

import sys

from django.core.management.base import BaseCommand

from reviewwatch.health import check_broker, check_database


class Command(BaseCommand):
    help = "Check that DATABASE_URL and REDIS_URL answer; exit 1 with one clear line if not."

    def handle(self, *args, **options) -> None:
        problems = []
        if error := check_database():
            problems.append(
                f"DATABASE_URL: cannot reach the database ({error}). "
                "Fix DATABASE_URL or start the database server."
            )
        if error := check_broker():
            problems.append(
                f"REDIS_URL: cannot reach the broker ({error}). "
                "Fix REDIS_URL, start Redis, or unset it to use the embedded broker."
            )
        if problems:
            self.stderr.write("\n".join(problems))
            sys.exit(1)
        self.stdout.write("database and broker answer")
