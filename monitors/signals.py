"""What `monitors` announces. `responses/receivers.py` listens; monitors never imports responses.

All are sent after the database transaction that stored the change has committed, with
`sender=Mention` and the keyword arguments listed below.
"""

from django.dispatch import Signal

__all__ = ["mention_created", "mention_revised", "negative_mention", "source_paused"]

# mention: Mention — a mention stored for the first time.
mention_created = Signal()

# mention: Mention, revision: Revision, old: dict, new: dict — title/text/rating changed.
# old/new hold the changed fields only, e.g. {"rating": Decimal("1")} -> {"rating": Decimal("5")}.
mention_revised = Signal()

# mention: Mention — a mention about our own business (not a competitor, not a blocked author)
# that is negative, sent at most once per mention (new, or an edit that turned it negative).
negative_mention = Signal()

# source: Source, reason: str — a source stopped being polled (410, repeated failures, robots.txt).
source_paused = Signal()
