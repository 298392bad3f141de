"""The Google Business Profile connection form: the owner's own OAuth client ID and secret.
The refresh token comes later, when the owner signs in with Google (google_business_auth)."""

from __future__ import annotations

import re
from typing import Any

from django import forms

from monitors.platforms.forms import ConnectionForm, secret_hint

CLIENT_ID = re.compile(r"[\w-]+\.apps\.googleusercontent\.com")
CLIENT_ID_SUFFIX = ".apps.googleusercontent.com"


class GoogleBusinessForm(ConnectionForm):
    client_id = forms.CharField(
        label="OAuth client ID",
        max_length=300,
        help_text="Google Cloud console → APIs & Services → Credentials → your OAuth client "
        "(type Web application). It ends in .apps.googleusercontent.com.",
    )
    client_secret = forms.CharField(
        label="OAuth client secret",
        max_length=300,
        widget=forms.PasswordInput(render_value=False),
        help_text="Shown next to the client ID on the same page.",
    )
    secret_fields = ("client_secret",)

    def clean_client_id(self) -> str:
        value = self.cleaned_data["client_id"].strip()
        if not CLIENT_ID.fullmatch(value):
            raise forms.ValidationError(
                "This is not an OAuth client ID: it ends in .apps.googleusercontent.com "
                "(copy it from the OAuth client's page, not the project ID or number)."
            )
        return value

    def clean_client_secret(self) -> str:
        value = self.cleaned_data.get("client_secret", "").strip()
        if not value:
            return value  # left blank while editing: the stored one is kept
        if value.startswith("{"):
            raise forms.ValidationError(
                "This is the downloaded JSON file: paste only its client secret."
            )
        if value.endswith(CLIENT_ID_SUFFIX):
            raise forms.ValidationError("This is the client ID; paste the client secret here.")
        if len(value) < 16 or not re.fullmatch(r"[\w-]+", value):
            raise forms.ValidationError(
                "This is not an OAuth client secret: copy it from the OAuth client's page "
                "(recent ones start with GOCSPX-)."
            )
        return value

    def credentials(self, stored: dict[str, Any]) -> tuple[dict, dict, str]:
        client_id = self.cleaned_data["client_id"]
        secret = self.cleaned_data.get("client_secret") or stored.get("client_secret", "")
        secrets: dict[str, Any] = {"client_secret": secret}
        previous = self.connection.config.get("client_id") if self.connection else None
        same_client = previous == client_id and secret == stored.get("client_secret")
        if same_client and stored.get("refresh_token"):
            secrets["refresh_token"] = stored["refresh_token"]  # still signed in
        hint = f"OAuth client {client_id.split('-')[0]}…, secret {secret_hint(secret)}"
        return {"client_id": client_id}, secrets, hint
