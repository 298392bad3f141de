"""Scripted set-up: `manage.py createuser EMAIL --role owner|staff [--password-stdin]`."""

import getpass
import sys

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email
from django.db import transaction

from reviewwatch.roles import ROLES, set_role


def read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    if not sys.stdin.isatty():
        raise CommandError("No terminal to ask for a password: pass --password-stdin.")
    first = getpass.getpass("Password: ")
    if first != getpass.getpass("Password (again): "):
        raise CommandError("The two passwords differ.")
    return first


def create_user(email: str, password: str, role: str):
    """Create (or update the role and password of) the user with this email."""
    try:
        validate_email(email)
    except ValidationError:
        raise CommandError(f"{email!r} is not an email address.") from None
    email = email.strip().lower()
    user_model = get_user_model()
    with transaction.atomic():
        user, _ = user_model.objects.get_or_create(username=email, defaults={"email": email})
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise CommandError("Password refused: " + " ".join(exc.messages)) from None
        user.set_password(password)
        user.save()
        set_role(user, role)
    return user


class Command(BaseCommand):
    help = "Create a ReviewWatch user with the owner or staff role."

    def add_arguments(self, parser) -> None:
        parser.add_argument("email")
        parser.add_argument("--role", choices=sorted(ROLES), default="staff")
        parser.add_argument("--password-stdin", action="store_true")

    def handle(self, email: str, role: str, password_stdin: bool, **options) -> None:
        user = create_user(email, read_password(password_stdin), role)
        self.stdout.write(f"{user.email} is now {role}.")
