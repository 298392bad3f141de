"""Emails as subject/text/HTML template triples under templates/emails/NAME-{subject,body}.*"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import timedelta

from django.core.mail import EmailMultiAlternatives
from django.db.models import Q
from django.template import Context, engines
from django.template.loader import render_to_string
from django.utils import timezone

from reviewwatch.models import EmailSend

# What a failed SMTP conversation raises (smtplib.SMTPException is an OSError).
SEND_ERRORS = (OSError,)
# Retries wait in the worker (an ETA task) and Redis hands a task that is unacknowledged for
# its visibility timeout (3600 s) to another worker: the longest delay stays well below it.
MAX_BACKOFF_SECONDS = 900
# Held while one task talks to the SMTP server (longer than a task's hard time limit), so a
# redelivered copy of the task stands back instead of sending the same email again.
SEND_LEASE = timedelta(minutes=5)


def backoff_seconds(retries: int) -> int:
    """Exponential backoff with jitter, so a recovering SMTP server is not hit all at once."""
    return min(MAX_BACKOFF_SECONDS, 60 * 2**retries) + random.randint(0, 30)


def build_email(
    name: str, to: str, context: dict, headers: dict[str, str] | None = None
) -> EmailMultiAlternatives:
    subject = " ".join(render_text(f"emails/{name}-subject.txt", context).split())
    text = render_text(f"emails/{name}-body.txt", context)
    html = render_to_string(f"emails/{name}-body.html", context)
    message = EmailMultiAlternatives(subject, text, to=[to], headers=headers or {})
    message.attach_alternative(html, "text/html")
    return message


def render_text(template_name: str, context: dict) -> str:
    """A plain-text template without HTML escaping: "We're" must not arrive as "We&#x27;re"."""
    template = engines["django"].engine.get_template(template_name)
    return template.render(Context(context, autoescape=False))


def send_email(name: str, to: str, context: dict, headers: dict[str, str] | None = None) -> None:
    build_email(name, to, context, headers).send()


def send_once(key: str, send: Callable[[], None]) -> bool:
    """Call `send` unless the email with this key went out or is going out now; True if sent.

    An SMTP error frees the lease (so the task's retry can send) and propagates.
    """
    now = timezone.now()
    EmailSend.objects.bulk_create([EmailSend(key=key)], ignore_conflicts=True)
    free = Q(sending_until__isnull=True) | Q(sending_until__lt=now)
    row = EmailSend.objects.filter(free, key=key, sent_at__isnull=True)
    if not row.update(sending_until=now + SEND_LEASE):
        return False
    try:
        send()
    except BaseException:
        EmailSend.objects.filter(key=key).update(sending_until=None)
        raise
    EmailSend.objects.filter(key=key).update(sent_at=timezone.now(), sending_until=None)
    return True
