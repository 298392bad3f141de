"""Encrypt every stored platform credential again with the newest RW_CREDENTIALS_KEY."""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from monitors import credentials
from monitors.models import Connection


class Command(BaseCommand):
    help = (
        "After putting a new key in front of RW_CREDENTIALS_KEY: re-encrypt every connection's "
        "credentials with it, so the old key can be removed."
    )

    def handle(self, *args, **options) -> None:
        rotated = 0
        with transaction.atomic():
            for connection in Connection.objects.select_for_update().exclude(secrets=""):
                try:
                    connection.secrets = credentials.rotate(connection.secrets)
                except credentials.CredentialsUnreadable as error:
                    raise CommandError(
                        f"{connection.name}: {error} Nothing was changed; add the key that "
                        "encrypted it to RW_CREDENTIALS_KEY and run this again."
                    ) from error
                connection.save(update_fields=["secrets"])
                rotated += 1
        self.stdout.write(f"Re-encrypted the credentials of {rotated} connection(s).")
