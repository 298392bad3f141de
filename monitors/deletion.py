"""Deleting mentions for good: each one leaves a Tombstone, written in the same transaction,
so the next poll of its source skips it instead of storing it again (see monitors/ingest.py)."""

from __future__ import annotations

from django.db import transaction
from django.db.models import QuerySet

from monitors.models import Mention, Tombstone


def delete_mentions(mentions: QuerySet[Mention]) -> int:
    """Delete these mentions and remember them; returns how many were deleted.

    Raises ProtectedError (and deletes and remembers nothing) while a case still refers to one;
    responses/deletion.py removes the case first.
    """
    with transaction.atomic():
        keys = list(mentions.values_list("source_id", "external_id"))
        Tombstone.objects.bulk_create(
            [Tombstone(source_id=source_id, external_id=key) for source_id, key in keys],
            ignore_conflicts=True,
        )
        mentions.delete()
    return len(keys)
