"""The App Store Connect connection form: issuer ID, key ID and the .p8 private key (uploaded as
the file Apple gives once, or pasted). Only the private key is secret."""

from __future__ import annotations

import re
from typing import Any

from django import forms

from monitors.platforms.app_store_connect_auth import (
    ISSUER_ID,
    KEY_ID,
    InvalidKey,
    load_private_key,
    normalise_pem,
)
from monitors.platforms.forms import ConnectionForm

MAX_KEY_FILE = 16 * 1024  # a .p8 file is about 250 bytes
_FILE_KEY_ID = re.compile(r"AuthKey_([A-Z0-9]{10})\.p8", re.I)


class AppStoreConnectForm(ConnectionForm):
    issuer_id = forms.CharField(
        label="Issuer ID",
        max_length=36,
        help_text="App Store Connect → Users and Access → Integrations → App Store Connect API: "
        "shown above the list of keys.",
    )
    key_id = forms.CharField(
        label="Key ID",
        max_length=10,
        help_text="The key's ID in that list: ten letters and digits.",
    )
    private_key_file = forms.FileField(
        label="Private key (.p8 file)",
        required=False,
        help_text="AuthKey_<key ID>.p8, which Apple lets you download once.",
    )
    private_key = forms.CharField(
        label="…or paste the private key",
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 6, "autocomplete": "off", "spellcheck": "false"}),
    )
    secret_fields = ("private_key_file", "private_key")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.connection is not None:
            for name in ("issuer_id", "key_id"):
                self.fields[name].initial = self.connection.config.get(name, "")

    def clean_issuer_id(self) -> str:
        value = self.cleaned_data["issuer_id"].strip().lower()
        if not ISSUER_ID.fullmatch(value):
            raise forms.ValidationError(
                "This is not an issuer ID: it looks like 57246542-96fe-1a63-e053-0824d011072a."
            )
        return value

    def clean_key_id(self) -> str:
        value = self.cleaned_data["key_id"].strip().upper()
        if not KEY_ID.fullmatch(value):
            raise forms.ValidationError(
                "This is not a key ID: it is ten letters and digits, like 2X9R4HXF34."
            )
        return value

    def clean_private_key_file(self) -> str:
        upload = self.cleaned_data.get("private_key_file")
        if not upload:
            return ""
        if upload.size > MAX_KEY_FILE:
            raise forms.ValidationError("This is not a .p8 private key file: it is far too big.")
        try:
            text = upload.read().decode("ascii")
        except UnicodeDecodeError:
            raise forms.ValidationError("This is not a .p8 private key file.") from None
        self._file_key_id = _key_id_in_name(upload.name or "")
        return _checked(text)

    def clean_private_key(self) -> str:
        text = self.cleaned_data.get("private_key", "")
        return _checked(text) if text.strip() else ""

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        key_id, named = cleaned.get("key_id"), getattr(self, "_file_key_id", "")
        if key_id and named and named != key_id:
            self.add_error(
                "private_key_file",
                f"This file is the private key of key {named}, not of key {key_id}.",
            )
        given = cleaned.get("private_key_file") or cleaned.get("private_key")
        if not given and self.connection is None and not self.has_error("private_key_file"):
            self.add_error("private_key_file", "Upload the .p8 file, or paste its contents below.")
        return cleaned

    def credentials(self, stored: dict[str, Any]) -> tuple[dict, dict, str]:
        data = self.cleaned_data
        private_key = data.get("private_key_file") or data.get("private_key") or ""
        config = {"issuer_id": data["issuer_id"], "key_id": data["key_id"]}
        secrets = {"private_key": private_key or stored.get("private_key", "")}
        return config, secrets, f"API key {data['key_id']} (private key stored encrypted)"


def _checked(text: str) -> str:
    try:
        load_private_key(text)
    except InvalidKey as error:
        raise forms.ValidationError(str(error)) from None
    return normalise_pem(text)


def _key_id_in_name(name: str) -> str:
    """Apple names the download AuthKey_<key ID>.p8: a cheap check that the two belong."""
    found = _FILE_KEY_ID.fullmatch(name.rsplit("/", 1)[-1])
    return found.group(1).upper() if found else ""
