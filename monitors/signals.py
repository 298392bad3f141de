"""What `monitors` announces. `responses/receivers/` listens; monitors never imports responses.

All are sent with the keyword arguments listed below. `mention_revised` is sent after the
transaction that stored the edit has committed; `negative_mentions` inside the transaction that
marks the mentions announced, so what its receivers write commits (or rolls back) with the mark;
`source_paused` after the poll that paused the source has been saved; `mentions_created` inside
the transaction that stores the mentions.
"""

from django.dispatch import Signal

__all__ = [
    "mention_revised",
    "mentions_created",
    "negative_mentions",
    "platform_reply_seen",
    "source_paused",
]

# sender=Mention; mentions: list[Mention] — a poll's newly stored mentions that are news (not a
# new source's imported history), classified, in the order they were stored; sent inside the
# transaction that stores them, so what the receivers write commits (or rolls back) with them.
mentions_created = Signal()

# sender=Mention; mention: Mention, revision: Revision, old: dict, new: dict — title/text/rating
# changed. old/new hold the changed fields only, e.g. {"rating": Decimal("1")} -> {"rating": 5}.
mention_revised = Signal()

# sender=Mention; mentions: list[Mention], in the order they were stored — mentions about our
# own business (not a competitor, not a blocked author) that are negative, each sent at most
# once (new, or an edit that turned it negative): a poll announces its new negatives together.
# mention.negative_announced_at is when it was seen negative.
negative_mentions = Signal()

# sender=Source; source: Source, reason: str — a source stopped being polled (410, repeated
# failures, robots.txt).
source_paused = Signal()

# sender=Mention; mention: Mention — a platform source showed a different public reply from the
# business (new, edited, published after moderation, or removed): mention.platform_reply*, sent
# after the poll's transaction has committed.
platform_reply_seen = Signal()
