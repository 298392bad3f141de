"""The plain-text part of every email reads as typed: no HTML entities such as &#x27; (the HTML
part stays escaped)."""

from __future__ import annotations

import html
import re

import pytest
from django.core import mail
from django.urls import reverse

from responses.models import Note
from reviewwatch.emails import build_email
from tests.conftest import make_user
from tests.responses.test_replies import make_case

pytestmark = pytest.mark.django_db
TYPED = "We're sorry: <b>O'Brien & Sons</b> said \"never again\""
ENTITY = re.compile(r"&(?:#x?[0-9a-f]+|[a-z]+);", re.IGNORECASE)


def test_note_email_text_part_has_the_note_as_typed(owner, staff):
    case = make_case(author="Dana")
    note = Note.objects.create(case=case, author=owner, body=f"@bob {TYPED}")
    context = {"note": note, "case": case, "author": owner, "recipient": staff}
    message = build_email("note_mention", staff.email, context)
    assert TYPED in message.body and not ENTITY.search(message.body)
    assert html.escape(TYPED) in message.alternatives[0][0]


def test_invitation_text_part_and_subject_have_no_entities(owner):
    context = {"inviter": "o'neil@example.com", "role": "staff", "link": "http://x/?a=1&b=2"}
    message = build_email("invite", "new@example.com", context)
    assert "o'neil@example.com invited you" in message.body
    assert "http://x/?a=1&b=2" in message.body
    assert not ENTITY.search(message.body + message.subject)


def test_password_reset_email_shows_the_address_as_typed(client):
    make_user("o'brien@example.com", "staff")
    client.post(reverse("password_reset"), {"email": "o'brien@example.com"})
    [message] = mail.outbox
    assert "password for o'brien@example.com." in message.body
    assert not ENTITY.search(message.body)
