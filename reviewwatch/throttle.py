"""Throttling by token bucket in the database, the way healthchecks throttles its log-in emails:
each key holds up to `capacity` tokens, refilled evenly over `per`; a request spends one."""

from __future__ import annotations

import hashlib
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from reviewwatch.models import TokenBucket


def allow(scope: str, value: str, capacity: int, per: timedelta) -> bool:
    """Spend a token of `value` (an address, a client) in `scope`; False, nothing spent, when its
    bucket is empty. Only a digest of the value is stored."""
    digest = hashlib.sha256(value.strip().casefold().encode()).hexdigest()[:40]
    key = f"{scope}:{digest}"
    now = timezone.now()
    # A bucket untouched for `per` is full again, the same as no row: keep the table small.
    TokenBucket.objects.filter(key__startswith=f"{scope}:", updated_at__lt=now - per).delete()
    with transaction.atomic():
        bucket = TokenBucket.objects.select_for_update().filter(key=key).first()
        if bucket is None:
            try:
                with transaction.atomic():
                    TokenBucket.objects.create(key=key, tokens=capacity - 1, updated_at=now)
                return True
            except IntegrityError:  # another request created it a moment ago
                bucket = TokenBucket.objects.select_for_update().get(key=key)
        refill = (now - bucket.updated_at) / per * capacity
        bucket.tokens = min(capacity, bucket.tokens + refill)
        bucket.updated_at = now
        allowed = bucket.tokens >= 1
        if allowed:
            bucket.tokens -= 1
        bucket.save(update_fields=["tokens", "updated_at"])
    return allowed
