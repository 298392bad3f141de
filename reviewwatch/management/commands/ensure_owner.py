"""First-run helper: make sure an owner account exists, without ever waiting on a non-terminal."""

import getpass
import secrets
import sys

from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand

from reviewwatch.env import envstr
from reviewwatch.links import absolute_url
from reviewwatch.management.commands.createuser import create_user
from reviewwatch.roles import OWNER


class Command(BaseCommand):
    help = "Create the first owner from RW_OWNER_EMAIL/RW_OWNER_PASSWORD (or a prompt) if none."

    def handle(self, *args, **options) -> None:
        owners = Group.objects.filter(name=OWNER).values_list("user__email", flat=True)
        existing = [email for email in owners if email]
        login_url = absolute_url("login")
        if existing:
            self.stdout.write(f"Owner account: {existing[0]} — log in at {login_url}")
            return
        email = envstr("RW_OWNER_EMAIL")
        password = envstr("RW_OWNER_PASSWORD")
        generated = False
        if not (email and password) and sys.stdin.isatty():
            email = email or input("Owner email: ").strip()
            password = password or getpass.getpass("Owner password: ")
        if not email:
            email = "owner@example.com"
        if not password:
            password, generated = secrets.token_urlsafe(12), True
        create_user(email, password, "owner")
        self.stdout.write(f"Created the owner account {email}. Log in at {login_url}")
        if generated:
            self.stdout.write(
                f"Its one-time password is {password} — change it after logging in, or set it "
                f"now with: .venv/bin/python manage.py changepassword {email}"
            )
