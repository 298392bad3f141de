"""Google Play: an app's reviews and the developer's replies, through the Play Developer API.

Reference: https://developers.google.com/android-publisher/reply-to-reviews and the v3
discovery document (androidpublisher.reviews.list / get / reply). A service account with the
"Reply to reviews" permission in Play Console signs its own token requests (google-auth).
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import google.auth.exceptions
from django import forms
from google.auth.transport.requests import Request
from google.oauth2 import service_account

from monitors.parsers.base import PublicReply, ReviewRecord
from monitors.platforms.base import (
    Access,
    Check,
    PlatformError,
    PlatformSpec,
    ReplyLimit,
    ReviewBatch,
    Target,
)
from monitors.platforms.forms import ConnectionForm
from monitors.platforms.http import ApiSession

NAME = "Google Play"
API = "https://androidpublisher.googleapis.com"
TOKEN_URI = "https://oauth2.googleapis.com/token"
SCOPE = "https://www.googleapis.com/auth/androidpublisher"
REPLY_LIMIT = ReplyLimit(350)  # "approximately 350 characters" (reviews.reply)
PAGE_SIZE = 100
MAX_PAGES = 50  # Google lists only recent reviews; this only stops a runaway page token
LANGUAGE_CODE = re.compile(r"[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8})*")


def _google_error(body: Any) -> str:
    return body["error"]["message"]


def _timestamp(value: dict | None) -> datetime | None:
    """Google's {"seconds": "1443676826", "nanos": 713000000} as an aware datetime."""
    if not value or "seconds" not in value:
        return None
    seconds = int(value["seconds"]) + int(value.get("nanos", 0)) / 1e9
    return datetime.fromtimestamp(seconds, tz=UTC)


def _comments(review: dict) -> tuple[dict, dict | None]:
    user, developer = {}, None
    for comment in review.get("comments", []):
        user = comment.get("userComment") or user
        developer = comment.get("developerComment") or developer
    return user, developer


def _reply(developer: dict | None) -> PublicReply | None:
    if not developer or not developer.get("text"):
        return None
    return PublicReply(text=developer["text"], updated_at=_timestamp(developer.get("lastModified")))


def review_record(review: dict) -> ReviewRecord:
    """One entry of reviews.list; Play joins a review's title and body with a tab."""
    user, developer = _comments(review)
    title, _, body = (user.get("text") or "").strip().partition("\t")
    if not body:
        title, body = "", title
    stars = user.get("starRating")
    return ReviewRecord(
        external_id=str(review["reviewId"]),
        author=review.get("authorName") or "",
        title=title.strip(),
        text=body.strip(),
        rating=Decimal(stars) if stars in (1, 2, 3, 4, 5) else None,
        published_at=_timestamp(user.get("lastModified")),
        replies_known=True,
        reply=_reply(developer),
    )


class GooglePlayClient:
    def __init__(self, access: Access):
        key = dict(access.secrets["service_account"])
        custom = access.base_url.rstrip("/") != API
        # The key file names where tokens come from: only Google's, unless tests or the demo
        # point the connection at a local API (RW_ALLOW_PLATFORM_BASE_URL).
        key["token_uri"] = access.base_url.rstrip("/") + "/token" if custom else TOKEN_URI
        self.email = key.get("client_email", "")
        self.translation_language = str(access.config.get("translation_language") or "")
        self.credentials = service_account.Credentials.from_service_account_info(
            key, scopes=[SCOPE]
        )
        self.api = ApiSession(access.base_url, NAME, self._headers, _google_error)

    def _headers(self) -> dict[str, str]:
        if not self.credentials.valid:
            try:
                self.credentials.refresh(Request())
            except google.auth.exceptions.RefreshError as error:
                raise PlatformError(
                    "credentials",
                    f"Google refused the service-account key of {self.email} "
                    f"({_refresh_reason(error)}): create a new key and edit the connection.",
                ) from None
            except google.auth.exceptions.TransportError:
                raise PlatformError("transient", "Could not reach Google to sign in.") from None
        return {"Authorization": f"Bearer {self.credentials.token}"}

    def _reviews_path(self, package: str) -> str:
        return f"/androidpublisher/v3/applications/{package}/reviews"

    def read_reviews(self, target: str, since: datetime | None) -> ReviewBatch:
        """Play lists the most recently created or modified reviews first."""
        batch, token = ReviewBatch(cursor=since), ""
        for _ in range(MAX_PAGES):
            params: dict[str, str | int] = {"maxResults": PAGE_SIZE}
            if token:
                params["token"] = token
            if self.translation_language:
                params["translationLanguage"] = self.translation_language
            page = self.api.request(
                "GET", self._reviews_path(target), f"reading reviews of {target}", params=params
            )
            page = page or {}
            older_reached = False
            for review in page.get("reviews", []):
                record = review_record(review)
                if since and record.published_at and record.published_at <= since:
                    older_reached = True
                    break
                batch.records.append(record)
            token = (page.get("tokenPagination") or {}).get("nextPageToken", "")
            if older_reached or not token:
                break
        else:
            batch.warnings.append(f"Stopped after {MAX_PAGES} pages of Google Play reviews.")
        batch.requests = self.api.calls
        times = [record.published_at for record in batch.records if record.published_at]
        if times and (since is None or max(times) > since):
            batch.cursor = max(times)
        return batch

    def find_reply(self, target: str, review_id: str) -> PublicReply | None:
        review = self.api.request(
            "GET", f"{self._reviews_path(target)}/{review_id}", f"reading review {review_id}"
        )
        return _reply(_comments(review or {})[1])

    def post_reply(self, target: str, review_id: str, text: str) -> PublicReply:
        if not REPLY_LIMIT.fits(text):
            raise PlatformError(
                "too_long",
                f"Google Play takes replies of up to {REPLY_LIMIT}; this one has "
                f"{REPLY_LIMIT.measure(text):,}.",
            )
        answer = self.api.request(
            "POST",
            f"{self._reviews_path(target)}/{review_id}:reply",
            f"the reply to review {review_id}",
            json={"replyText": text},
        )
        result = (answer or {}).get("result")
        if not result or "replyText" not in result:
            raise PlatformError("malformed", "Google Play did not confirm the reply it took.")
        return PublicReply(
            text=result["replyText"], updated_at=_timestamp(result.get("lastEdited"))
        )

    def edit_reply(self, target: str, review_id: str, reply: PublicReply, text: str) -> PublicReply:
        """reviews.reply replaces the developer's existing reply."""
        return self.post_reply(target, review_id, text)

    def delete_reply(self, target: str, review_id: str, reply: PublicReply) -> None:
        raise PlatformError(
            "invalid",
            "Google Play's API cannot delete a reply: remove it in Play Console, or edit it.",
        )

    def check(self, target: str) -> list[Check]:
        try:
            self._headers()
        except PlatformError as error:
            return [Check(False, error.message)]
        checks = [Check(True, f"Google accepted the service-account key of {self.email}.")]
        if not target:
            return checks + [Check(False, "Give a package name to test access to an app.")]
        try:
            self.api.request(
                "GET", self._reviews_path(target), "a test read", params={"maxResults": 1}
            )
        except PlatformError as error:
            return checks + [Check(False, self._access_problem(error, target))]
        return checks + [
            Check(True, f"{self.email} may read and reply to reviews of {target}."),
        ]

    def _access_problem(self, error: PlatformError, target: str) -> str:
        if error.kind in ("permission", "credentials"):
            return (
                f"The key is valid, but this service account may not reply to reviews of {target}: "
                'grant it "Reply to reviews" in Play Console → Users and permissions.'
            )
        if error.kind == "not_found":
            return f"Google Play has no app {target} that this developer account publishes."
        return error.message

    def list_targets(self) -> list[Target]:
        return []  # the API cannot list a developer account's apps


def _refresh_reason(error: google.auth.exceptions.RefreshError) -> str:
    """Google's error code ("invalid_grant"), never the request that carried the key."""
    reason = error.args[0] if error.args else ""
    return str(reason).split(":")[0][:80] or "refused"


class GooglePlayForm(ConnectionForm):
    service_account_key = forms.FileField(
        label="Service-account key (JSON)",
        help_text="Google Cloud → IAM → Service accounts → Keys → Add key → JSON.",
    )
    translation_language = forms.CharField(
        required=False,
        max_length=20,
        label="Translate reviews into",
        help_text="Optional: a language code such as en or pt-BR. Google then sends every "
        "review translated into it, and the original text is not kept. Blank keeps each review "
        "as written.",
    )
    secret_fields = ("service_account_key",)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.connection is not None:
            language = self.connection.config.get("translation_language", "")
            self.fields["translation_language"].initial = language

    def clean_translation_language(self) -> str:
        language = self.cleaned_data.get("translation_language", "").strip()
        if language and not LANGUAGE_CODE.fullmatch(language):
            raise forms.ValidationError("Give a language code such as en, de or pt-BR.")
        return language

    def clean_service_account_key(self) -> dict | None:
        upload = self.cleaned_data.get("service_account_key")
        if not upload:
            return None
        if upload.size > 20_000:
            raise forms.ValidationError("This file is too large to be a service-account key.")
        try:
            key = json.loads(upload.read().decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            raise forms.ValidationError("This is not a JSON file.") from None
        if not isinstance(key, dict) or key.get("type") != "service_account":
            raise forms.ValidationError(
                'This is not a service-account JSON key (its "type" is not "service_account").'
            )
        try:
            service_account.Credentials.from_service_account_info(key)
        except (ValueError, KeyError) as error:
            missing = f" (missing {error})" if isinstance(error, KeyError) else ""
            raise forms.ValidationError(
                f"This service-account key is incomplete or its private key is unreadable{missing}."
            ) from None
        return key

    def credentials(self, stored: dict[str, Any]) -> tuple[dict, dict, str]:
        key = self.cleaned_data.get("service_account_key") or stored["service_account"]
        config = {
            "client_email": key["client_email"],
            "project_id": key.get("project_id", ""),
            "translation_language": self.cleaned_data.get("translation_language", ""),
        }
        hint = f"{key['client_email']}, key …{str(key.get('private_key_id', ''))[-6:]}"
        return config, {"service_account": key}, hint


PLATFORM = PlatformSpec(
    key="google_play",
    name=NAME,
    default_base_url=API,
    reply_limit=REPLY_LIMIT,
    target_label="Package name",
    client=GooglePlayClient,
    form=GooglePlayForm,
    can_delete_reply=False,
    notes=(
        "Google Play's API shows only recent reviews that have text, gives no link to a review, "
        "cannot delete a reply, and allows 200 reads an hour and 2,000 replies a day per app."
    ),
)
