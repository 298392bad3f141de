"""Owner alerts: a source paused (spikes are checked by responses/spikes.py)."""

from __future__ import annotations

from django.db import transaction
from django.dispatch import receiver
from django.utils import timezone

from monitors.signals import source_paused
from responses.alerts import record_source_paused
from responses.models import OwnerAlert
from responses.tasks import send_owner_alert


def send_after_commit(alert: OwnerAlert | None) -> None:
    if alert is not None:
        transaction.on_commit(lambda: send_owner_alert.delay(alert.pk))


@receiver(source_paused, dispatch_uid="responses.alert_source_paused")
def alert_source_paused(sender, source, reason: str = "", **kwargs) -> None:
    send_after_commit(record_source_paused(source, reason, timezone.now()))
