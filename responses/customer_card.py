"""The case page's customer card: who wrote the review, their health and recent history."""

from __future__ import annotations

from monitors.models import Mention
from responses.customers import mentions_of, record_for_mention

HISTORY_ON_CASE = 5


def customer_card(mention: Mention) -> dict:
    """`customer` (None for an anonymous or competitor's mention) and `customer_history`: their
    latest mentions on any linked source, this one left out."""
    record = record_for_mention(mention)
    if record is None:
        return {"customer": None, "customer_history": []}
    history = (
        mentions_of([record.customer_id])
        .exclude(pk=mention.pk)
        .select_related("source", "case")
        .defer("html")
        .order_by("-when", "-pk")[:HISTORY_ON_CASE]
    )
    return {"customer": record.customer, "customer_history": list(history)}
