"""Customers: every author on one of our sources is a customer record; a person links records
that are the same customer across sources, and unlinks them. Likely matches (the same name on
another source, the same email) are suggested, never applied on their own.

Records are made in bulk by the beat (`sync_records`) and on demand for one mention. Two workers
making the same new author's customer make one: the record is unique per source and
UPPER(author), and the customer is unique by the record it was first made for.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import Count, Exists, Max, Min, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, Trim, Upper
from django.utils import timezone

from monitors.models import Mention, Subject
from responses.models import (
    AdvocateAsk,
    AdvocateThanks,
    Customer,
    CustomerEvent,
    CustomerRecord,
    OwnerAlert,
)

SYNC_BATCH = 50_000  # authors per beat tick: a backlog of years drains in a few ticks
SUGGESTIONS_SHOWN = 20


class LinkError(Exception):
    """A link or unlink that cannot be done; the message says why, in plain words."""


def _first_record_key(source_id: int, author_key: str) -> str:
    return f"{source_id}:{author_key}"


def authors_without_record() -> QuerySet:
    """(source_id, key, author) of authors on our sources that have no customer record yet."""
    has_record = CustomerRecord.objects.filter(
        source_id=OuterRef("source_id"), author_key=OuterRef("key")
    )
    return (
        Mention.objects.filter(subject=Subject.OURS)
        .annotate(trimmed=Trim("author"))
        .exclude(trimmed="")
        .annotate(key=Upper("author"))
        .filter(~Exists(has_record))
        .values("source_id", "key")
        .annotate(author=Min("trimmed"))
        .order_by()
    )


def _create_records(rows: list[dict]) -> None:
    """A customer and its record for each (source_id, key, author); existing ones are kept."""
    keys = [_first_record_key(row["source_id"], row["key"]) for row in rows]
    Customer.objects.bulk_create(
        [
            Customer(name=row["author"], first_record_key=key)
            for row, key in zip(rows, keys, strict=True)
        ],
        ignore_conflicts=True,
    )
    customer_ids = dict(
        Customer.objects.filter(first_record_key__in=keys).values_list("first_record_key", "pk")
    )
    CustomerRecord.objects.bulk_create(
        [
            CustomerRecord(
                customer_id=customer_ids[key],
                source_id=row["source_id"],
                author=row["author"],
                author_key=row["key"],
            )
            for row, key in zip(rows, keys, strict=True)
        ],
        ignore_conflicts=True,
    )


def sync_records(limit: int = SYNC_BATCH) -> int:
    """Make customer records for up to `limit` authors that have none; how many were missing.
    A backlog (a source with years of history) drains over a few beat ticks."""
    rows = list(authors_without_record()[:limit])
    if rows:
        _create_records(rows)
    return len(rows)


def record_for_mention(mention: Mention) -> CustomerRecord | None:
    """The customer record of the mention's author, made now if it has none; None for an
    anonymous mention or one about a competitor."""
    if mention.subject != Subject.OURS or not mention.author.strip():
        return None
    # UPPER() as the database computes it, the key the bulk sync stores.
    key = Mention.objects.filter(pk=mention.pk).values_list(Upper("author"), flat=True).first()
    records = CustomerRecord.objects.select_related("customer", "source")
    matching = records.filter(source_id=mention.source_id, author_key=key)
    record = matching.first()
    if record is None and key is not None:
        author = mention.author.strip()
        _create_records([{"source_id": mention.source_id, "key": key, "author": author}])
        record = matching.first()
    return record


# --- Mentions and cases of a customer ----------------------------------------------------------


def customer_id_of(prefix: str = "") -> Subquery:
    """The customer of the row's mention (`prefix` leads to it, e.g. "mention__"), looked up
    in the records' unique index (source, UPPER(author)); NULL when it has no record."""
    record = CustomerRecord.objects.filter(
        source_id=OuterRef(f"{prefix}source_id"), author_key=Upper(OuterRef(f"{prefix}author"))
    )
    return Subquery(record.values("customer_id")[:1])


def mentions_of(customer_ids: list[int]) -> QuerySet:
    """Mentions by any record of these customers, with `customer_id` and `when` annotated.
    Found through the mentions' UPPER(author) index with the records' names, then each row's
    customer looked up in the records' unique index: a few hundred customers cost a few
    hundred index probes, not a scan of every mention."""
    keys = sorted(
        set(
            CustomerRecord.objects.filter(customer_id__in=customer_ids).values_list(
                "author_key", flat=True
            )
        )
    )
    return (
        Mention.objects.filter(subject=Subject.OURS)
        .annotate(key=Upper("author"))
        .filter(key__in=keys)
        .annotate(customer_id=customer_id_of(), when=Coalesce("published_at", "first_seen_at"))
        .filter(customer_id__in=customer_ids)
    )


def customer_of_case_q(health: str) -> Q:
    """Cases whose mention's author is a customer of this health (the inbox filter)."""
    record = CustomerRecord.objects.filter(
        source_id=OuterRef("mention__source_id"),
        author_key=Upper(OuterRef("mention__author")),
        customer__health=health,
    )
    return Q(Exists(record))


# --- Linking and unlinking ----------------------------------------------------------------------


def _event(customer_id: int, actor, kind: str, detail: str) -> None:
    limit = CustomerEvent._meta.get_field("detail").max_length
    CustomerEvent.objects.create(
        customer_id=customer_id, actor=actor, kind=kind, detail=detail[:limit]
    )


def describe(record: CustomerRecord) -> str:
    return f"{record.author} on {record.source.name}"


def link(customer: Customer, other: Customer, actor) -> Customer:
    """`other` is the same person as `customer`: its records, thanks and asks move over and the
    emptied customer is removed. Returns `customer`."""
    if other.pk == customer.pk:
        raise LinkError("That is already this customer.")
    with transaction.atomic():
        locked = Customer.objects.select_for_update().filter(pk__in=[customer.pk, other.pk])
        if len(locked.order_by("pk")) != 2:
            raise LinkError("That customer no longer exists (someone linked it meanwhile).")
        moved = list(other.records.select_related("source"))
        other.records.update(customer=customer)
        AdvocateThanks.objects.filter(customer=other).update(customer=customer)
        AdvocateAsk.objects.filter(customer=other).update(customer=customer)
        CustomerEvent.objects.filter(customer=other).update(customer=customer)
        if not customer.email and other.email:
            customer.email = other.email
            customer.save(update_fields=["email"])
        other.delete()
        what = ", ".join(describe(record) for record in moved)
        _event(customer.pk, actor, CustomerEvent.Kind.LINKED, f"Linked {what}")
    return customer


def unlink(record: CustomerRecord, actor) -> Customer:
    """The record is someone else: it becomes a customer of its own, which is returned."""
    with transaction.atomic():
        customer = Customer.objects.select_for_update().get(pk=record.customer_id)
        if customer.records.count() < 2:
            raise LinkError("This is the customer's only record: there is nothing to unlink.")
        alone = Customer.objects.create(name=record.author)
        CustomerRecord.objects.filter(pk=record.pk).update(customer=alone)
        _event(customer.pk, actor, CustomerEvent.Kind.UNLINKED, f"Unlinked {describe(record)}")
        _event(alone.pk, actor, CustomerEvent.Kind.UNLINKED, f"Unlinked from {customer.name}")
    return alone


# --- Suggestions ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Suggestion:
    """Another customer who may be the same person, and why we think so."""

    customer: Customer
    why: str
    days_apart: int | None


def _latest_mention_at(customer_ids: list[int]) -> dict[int, datetime]:
    rows = mentions_of(customer_ids).values("customer_id").annotate(latest=Max("when"))
    return {row["customer_id"]: row["latest"] for row in rows.order_by()}


def suggestions_for(customer: Customer) -> list[Suggestion]:
    """Customers with the same name on another source or the same email, closest in time first."""
    keys = list(customer.records.values_list("author_key", flat=True))
    same = Q(records__author_key__in=keys)
    if customer.email:
        same |= Q(email__iexact=customer.email)
    others = list(Customer.objects.filter(same).exclude(pk=customer.pk).distinct()[:50])
    latest = _latest_mention_at([customer.pk, *(other.pk for other in others)])
    mine = latest.get(customer.pk)
    found = []
    for other in others:
        reasons = []
        if customer.email and other.email.lower() == customer.email.lower():
            reasons.append("same email")
        if other.records.filter(author_key__in=keys).exists():
            reasons.append("same name on another source")
        theirs = latest.get(other.pk)
        days = abs((mine - theirs).days) if mine and theirs else None
        if days is not None:
            reasons.append("reviews on the same day" if days == 0 else f"reviews {days} days apart")
        found.append(Suggestion(other, ", ".join(reasons), days))
    return sorted(found, key=lambda s: (s.days_apart is None, s.days_apart or 0, s.customer.pk))


def likely_matches(limit: int = SUGGESTIONS_SHOWN) -> list[list[Customer]]:
    """Groups of customers sharing a name on different sources, for the Customers page."""
    shared = (
        CustomerRecord.objects.values("author_key")
        .annotate(people=Count("customer", distinct=True))
        .filter(people__gt=1)
        .order_by("author_key")[:limit]
    )
    keys = [row["author_key"] for row in shared]
    groups: dict[str, list[Customer]] = {key: [] for key in keys}
    records = CustomerRecord.objects.filter(author_key__in=keys).select_related("customer")
    for record in records.order_by("author_key", "customer_id"):
        group = groups[record.author_key]
        if record.customer not in group:
            group.append(record.customer)
    return [group for group in groups.values() if len(group) > 1]


# --- Escalation ---------------------------------------------------------------------------------


def escalate(customer: Customer, person, actor, now: datetime | None = None) -> OwnerAlert:
    """Name the person who is to fix things for this customer; they and the owners are emailed
    (the alert returned, to be sent after commit)."""
    now = now or timezone.now()
    with transaction.atomic():
        Customer.objects.filter(pk=customer.pk).update(escalated_to=person, escalated_at=now)
        customer.escalated_to, customer.escalated_at = person, now
        by = getattr(actor, "email", "") or "someone"
        _event(customer.pk, actor, CustomerEvent.Kind.ESCALATED, f"Escalated to {person.email}")
        context = {
            "customer_id": customer.pk,
            "name": customer.name,
            "health": customer.get_health_display(),
            "reason": customer.health_reason,
            "escalated_by": by,
            "escalated_to": person.email,
            "also_to": person.email,
        }
        return OwnerAlert.objects.create(
            kind=OwnerAlert.Kind.CUSTOMER_ESCALATED,
            key=f"{customer.pk}:{person.pk}:{now:%Y-%m-%dT%H:%M:%S.%f}",
            context=context,
        )
