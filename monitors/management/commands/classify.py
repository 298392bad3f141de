"""`manage.py classify [--rating N] < lines`: label each line as the app would, with the reason.

Prints `LABEL<TAB>SCORE<TAB>REASON` per non-blank line, applying the owner's classification
rules, so an owner can check a phrase or a rule change from the shell.
"""

from __future__ import annotations

import sys
from decimal import Decimal, InvalidOperation

from django.core.management.base import BaseCommand, CommandError, CommandParser

from monitors.classify import classify
from monitors.ingest import owner_rules
from reviewwatch.management.database import require_migrated


def _rating(value: str) -> Decimal:
    try:
        rating = Decimal(value)
    except InvalidOperation:
        raise CommandError(f"--rating must be a number from 0 to 5, not {value!r}") from None
    if not rating.is_finite() or not 0 <= rating <= 5:
        raise CommandError(f"--rating must be a number from 0 to 5, not {value!r}")
    return rating


class Command(BaseCommand):
    help = "Classify each line of standard input: LABEL<TAB>SCORE<TAB>REASON."
    stealth_options = ("stdin",)  # call_command(..., stdin=StringIO(...)) in tests

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--rating", help="star rating (0 to 5) given to every line")

    def handle(self, *args, rating: str | None = None, **options) -> None:
        stars = _rating(rating) if rating is not None else None
        require_migrated()
        rules = owner_rules()
        stdin = options.get("stdin") or sys.stdin
        for line in stdin:
            text = line.strip()
            if not text:
                continue
            verdict = classify(text, stars, rules=rules)
            self.stdout.write(f"{verdict.label}\t{verdict.score:.2f}\t{verdict.reason}")
