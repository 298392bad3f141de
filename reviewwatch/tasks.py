from celery import shared_task
from django.utils import timezone

from reviewwatch.models import Heartbeat


@shared_task(name="reviewwatch.heartbeat", ignore_result=True)
def heartbeat(name: str = "worker") -> None:
    """Beat sends this every minute; the row it writes shows worker and beat are alive."""
    Heartbeat.objects.update_or_create(name=name, defaults={"seen_at": timezone.now()})
