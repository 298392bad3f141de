"""Advocates: green customers with a happy review (a recovered case is one too). We thank them
with a short, tone-checked reply from the "thank you" template, posted by hand, and ask them
for a reference, testimonial or referral — never twice within the owner's period.

The period is the owner's to change, so no constraint can hold it: asking locks the customer's
row first, so two people asking at once are served one after the other, and the second one
finds the first ask.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from monitors.models import Label, Mention, Subject
from responses.customers import customer_id_of
from responses.models import (
    AdvocateAsk,
    AdvocateThanks,
    Customer,
    CustomerEvent,
    Health,
    HealthSettings,
    ReplySettings,
    ReplyTemplate,
)
from responses.replies import tone_of_reply_to
from responses.reply_placeholders import fill_for_mention
from responses.tone import ToneReport

ADVOCATES_SHOWN = 100
SCANNED_FOR_ADVOCATES = 10_000  # happy reviews read at most, newest first
THANK_YOU_TEMPLATE = "Thank you"  # the seeded template's name starts with this
FALLBACK_THANKS = "Hi {author}, thank you so much for your kind words! — {business}"


class AdvocateError(Exception):
    """A thank-you or ask that cannot be done; the message says why, in plain words."""


def happy(rules: HealthSettings) -> Q:
    """A happy review: at least the owner's stars, or praise without a rating."""
    return Q(rating__gte=rules.advocate_min_rating) | Q(rating__isnull=True, label=Label.POSITIVE)


@dataclass(frozen=True)
class Advocate:
    customer: Customer
    review: Mention  # their latest happy review
    thanked: AdvocateThanks | None
    last_ask: AdvocateAsk | None
    ask_from: datetime | None  # when they may be asked again; None: now

    @property
    def may_ask(self) -> bool:
        return self.ask_from is None


def advocates(now: datetime | None = None) -> list[Advocate]:
    """Green customers by their latest happy review, newest first (reviews seen first)."""
    now = now or timezone.now()
    rules = HealthSettings.current()
    reviews = (
        Mention.objects.filter(happy(rules), subject=Subject.OURS)
        .annotate(customer_id=customer_id_of(), when=Coalesce("published_at", "first_seen_at"))
        .select_related("source")
        .defer("html")
        .order_by("-first_seen_at", "-pk")
    )
    latest: dict[int, Mention] = {}
    green: set[int] = set()
    # Newest happy reviews first, a page at a time, until enough green customers are found.
    for start in range(0, SCANNED_FOR_ADVOCATES, ADVOCATES_SHOWN * 5):
        page = list(reviews[start : start + ADVOCATES_SHOWN * 5])
        authors = {review.customer_id for review in page} - {None}
        green |= set(
            Customer.objects.filter(pk__in=authors, health=Health.GREEN).values_list(
                "pk", flat=True
            )
        )
        for review in page:
            if review.customer_id in green:
                latest.setdefault(review.customer_id, review)
        if len(latest) >= ADVOCATES_SHOWN or len(page) < ADVOCATES_SHOWN * 5:
            break
    latest = dict(list(latest.items())[:ADVOCATES_SHOWN])
    customers = Customer.objects.in_bulk(list(latest))
    thanked = {t.mention_id: t for t in AdvocateThanks.objects.filter(mention__in=latest.values())}
    last_asks: dict[int, AdvocateAsk] = {}
    for ask in AdvocateAsk.objects.filter(customer_id__in=latest).order_by("-asked_at", "-pk"):
        last_asks.setdefault(ask.customer_id, ask)
    return [
        Advocate(
            customers[customer_id],
            review,
            thanked.get(review.pk),
            last_asks.get(customer_id),
            _ask_from(last_asks.get(customer_id), rules, now),
        )
        for customer_id, review in latest.items()
    ]


def _ask_from(last: AdvocateAsk | None, rules: HealthSettings, now: datetime) -> datetime | None:
    if last is None:
        return None
    again = last.asked_at + timedelta(days=rules.ask_again_days)
    return again if again > now else None


# --- Thanking ------------------------------------------------------------------------------------


def thank_you_body() -> str:
    """The "thank you" template (the first one whose name starts so), or a short fallback."""
    template = (
        ReplyTemplate.objects.filter(archived=False, name__istartswith=THANK_YOU_TEMPLATE)
        .order_by("position", "pk")
        .first()
    )
    return template.body if template else FALLBACK_THANKS


def thank_you_text(
    mention: Mention, body: str | None = None, reply_settings: ReplySettings | None = None
) -> str:
    """The thank-you filled for this review."""
    return fill_for_mention(body or thank_you_body(), mention, reply_settings)


def thank(
    customer: Customer, mention: Mention, text: str, actor
) -> tuple[AdvocateThanks | None, ToneReport]:
    """Record the thank-you if its tone passes (None and the findings if not); once per review."""
    tone = tone_of_reply_to(text, mention, ReplySettings.current())
    if not text.strip() or not tone.ok:
        return None, tone
    try:
        with transaction.atomic():
            thanks = AdvocateThanks.objects.create(
                customer=customer,
                mention=mention,
                text=text.strip(),
                tone_score=tone.score,
                thanked_by=actor,
            )
            CustomerEvent.objects.create(
                customer=customer,
                actor=actor,
                kind=CustomerEvent.Kind.THANKED,
                detail=f"Thanked for the review on {mention.source.name}",
            )
    except IntegrityError as error:
        raise AdvocateError("This review was already thanked.") from error
    return thanks, tone


# --- Asking ---------------------------------------------------------------------------------------


def ask(customer: Customer, kind: str, actor, now: datetime | None = None) -> AdvocateAsk:
    """Record that we asked them; refused within the owner's period since the last ask."""
    now = now or timezone.now()
    rules = HealthSettings.current()
    with transaction.atomic():
        Customer.objects.select_for_update().get(pk=customer.pk)
        last = customer.asks.order_by("-asked_at").first()
        again = _ask_from(last, rules, now)
        if again is not None:
            raise AdvocateError(
                f"{customer.name} was asked for a {last.get_kind_display().lower()} on "
                f"{last.asked_at:%d %b %Y}; ask again from {again:%d %b %Y}."
            )
        asked = AdvocateAsk.objects.create(
            customer=customer, kind=kind, asked_by=actor, asked_at=now
        )
        CustomerEvent.objects.create(
            customer=customer,
            actor=actor,
            at=now,
            kind=CustomerEvent.Kind.ASKED,
            detail=f"Asked for a {asked.get_kind_display().lower()}",
        )
    return asked


def answer(asked: AdvocateAsk, reply: str, note: str, actor) -> AdvocateAsk:
    """What they said; the last answer given is kept."""
    now = timezone.now()
    with transaction.atomic():
        AdvocateAsk.objects.filter(pk=asked.pk).update(
            answer=reply, answer_note=note.strip()[:500], answered_at=now
        )
        asked.refresh_from_db()
        CustomerEvent.objects.create(
            customer_id=asked.customer_id,
            actor=actor,
            at=now,
            kind=CustomerEvent.Kind.ANSWERED,
            detail=f"{asked.get_kind_display()}: {asked.get_answer_display()}"
            + (f" ({asked.answer_note})" if asked.answer_note else ""),
        )
    return asked
