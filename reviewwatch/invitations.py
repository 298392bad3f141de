"""Invitations: an email with a link to choose a password, sent (and sent again) by a task."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from reviewwatch.emails import send_email, send_once
from reviewwatch.links import absolute_url
from reviewwatch.roles import role_of


def set_password_link(user) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return absolute_url("password_reset_confirm", uidb64=uid, token=token)


def is_invited(user) -> bool:
    """Active, and has not chosen a password yet: an invitation may be (re)sent."""
    return user.is_active and not user.has_usable_password()


def send_invitation(user_id: int, inviter_id: int, key: str) -> bool:
    """Email the invitation with a fresh link, once per `key` (one per press of a button).

    False once the person has chosen a password, or when this key's email already went out.
    """
    people = get_user_model().objects
    user = people.filter(pk=user_id).first()
    if user is None or not is_invited(user):
        return False
    inviter = people.filter(pk=inviter_id).first()
    context = {
        "inviter": inviter.email if inviter else "An owner",
        "role": role_of(user),
        "link": set_password_link(user),
    }
    return send_once(f"invite:{key}", lambda: send_email("invite", user.email, context))
