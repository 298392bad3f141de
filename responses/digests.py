"""Who gets which mentions, once: claiming a person's send, picking what is new, recording it.

One send for one person goes: claim (a conditional UPDATE of the preference row) -> pick the
mentions in scope that this person was never given -> record them (a pending Delivery plus one
DigestItem per mention, unique per person and mention, in one transaction) -> send -> mark the
Delivery sent, advance the watermark and schedule the next send (one transaction). A Delivery
left pending by a crash or an SMTP error is sent again, with the same items, by the next holder
of the claim; that resend is the only way a person can get a digest twice.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.core.mail import get_connection
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone

from monitors.models import Label, Mention, Subject
from responses.digest_emails import build_digest
from responses.models import OPEN_STATUSES, Delivery, DigestItem, DigestPreference
from reviewwatch.emails import SEND_ERRORS, SEND_LEASE, backoff_seconds

# Longer than the task hard time limit (180 s), so a live send never loses its claim.
LEASE = timedelta(minutes=10)
# A mention is committed within this long after its first_seen_at (poll tasks stop at 180 s),
# so the watermark may trail the last selection by this much without missing a late commit.
INGEST_GRACE = timedelta(minutes=10)

Frequency = DigestPreference.Frequency
Scope = DigestPreference.Scope


def ensure_preferences(now: datetime) -> int:
    """Give every active person with an email a preference row.

    The watermark starts when the account was created, not when this first runs: what arrived
    in between (a poll right after `createuser`, say) is news to them too. Never later than
    `now`: a watermark ahead of the clock would hide what arrives until the clock catches up.
    """
    missing = (
        get_user_model()
        .objects.filter(is_active=True, digest_preference__isnull=True)
        .exclude(email="")
        .values_list("pk", "date_joined")
    )
    rows = [DigestPreference(user_id=pk, since=min(joined, now)) for pk, joined in missing]
    for row in rows:
        row.next_due_at = row.next_due_after(now)
    return len(DigestPreference.objects.bulk_create(rows, ignore_conflicts=True))


def preference_for(user, now: datetime | None = None) -> DigestPreference:
    """The person's preference row, created on first use like those of `ensure_preferences`."""
    now = now or timezone.now()
    pref, created = DigestPreference.objects.get_or_create(
        user=user, defaults={"since": min(user.date_joined, now)}
    )
    if created:
        pref.next_due_at = pref.next_due_after(now)
        pref.save(update_fields=["next_due_at"])
    return pref


def _claimable(now: datetime) -> Q:
    """Only columns of the preference row, so PostgreSQL re-checks them after a lock wait."""
    return Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)


def claim_due(now: datetime) -> list[tuple[int, uuid.UUID]]:
    """Claim every person whose digest is due; two beats at once never claim the same person."""
    token = uuid.uuid4()
    DigestPreference.objects.filter(_claimable(now), next_due_at__lte=now).exclude(
        frequency=Frequency.OFF
    ).update(claim_token=token, claimed_until=now + LEASE)
    claimed = DigestPreference.objects.filter(claim_token=token).values_list("user_id", flat=True)
    return [(user_id, token) for user_id in claimed]


def claim_one(user_id: int, now: datetime, *, ignore_schedule: bool) -> uuid.UUID | None:
    """Claim one person's send (for manual runs); None when it is not due or someone holds it."""
    token = uuid.uuid4()
    due = Q() if ignore_schedule else Q(next_due_at__lte=now)
    claimed = (
        DigestPreference.objects.filter(_claimable(now), due, user_id=user_id)
        .exclude(frequency=Frequency.OFF)
        .update(claim_token=token, claimed_until=now + LEASE)
    )
    return token if claimed else None


def candidates(pref: DigestPreference) -> QuerySet[Mention]:
    """Mentions in this person's scope that no digest of theirs has carried yet."""
    already = DigestItem.objects.filter(user_id=pref.user_id, mention=OuterRef("pk"))
    mentions = Mention.objects.filter(~Exists(already))
    if pref.scope == Scope.ASSIGNED:
        # Assignment happens after a mention arrives, so no time window: open cases only.
        return mentions.filter(case__assignee_id=pref.user_id, case__status__in=OPEN_STATUSES)
    # A new source's imported history is not news; its negatives come in once the owner opens
    # cases for them (which announces them).
    recent = Q(first_seen_at__gte=pref.since, imported_history=False) | Q(
        negative_announced_at__gte=pref.since
    )
    mentions = mentions.filter(recent)
    if pref.scope == Scope.NEGATIVE:
        return mentions.filter(subject=Subject.OURS, label=Label.NEGATIVE, author_blocked=False)
    if pref.scope == Scope.OURS:
        return mentions.filter(subject=Subject.OURS)
    return mentions


def record_delivery(pref: DigestPreference, now: datetime) -> Delivery | None:
    """Write the pending Delivery and its items in one transaction; None when nothing is new."""
    with transaction.atomic():
        mention_ids = list(candidates(pref).order_by("pk").values_list("pk", flat=True))
        if not mention_ids:
            return None
        delivery = Delivery.objects.create(user_id=pref.user_id, created_at=now)
        DigestItem.objects.bulk_create(
            DigestItem(user_id=pref.user_id, mention_id=pk, delivery=delivery) for pk in mention_ids
        )
        delivery.item_count = len(mention_ids)
        Delivery.objects.filter(pk=delivery.pk).update(item_count=len(mention_ids))
    return delivery


def send_claimed(
    user_id: int, token: uuid.UUID, now: datetime | None = None, connection=None
) -> bool:
    """Send this person's digest if `token` still holds the claim. True when an email went out.

    SMTP and network errors propagate (the Delivery stays pending); call record_failure().
    """
    now = now or timezone.now()
    pref = (
        DigestPreference.objects.select_related("user")
        .filter(user_id=user_id, claim_token=token)
        .first()
    )
    if pref is None:
        return False  # the person is gone, or another run took over the claim
    if not take_send_lease(user_id, token, now):
        return False  # a copy of this task is sending it right now
    if not pref.user.is_active or not pref.user.email:
        _finish(pref, token, now, watermark=now)
        return False
    delivery = Delivery.objects.filter(user_id=user_id, state=Delivery.State.PENDING).first()
    if delivery is not None and not delivery.items.exists():
        delivery.delete()  # every mention it carried was deleted meanwhile
        delivery = None
    if delivery is None:
        delivery = record_delivery(pref, now)
    if delivery is None:
        _finish(pref, token, now, watermark=now)
        return False
    message = build_digest(pref.user, delivery, now)
    message.connection = connection
    Delivery.objects.filter(pk=delivery.pk).update(
        attempts=delivery.attempts + 1, subject=message.subject[:300]
    )
    message.send()
    with transaction.atomic():
        Delivery.objects.filter(pk=delivery.pk, state=Delivery.State.PENDING).update(
            state=Delivery.State.SENT, sent_at=now
        )
        _finish(pref, token, now, watermark=delivery.created_at, sent=True)
    return True


def take_send_lease(user_id: int, token: uuid.UUID, now: datetime) -> bool:
    """True for the one holder of `token` that may talk to the SMTP server now."""
    free = Q(sending_until__isnull=True) | Q(sending_until__lt=now)
    return bool(
        DigestPreference.objects.filter(free, user_id=user_id, claim_token=token).update(
            sending_until=now + SEND_LEASE
        )
    )


def _finish(
    pref: DigestPreference, token: uuid.UUID, now: datetime, *, watermark: datetime, sent=False
) -> None:
    """Release the claim, move the watermark forward (never back) and schedule the next send."""
    since = max(pref.since, watermark - INGEST_GRACE)
    fields = {
        "since": since,
        "next_due_at": pref.next_due_after(now),
        "claim_token": None,
        "claimed_until": None,
        "sending_until": None,
    }
    if sent:
        fields |= {"last_sent_at": now, "failures": 0, "last_error": ""}
    DigestPreference.objects.filter(pk=pref.pk, claim_token=token).update(**fields)


def record_failure(user_id: int, token: uuid.UUID, error: Exception, retry_in: int) -> None:
    """Show the error on Settings and keep the claim until the retry is due (plus a lease)."""
    now = timezone.now()
    DigestPreference.objects.filter(user_id=user_id, claim_token=token).update(
        failures=F("failures") + 1,
        last_error=f"{type(error).__name__}: {error}"[:500],
        last_error_at=now,
        claimed_until=now + timedelta(seconds=retry_in) + LEASE,
        sending_until=None,
    )


def send_now(user_id: int, *, ignore_schedule: bool) -> bool:
    """Claim and send one person's digest in this process (the send_digests command)."""
    now = timezone.now()
    token = claim_one(user_id, now, ignore_schedule=ignore_schedule)
    if token is None:
        return False
    try:
        return send_claimed(user_id, token, now, connection=get_connection())
    except SEND_ERRORS as error:
        record_failure(user_id, token, error, backoff_seconds(0))
        raise
