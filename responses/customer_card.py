"""The case page's customer card: who wrote the review, their health and recent history."""

from __future__ import annotations

from django.utils import timezone

from monitors.models import Mention
from responses.customer_health import refresh
from responses.customers import mentions_of, record_for_mention
from responses.receivers.alerts import send_after_commit

HISTORY_ON_CASE = 5


def send_after_commit_all(alerts: list) -> None:
    for alert in alerts:
        send_after_commit(alert)


def customer_card(mention: Mention) -> dict:
    """`customer` (None for an anonymous or competitor's mention) and `customer_history`: their
    latest mentions on any linked source, this one left out."""
    record = record_for_mention(mention)
    if record is None:
        return {"customer": None, "customer_history": []}
    customer = record.customer
    if customer.health_checked_at is None:  # a new author: judged now, not at the next beat
        send_after_commit_all(refresh([customer.pk], timezone.now()))
        customer.refresh_from_db()
    history = (
        mentions_of([record.customer_id])
        .exclude(pk=mention.pk)
        .select_related("source", "case")
        .defer("html")
        .order_by("-when", "-pk")[:HISTORY_ON_CASE]
    )
    return {"customer": customer, "customer_history": list(history)}
