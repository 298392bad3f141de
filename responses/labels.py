"""Staff and owners correct a mention's label; the case's audit trail records who and when."""

from __future__ import annotations

from django.db import transaction

from monitors.corrections import Correction, correct_label
from responses.models import Case, Event


def correct(mention_id: int, negative: bool, user) -> tuple[Correction, Case | None]:
    """Apply a person's "Negative" / "Not negative" and note it on the mention's case, if any
    (a correction to negative opens the case first, as a flagged mention would). Returns the
    correction and the mention's case. Raises Mention.DoesNotExist for an unknown mention."""
    with transaction.atomic():
        correction = correct_label(mention_id, negative, user)
        case = Case.objects.filter(mention_id=mention_id).first()
        if case is not None and correction.old_label != correction.new_label:
            Event.objects.create(
                case=case,
                actor=user,
                kind=Event.Kind.LABEL,
                old_value=correction.old_label,
                new_value=correction.new_label,
            )
    return correction, case
