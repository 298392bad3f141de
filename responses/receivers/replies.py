"""Follow-through on replies: the review updated after our reply, and a relapse."""

from __future__ import annotations

from django.db import transaction
from django.dispatch import receiver

from monitors.models import Mention, Revision
from monitors.signals import mention_revised
from responses.alerts import record_relapse
from responses.followups import record_review_update, reopen_for_relapse
from responses.receivers.alerts import send_after_commit


@receiver(mention_revised, sender=Mention, dispatch_uid="responses.review_updated_after_reply")
def note_review_update(
    sender, mention: Mention, revision: Revision, old: dict, new: dict, **kwargs
) -> None:
    with transaction.atomic():  # the update, the reopened case and the alert, or none of them
        update = record_review_update(mention, revision, old, new)
        if update is not None and update.is_relapse:
            case = reopen_for_relapse(update) or update.case
            send_after_commit(record_relapse(case, update))
