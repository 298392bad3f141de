"""Follow-through on replies: the review updated after our reply, the same author again.

Imported after responses/receivers.py, so the triage receiver has opened the new mention's case
before `reopen_same_author_case` looks for an earlier one.
"""

from __future__ import annotations

from django.dispatch import receiver

from monitors.models import Mention, Revision
from monitors.signals import mention_revised, negative_mention
from responses.followups import record_review_update, reopen_for_same_author


@receiver(mention_revised, sender=Mention, dispatch_uid="responses.review_updated_after_reply")
def note_review_update(
    sender, mention: Mention, revision: Revision, old: dict, new: dict, **kwargs
) -> None:
    record_review_update(mention, revision, old, new)


@receiver(negative_mention, sender=Mention, dispatch_uid="responses.reopen_same_author")
def reopen_same_author_case(sender, mention: Mention, **kwargs) -> None:
    reopen_for_same_author(mention)
