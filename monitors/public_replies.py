"""A platform's public reply under each review, kept as the platform shows it (platform sources
tell it with each review: ReviewRecord.replies_known)."""

from __future__ import annotations

from collections.abc import Collection

from django.db import transaction

from monitors.models import Mention, Source
from monitors.parsers.base import ReviewRecord
from monitors.signals import platform_reply_seen


def reply_fields(record: ReviewRecord) -> dict:
    reply = record.reply
    return {
        "platform_reply": reply.text if reply else "",
        "platform_reply_at": reply.updated_at if reply else None,
        "platform_reply_state": reply.state if reply else "",
    }


def store_public_replies(
    source: Source, records: list[ReviewRecord], stored_ids: Collection[str]
) -> None:
    """Keep each stored mention's public reply as the platform shows it, and once the
    transaction commits announce every change (`platform_reply_seen`). New mentions get theirs
    on insert, unannounced: the case opened for one already answered reads it there."""
    known = [r for r in records if r.replies_known and r.external_id in stored_ids]
    if not known:
        return
    fields = list(reply_fields(ReviewRecord(external_id="")))
    stored = {
        m.external_id: m
        for m in Mention.objects.filter(
            source=source, external_id__in=[r.external_id for r in known]
        ).only("pk", "external_id", *fields)
    }
    changed: list[Mention] = []
    for record in known:
        new = reply_fields(record)
        mention = stored.get(record.external_id)
        if mention is not None and any(getattr(mention, k) != v for k, v in new.items()):
            for name, value in new.items():
                setattr(mention, name, value)
            changed.append(mention)
    if changed:
        Mention.objects.bulk_update(changed, fields)
        ids = [mention.pk for mention in changed]
        transaction.on_commit(lambda: _announce_replies(ids))


def _announce_replies(mention_ids: list[int]) -> None:
    for mention in Mention.objects.filter(pk__in=mention_ids):
        platform_reply_seen.send(sender=Mention, mention=mention)
