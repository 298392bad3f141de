"""The part of "Connect a platform" every platform shares: a name, and credentials that are
never shown back (left blank when editing, they are kept)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings

from monitors.models import Connection


class ConnectionForm(forms.Form):
    """Subclasses add their fields and implement `credentials()`."""

    name = forms.CharField(max_length=120)
    base_url = forms.URLField(
        required=False,
        max_length=500,
        assume_scheme="https",
        label="API base URL",
        help_text="Only for tests and the demo: leave blank to use the platform's own.",
    )
    # Fields that hold secrets: optional when editing (blank keeps the stored value).
    secret_fields: tuple[str, ...] = ()

    def __init__(self, *args, connection: Connection | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.connection = connection
        if not settings.RW_ALLOW_PLATFORM_BASE_URL:
            del self.fields["base_url"]
        if connection is not None:
            for name in self.secret_fields:
                self.fields[name].required = False
                self.fields[name].help_text = "Stored encrypted; leave blank to keep it."

    def credentials(self, stored: dict[str, Any]) -> tuple[dict, dict, str]:
        """(config, secrets, secrets_hint) from the cleaned data; `stored` holds the secrets
        already kept, for the fields left blank when editing."""
        raise NotImplementedError


def secret_hint(value: str, shown: int = 4) -> str:
    """How a secret is named back to the owner: its last few characters only."""
    value = value.strip()
    return f"…{value[-shown:]}" if len(value) > shown * 3 else "(set)"
