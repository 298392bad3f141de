"""A platform showed the business's public reply on a review: confirm our post is live there,
or count a reply written elsewhere (on the platform's own site) as the case's answer."""

from __future__ import annotations

from django.dispatch import receiver

from monitors.models import Mention
from monitors.signals import platform_reply_seen
from responses.posting import note_platform_reply


@receiver(platform_reply_seen, sender=Mention, dispatch_uid="responses.platform_reply_seen")
def note_reply_seen_on_platform(sender, mention: Mention, **kwargs) -> None:
    note_platform_reply(mention)
