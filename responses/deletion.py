"""An owner deleting a mention: its case and everything on it go too, in one transaction with
the tombstone that keeps the next poll from bringing the mention back."""

from __future__ import annotations

from django.db import transaction

from monitors.deletion import delete_mentions
from monitors.models import Mention
from responses.models import (
    Case,
    Event,
    FollowUp,
    Note,
    Remedy,
    ReplyDecision,
    ReplyDraft,
    ReplyVersion,
    ReviewUpdate,
)


def delete_mention(mention: Mention) -> None:
    with transaction.atomic():
        case = Case.objects.select_for_update().filter(mention=mention).first()
        if case is not None:
            _delete_case(case)
        delete_mentions(Mention.objects.filter(pk=mention.pk))


def _delete_case(case: Case) -> None:
    """Children first: cases keep their history with PROTECT, so nothing goes by accident."""
    Case.objects.filter(merged_into=case).update(merged_into=None)
    ReviewUpdate.objects.filter(case=case).delete()
    FollowUp.objects.filter(case=case).delete()
    Remedy.objects.filter(case=case).delete()
    ReplyDecision.objects.filter(draft__case=case).delete()
    ReplyDraft.objects.filter(case=case).update(approved_version=None)
    ReplyVersion.objects.filter(draft__case=case).delete()
    ReplyDraft.objects.filter(case=case).delete()
    Event.objects.filter(case=case).delete()
    Note.objects.filter(case=case).delete()
    case.tags.clear()
    case.delete()
