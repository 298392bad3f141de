"""Owner alerts: a source paused, a spike of negative mentions."""

from __future__ import annotations

from django.db import transaction
from django.dispatch import receiver
from django.utils import timezone

from monitors.signals import negative_mention, source_paused
from responses.alerts import record_source_paused, record_spike_if_any
from responses.models import OwnerAlert
from responses.tasks import send_owner_alert


def _send_after_commit(alert: OwnerAlert | None) -> None:
    if alert is not None:
        transaction.on_commit(lambda: send_owner_alert.delay(alert.pk))


@receiver(source_paused, dispatch_uid="responses.alert_source_paused")
def alert_source_paused(sender, source, reason: str = "", **kwargs) -> None:
    _send_after_commit(record_source_paused(source, reason, timezone.now()))


@receiver(negative_mention, dispatch_uid="responses.alert_negative_spike")
def alert_negative_spike(sender, mention, **kwargs) -> None:
    _send_after_commit(record_spike_if_any(timezone.now()))
