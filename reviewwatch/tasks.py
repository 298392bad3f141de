from celery import shared_task
from django.utils import timezone

from reviewwatch import invitations
from reviewwatch.emails import SEND_ERRORS, backoff_seconds
from reviewwatch.models import Heartbeat


@shared_task(name="reviewwatch.heartbeat", ignore_result=True)
def heartbeat(name: str = "worker") -> None:
    """Beat sends this every minute; the row it writes shows worker and beat are alive."""
    Heartbeat.objects.update_or_create(name=name, defaults={"seen_at": timezone.now()})


@shared_task(
    name="reviewwatch.send_invitation",
    bind=True,
    acks_late=True,
    ignore_result=True,
    max_retries=8,
)
def send_invitation(self, user_id: int, inviter_id: int, key: str) -> bool:
    """Email an invitation; SMTP errors retry with backoff instead of failing the owner's page."""
    try:
        return invitations.send_invitation(user_id, inviter_id, key)
    except SEND_ERRORS as error:
        raise self.retry(exc=error, countdown=backoff_seconds(self.request.retries)) from error
