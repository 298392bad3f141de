"""Opens and updates cases from the signals monitors sends.

One receiver for `negative_mentions`, so the order of what happens does not depend on the order
in which modules were imported: open the poll's cases, fold each into the same author's
earlier case, note a reply the platform already shows, link them to the open incidents they
match, record them for webhooks and channels, then make sure the spike check runs once after
the poll's announcements commit.
"""

from __future__ import annotations

from django.dispatch import receiver

from monitors.models import Mention
from monitors.signals import mention_revised, negative_mentions
from responses.cases import open_cases_for_negative_mentions, record_mention_edit
from responses.followups import fold_in_same_authors
from responses.incidents import link_new_mentions
from responses.notify.events import record_negative_mentions
from responses.posting import note_platform_reply
from responses.spikes import check_spike_after_commit


@receiver(negative_mentions, sender=Mention, dispatch_uid="responses.negative_mentions")
def react_to_negative_mentions(sender, mentions: list[Mention], **kwargs) -> None:
    opened = open_cases_for_negative_mentions(mentions)
    fold_in_same_authors(opened)
    for mention, _, _ in opened:
        if mention.platform_reply:  # answered on the platform before we saw the review
            note_platform_reply(mention)
    link_new_mentions(mentions)
    record_negative_mentions(opened)
    check_spike_after_commit()


@receiver(mention_revised, sender=Mention, dispatch_uid="responses.mention_edited")
def note_mention_edit_on_case(sender, mention: Mention, old: dict, new: dict, **kwargs) -> None:
    record_mention_edit(mention, old, new)
