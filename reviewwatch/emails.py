"""Emails as subject/text/HTML template triples under templates/emails/NAME-{subject,body}.*"""

from __future__ import annotations

from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string


def build_email(
    name: str, to: str, context: dict, headers: dict[str, str] | None = None
) -> EmailMultiAlternatives:
    subject = " ".join(render_to_string(f"emails/{name}-subject.txt", context).split())
    text = render_to_string(f"emails/{name}-body.txt", context)
    html = render_to_string(f"emails/{name}-body.html", context)
    message = EmailMultiAlternatives(subject, text, to=[to], headers=headers or {})
    message.attach_alternative(html, "text/html")
    return message


def send_email(name: str, to: str, context: dict, headers: dict[str, str] | None = None) -> None:
    build_email(name, to, context, headers).send()
