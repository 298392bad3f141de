"""Emails as subject/text/HTML template triples under templates/emails/NAME-{subject,body}.*"""

from __future__ import annotations

import random

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

# What a failed SMTP conversation raises (smtplib.SMTPException is an OSError).
SEND_ERRORS = (OSError,)
# Retries wait in the worker (an ETA task) and Redis hands a task that is unacknowledged for
# its visibility timeout (3600 s) to another worker: the longest delay stays well below it.
MAX_BACKOFF_SECONDS = 900


def backoff_seconds(retries: int) -> int:
    """Exponential backoff with jitter, so a recovering SMTP server is not hit all at once."""
    return min(MAX_BACKOFF_SECONDS, 60 * 2**retries) + random.randint(0, 30)


def build_email(
    name: str, to: str, context: dict, headers: dict[str, str] | None = None
) -> EmailMultiAlternatives:
    context = {"site_url": settings.SITE_URL, **context}
    subject = " ".join(render_to_string(f"emails/{name}-subject.txt", context).split())
    text = render_to_string(f"emails/{name}-body.txt", context)
    html = render_to_string(f"emails/{name}-body.html", context)
    message = EmailMultiAlternatives(subject, text, to=[to], headers=headers or {})
    message.attach_alternative(html, "text/html")
    return message


def send_email(name: str, to: str, context: dict, headers: dict[str, str] | None = None) -> None:
    build_email(name, to, context, headers).send()
