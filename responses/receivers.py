"""Opens and updates cases from the signals monitors sends."""

from __future__ import annotations

from django.dispatch import receiver

from monitors.models import Mention
from monitors.signals import mention_revised, negative_mention
from responses.cases import open_case_for_negative_mention, record_mention_edit


@receiver(negative_mention, sender=Mention, dispatch_uid="responses.open_case")
def open_case_on_negative_mention(sender, mention: Mention, **kwargs) -> None:
    open_case_for_negative_mention(mention)


@receiver(mention_revised, sender=Mention, dispatch_uid="responses.mention_edited")
def note_mention_edit_on_case(sender, mention: Mention, old: dict, new: dict, **kwargs) -> None:
    record_mention_edit(mention, old, new)
