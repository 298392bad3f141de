"""A person's correction of a mention's label: "Negative" or "Not negative".

It applies at once (a mention made negative opens its case, as one the model flagged would),
is kept with who and when, and wins over the model — a reclassification leaves it alone — until
the review's words change. Corrected mentions are labelled examples for the local adjustment.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from monitors.announce import announce_negative, needs_announcement
from monitors.models import Label, Mention

log = logging.getLogger(__name__)
# A mention corrected to negative asks for the ordinary response target, not the 1-hour one.
CORRECTED_NEGATIVE_SCORE = -0.5


@dataclass(frozen=True)
class Correction:
    mention: Mention
    old_label: str
    new_label: str
    case_opened: bool  # the correction made it a complaint, and a case was opened for it


def who(user) -> str:
    return user.get_full_name() or user.get_username()


def correct_label(mention_id: int, negative: bool, user) -> Correction:
    """Set the label a person says is right; correcting twice the same way changes nothing."""
    with transaction.atomic():
        mention = Mention.objects.select_for_update().get(pk=mention_id)
        old_label = mention.label
        if negative:
            label, score = Label.NEGATIVE, min(mention.score, CORRECTED_NEGATIVE_SCORE)
        else:
            label = Label.POSITIVE if old_label == Label.POSITIVE else Label.NEUTRAL
            score = max(mention.score, 0.0)
        verdict = "negative" if negative else "not negative"
        mention.label, mention.score = label, score
        mention.strongly_negative = mention.strongly_negative and negative
        mention.reason = f"corrected by {who(user)}: {verdict} (was {old_label})"[:500]
        mention.corrected_negative, mention.corrected_by = negative, user
        mention.corrected_at = timezone.now()
        mention.save(
            update_fields=[
                "label",
                "score",
                "strongly_negative",
                "reason",
                "corrected_negative",
                "corrected_by",
                "corrected_at",
            ]
        )
        opened = needs_announcement(mention) and _announce(mention)
    return Correction(mention, old_label, label, opened)


def _announce(mention: Mention) -> bool:
    """Open its case now; a receiver that fails leaves it for the next poll to retry, and the
    correction stands."""
    try:
        return announce_negative(mention)
    except Exception:
        log.exception("announcing corrected mention %s failed; the next poll retries", mention.pk)
        return False
