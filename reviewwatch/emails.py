"""Emails as subject/text/HTML template triples under templates/emails/NAME-{subject,body}.*"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template import Context, engines
from django.template.loader import render_to_string


def build_email(
    name: str, to: str, context: dict, headers: dict[str, str] | None = None
) -> EmailMultiAlternatives:
    context = {"site_url": settings.SITE_URL, **context}
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
