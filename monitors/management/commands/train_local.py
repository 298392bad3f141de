"""`manage.py train_local`: fit and judge the local adjustment now, and say what happened."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from monitors.local_model import in_use, train_local


class Command(BaseCommand):
    help = "Fit the local adjustment on this business's rated reviews and corrections."

    def handle(self, *args, **options) -> None:
        row = train_local()
        self.stdout.write(row.outcome)
        if row.shipped_precision is not None:
            self.stdout.write(
                f"Held back {row.held_back}: shipped model precision {row.shipped_precision:.2f} "
                f"recall {row.shipped_recall:.2f}; adjusted precision "
                f"{row.adjusted_precision:.2f} recall {row.adjusted_recall:.2f}."
            )
        current = in_use()
        self.stdout.write(
            f"In use: the adjustment fitted {current.ran_at:%Y-%m-%d %H:%M}."
            if current
            else "In use: the shipped model alone."
        )
