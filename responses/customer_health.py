"""Health: each customer is red, yellow or green from their history, with the reason shown.

`judge` is the rule, a pure function of a customer's `History` and the owner's thresholds
(HealthSettings), so each boundary is tested with a table. `refresh` loads histories in bulk,
stores each colour and reason (the inbox filters on it), and records one owner alert when a
customer turns red: the colour is claimed with a conditional UPDATE (only one refresh can turn
a customer red at a time) and the alert is unique per customer and the moment it turned red.
A customer judged for the first time alerts only if their trouble is fresh (a new author's
complaints), not for the years of history found when customers were first counted.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Q

from monitors.models import Label, Mention, Subject, stars
from responses.customers import customer_id_of, mentions_of
from responses.models import (
    OPEN_STATUSES,
    Case,
    Customer,
    CustomerEvent,
    Health,
    HealthSettings,
    OwnerAlert,
    ReviewUpdate,
)
from responses.models.replies import RECOVERED_MIN_RATING

REFRESH_BATCH = 500
# A first pass over years of history is spread over a few beat ticks.
NEVER_CHECKED_PER_TICK = 20_000
# A customer judged red the first time alerts the owners only if the trouble is this recent.
FRESH_TROUBLE = timedelta(days=1)
# Customers with a mention this much older than the window are judged once more, so trouble
# that ages out of the window changes their colour.
AGING_SLACK = timedelta(days=1)


@dataclass
class History:
    """What a customer's mentions and cases say, as of one moment."""

    negatives_recent: int = 0  # negative reviews in the window, not counting recovered ones
    overdue_cases: int = 0  # open, never answered, past due
    open_cases: int = 0
    relapses_recent: int = 0  # a recovered review dropped back, in the window
    recoveries: int = 0  # complaints turned into praise after our reply
    praise_recent: int = 0  # happy reviews in the window
    latest_rating: Decimal | None = None
    latest_at: datetime | None = None
    # The newest sign of trouble: a complaint, a case falling overdue, a relapse.
    trouble_at: datetime | None = None

    def trouble(self, at: datetime) -> None:
        self.trouble_at = at if self.trouble_at is None else max(self.trouble_at, at)


@dataclass(frozen=True)
class Verdict:
    health: str
    reasons: list[str] = field(default_factory=list)

    @property
    def reason(self) -> str:
        text = ", ".join(self.reasons)
        return text[:1].upper() + text[1:]


def _plural(count: int, one: str, many: str | None = None) -> str:
    return f"{count} {one if count == 1 else many or one + 's'}"


def judge(history: History, rules: HealthSettings) -> Verdict:
    """Red: repeat complaints, a case overdue, or a relapse. Yellow: one complaint, an open
    case, or a low latest rating. Green otherwise, with what makes them happy if anything."""
    window = f"in {rules.window_days} days"
    red = []
    if history.negatives_recent >= rules.red_negatives:
        red.append(f"{_plural(history.negatives_recent, 'negative review')} {window}")
    if history.overdue_cases:
        red.append("case overdue" if history.overdue_cases == 1 else "cases overdue")
    if history.relapses_recent:
        red.append("review dropped back after our reply")
    if red:
        return Verdict(Health.RED, red)
    yellow = []
    if history.negatives_recent:
        yellow.append(f"{_plural(history.negatives_recent, 'negative review')} {window}")
    if history.open_cases:
        yellow.append(_plural(history.open_cases, "open case"))
    rating = history.latest_rating
    if rating is not None and rating <= rules.yellow_max_rating:
        yellow.append(f"latest rating {stars(rating)}")
    if yellow:
        return Verdict(Health.YELLOW, yellow)
    green = []
    if history.recoveries:
        green.append("recovered after our reply")
    if history.praise_recent:
        green.append(f"{_plural(history.praise_recent, 'happy review')} {window}")
    return Verdict(Health.GREEN, green or [f"no complaints {window}"])


# --- Loading histories ------------------------------------------------------------------------


def _is_praise(rating: Decimal | None, label: str, rules: HealthSettings) -> bool:
    if rating is not None:
        return rating >= rules.advocate_min_rating
    return label == Label.POSITIVE


def histories(customer_ids: list[int], now: datetime, rules: HealthSettings) -> dict[int, History]:
    """Each customer's History from their mentions, cases and review updates (three queries)."""
    since = now - timedelta(days=rules.window_days)
    found = {customer_id: History() for customer_id in customer_ids}
    mentions = list(
        mentions_of(customer_ids).values_list("pk", "customer_id", "label", "rating", "when")
    )
    owner_of = {pk: customer_id for pk, customer_id, *_ in mentions}
    cases = Case.objects.filter(mention_id__in=owner_of).values_list(
        "pk", "mention_id", "status", "responded", "due_at"
    )
    case_owner: dict[int, tuple[int, int]] = {}
    for case_id, mention_id, status, responded, due_at in cases:
        customer = found[owner_of[mention_id]]
        case_owner[case_id] = (owner_of[mention_id], mention_id)
        if status in OPEN_STATUSES:
            customer.open_cases += 1
            # responses.breaches.breached(), on the loaded row
            if not responded and due_at < now:
                customer.overdue_cases += 1
                customer.trouble(due_at)
    recovered_mentions = set()
    fields = ("case_id", "old_rating", "new_rating", "seen_at")
    for update in ReviewUpdate.objects.filter(case_id__in=case_owner).only(*fields):
        customer_id, mention_id = case_owner[update.case_id]
        if update.is_relapse and update.seen_at >= since:
            found[customer_id].relapses_recent += 1
            found[customer_id].trouble(update.seen_at)
        if update.is_recovery:
            recovered_mentions.add(mention_id)
    for pk, customer_id, label, rating, when in mentions:
        customer = found[customer_id]
        still_recovered = pk in recovered_mentions and (rating or 0) >= RECOVERED_MIN_RATING
        customer.recoveries += still_recovered
        if when >= since and label == Label.NEGATIVE and not still_recovered:
            customer.negatives_recent += 1
            customer.trouble(when)
        if when >= since and _is_praise(rating, label, rules):
            customer.praise_recent += 1
        if rating is not None and (customer.latest_at is None or when > customer.latest_at):
            customer.latest_rating, customer.latest_at = rating, when
    return found


# --- Storing the colour and alerting -----------------------------------------------------------


def _alert_red(customer: Customer, reason: str, key: str) -> OwnerAlert | None:
    context = {"customer_id": customer.pk, "name": customer.name, "reason": reason}
    try:
        with transaction.atomic():
            return OwnerAlert.objects.create(
                kind=OwnerAlert.Kind.CUSTOMER_RED, key=key, context=context
            )
    except IntegrityError:
        return None


def _change_health(customer_id: int, verdict: Verdict, now: datetime) -> OwnerAlert | None:
    """Claim the new colour (only one refresh changes it) and record it; a red alert if red."""
    changed = (
        Customer.objects.filter(pk=customer_id)
        .exclude(health=verdict.health)
        .update(
            health=verdict.health,
            health_reason=verdict.reason,
            health_since=now,
            health_checked_at=now,
        )
    )
    if not changed:
        return None
    customer = Customer.objects.get(pk=customer_id)
    CustomerEvent.objects.create(
        customer=customer,
        kind=CustomerEvent.Kind.HEALTH,
        at=now,
        detail=f"{customer.get_health_display()}: {verdict.reason}"[:500],
    )
    if verdict.health != Health.RED:
        return None
    return _alert_red(customer, verdict.reason, f"{customer.pk}:{now:%Y-%m-%dT%H:%M:%S.%f}")


def _store(verdicts: dict[int, Verdict], now: datetime, first_time: bool) -> None:
    """Write colours and reasons with one UPDATE per distinct verdict (a batch has a few)."""
    alike: dict[tuple[str, str], list[int]] = defaultdict(list)
    for customer_id, verdict in verdicts.items():
        alike[(verdict.health, verdict.reason)].append(customer_id)
    for (health, reason), customer_ids in alike.items():
        values = {"health_reason": reason, "health_checked_at": now}
        if first_time:
            values |= {"health": health, "health_since": now}
        Customer.objects.filter(pk__in=customer_ids).update(**values)


def _judge_first_time(
    judged: dict[int, tuple[History, Verdict]], names: dict[int, str], now: datetime
) -> list[OwnerAlert]:
    """Customers never judged before (a new author, or every author of the history found when
    customers were first counted): their colour is stored without a "changed" record, and a
    red one alerts only when the trouble is fresh, so years of history do not flood the
    owners' inbox."""
    _store({pk: verdict for pk, (_, verdict) in judged.items()}, now, first_time=True)
    alerts = []
    for customer_id, (history, verdict) in judged.items():
        fresh = history.trouble_at is not None and history.trouble_at >= now - FRESH_TROUBLE
        if verdict.health == Health.RED and fresh:
            customer = Customer(pk=customer_id, name=names[customer_id])
            alerts.append(_alert_red(customer, verdict.reason, f"{customer_id}:first"))
    return [alert for alert in alerts if alert is not None]


def refresh(customer_ids: list[int], now: datetime) -> list[OwnerAlert]:
    """Store each customer's colour and reason now; the red alerts recorded (to be sent)."""
    rules = HealthSettings.current()
    judged = {
        customer_id: (history, judge(history, rules))
        for customer_id, history in histories(customer_ids, now, rules).items()
    }
    stored = {
        pk: (health, checked_at, name)
        for pk, health, checked_at, name in Customer.objects.filter(pk__in=judged).values_list(
            "pk", "health", "health_checked_at", "name"
        )
    }
    first = {pk: judged[pk] for pk, (_, checked_at, _) in stored.items() if checked_at is None}
    alerts = _judge_first_time(first, {pk: row[2] for pk, row in stored.items()}, now)
    again = {pk: judged[pk][1] for pk in stored if pk not in first}
    _store({pk: v for pk, v in again.items() if stored[pk][0] == v.health}, now, first_time=False)
    for pk, verdict in again.items():
        if stored[pk][0] != verdict.health:
            alerts.append(_change_health(pk, verdict, now))
    return [alert for alert in alerts if alert is not None]


def customers_to_check(now: datetime, rules: HealthSettings) -> list[int]:
    """Customers whose colour may have changed since the last pass: a mention or a review edit
    within the window and a day (so one that just aged out is seen once more), an open case
    (it may fall overdue), a case changed in the last day, and the first NEVER_CHECKED_PER_TICK
    customers never judged. Anyone else's colour cannot change with time alone."""
    since = now - timedelta(days=rules.window_days) - AGING_SLACK
    customer = customer_id_of("mention__")
    recent_case = Q(status__in=OPEN_STATUSES) | Q(updated_at__gte=now - AGING_SLACK)
    rows = [
        Mention.objects.filter(subject=Subject.OURS, first_seen_at__gte=since).annotate(
            customer=customer_id_of()
        ),
        Case.objects.filter(recent_case).annotate(customer=customer),
        ReviewUpdate.objects.filter(seen_at__gte=since).annotate(customer=customer),
    ]
    never_checked = Customer.objects.filter(health_checked_at__isnull=True).order_by("pk")
    ids = set(never_checked.values_list("pk", flat=True)[:NEVER_CHECKED_PER_TICK])
    for found in rows:
        ids |= set(found.order_by().values_list("customer", flat=True).distinct())
    return sorted(ids - {None})


def refresh_all(now: datetime) -> list[OwnerAlert]:
    """The beat's pass over every customer whose colour may have changed."""
    ids = customers_to_check(now, HealthSettings.current())
    alerts = []
    for start in range(0, len(ids), REFRESH_BATCH):
        alerts += refresh(ids[start : start + REFRESH_BATCH], now)
    return alerts


def history_of(customer: Customer, now: datetime) -> History:
    return histories([customer.pk], now, HealthSettings.current())[customer.pk]
