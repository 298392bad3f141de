"""App Store Connect (Apple): an app's customer reviews and the developer's public responses.

Built from Apple's App Store Connect API reference:
- List all customer reviews for an app (sort, limit ≤ 200, include=response, fields[…],
  links.next): https://developer.apple.com/documentation/appstoreconnectapi/get-v1-apps-_id_-customerreviews
- Read customer review information (include=response):
  https://developer.apple.com/documentation/appstoreconnectapi/get-v1-customerreviews-_id_
- Create or update a response ("If a response already exists, this endpoint updates the response
  by overwriting it"; 201): https://developer.apple.com/documentation/appstoreconnectapi/post-v1-customerreviewresponses
- Delete a response (204):
  https://developer.apple.com/documentation/appstoreconnectapi/delete-v1-customerreviewresponses-_id_
- CustomerReviewResponseV1 (responseBody, lastModifiedDate, state PUBLISHED | PENDING_PUBLISH):
  https://developer.apple.com/documentation/appstoreconnectapi/customerreviewresponsev1
- List apps / Read app information:
  https://developer.apple.com/documentation/appstoreconnectapi/get-v1-apps and …/get-v1-apps-_id_
- Errors (ErrorResponse: errors[].status, code, title, detail):
  https://developer.apple.com/documentation/appstoreconnectapi/parsing-the-error-response-code
- Rate limits (X-Rate-Limit per key and rolling hour, 429 RATE_LIMIT_EXCEEDED):
  https://developer.apple.com/documentation/appstoreconnectapi/identifying-rate-limits

What the reference does not give: a public link to one review, the app's average rating, the
time a customer edited a review (only `createdDate`), and a documented reply length limit.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from monitors.models import Platform
from monitors.parsers.base import ReviewRecord
from monitors.platforms.app_store_connect_auth import InvalidKey, TokenSigner
from monitors.platforms.app_store_connect_form import AppStoreConnectForm
from monitors.platforms.app_store_connect_resources import (
    NAME,
    app_label,
    listed,
    malformed,
    next_page_path,
    public_reply,
    response_id_of,
    responses_by_id,
    review_record,
)
from monitors.platforms.base import (
    Access,
    Check,
    PlatformError,
    PlatformSpec,
    PublicReply,
    ReplyLimit,
    ReviewBatch,
    Target,
)
from monitors.platforms.http import ApiSession

BASE_URL = "https://api.appstoreconnect.apple.com"
PAGE_SIZE = 200  # the most `limit` takes
# Not in Apple's reference: 5,970 characters is the limit App Store Connect is commonly
# reported to enforce on a response.
REPLY_LIMIT = ReplyLimit(5970)
REVIEW_FIELDS = "rating,title,body,reviewerNickname,createdDate,territory,response"
RESPONSE_FIELDS = "responseBody,lastModifiedDate,state"
REPLY_ROLES = "Admin, App Manager or Customer Support"


def describe(body: Any) -> str:
    """Apple's own words from an ErrorResponse: the first error's title and detail."""
    error = body["errors"][0]
    return " — ".join(str(error[part]) for part in ("title", "detail") if error.get(part))


class AppStoreConnectClient:
    """One API key's view of App Store Connect; `target` is an app's Apple ID (numeric)."""

    def __init__(self, access: Access):
        self.signer = TokenSigner(
            str(access.config.get("issuer_id", "")),
            str(access.config.get("key_id", "")),
            str(access.secrets.get("private_key", "")),
        )
        self.api = ApiSession(access.base_url, NAME, self._headers, describe)

    def __repr__(self) -> str:
        return f"AppStoreConnectClient(key_id={self.signer.key_id!r})"

    def _headers(self) -> dict[str, str]:
        try:
            token = self.signer.token()
        except InvalidKey as error:
            message = f"The stored private key cannot be used. {error}"
            raise PlatformError("credentials", message) from None
        return {"Authorization": f"Bearer {token}"}

    def _get(self, path: str, doing: str, params: dict[str, Any] | None = None) -> dict:
        answer = self.api.request("GET", path, doing, params=params)
        if not isinstance(answer, dict):
            raise malformed(doing)
        return answer

    def _pages(self, path: str, params: dict[str, Any], doing: str):
        """Each page of a list, following `links.next` on the configured host only (the token
        must never go elsewhere)."""
        next_path: str | None = path
        while next_path:
            page = self._get(next_path, doing, params)
            yield page
            params, next_path = None, next_page_path(page, doing)

    # Reviews

    def read_reviews(self, target: str, since: datetime | None) -> ReviewBatch:
        """Newest first by `createdDate`; stops at the first review created before `since`."""
        app = _apple_id(target)
        doing = f"reading reviews of app {app}"
        calls = self.api.calls
        params = {
            "sort": "-createdDate",
            "limit": PAGE_SIZE,
            "include": "response",
            "fields[customerReviews]": REVIEW_FIELDS,
            "fields[customerReviewResponses]": RESPONSE_FIELDS,
        }
        records: list[ReviewRecord] = []
        for page in self._pages(f"/v1/apps/{app}/customerReviews", params, doing):
            reviews, responses = listed(page, doing)
            fresh = [review_record(item, responses, doing) for item in reviews]
            records += [r for r in fresh if since is None or r.published_at >= since]
            if since is not None and any(r.published_at < since for r in fresh):
                break
        records.sort(key=lambda record: record.published_at, reverse=True)
        newest = records[0].published_at if records else None
        cursor = max(filter(None, (newest, since)), default=None)
        return ReviewBatch(records=records, cursor=cursor, requests=self.api.calls - calls)

    # Replies

    def find_reply(self, target: str, review_id: str) -> PublicReply | None:
        """Reads the review with its response included: a review without a response answers
        with no response data, a review that is gone with 404 (not_found)."""
        doing = f"reading review {review_id}"
        params = {"include": "response", "fields[customerReviewResponses]": RESPONSE_FIELDS}
        answer = self._get(f"/v1/customerReviews/{_segment(review_id)}", doing, params)
        review = answer.get("data")
        if not isinstance(review, dict):
            raise malformed(doing)
        response_id = response_id_of(review, doing)
        if response_id is None:
            return None
        responses = responses_by_id(answer.get("included"), doing)
        if response_id not in responses:
            raise malformed(doing)
        return public_reply(responses[response_id], doing)

    def post_reply(self, target: str, review_id: str, text: str) -> PublicReply:
        if not REPLY_LIMIT.fits(text):
            raise PlatformError(
                "too_long",
                f"{NAME} takes replies of at most {REPLY_LIMIT}; "
                f"this one has {REPLY_LIMIT.measure(text):,}.",
            )
        doing = f"replying to review {review_id}"
        body = {
            "data": {
                "type": "customerReviewResponses",
                "attributes": {"responseBody": text},
                "relationships": {"review": {"data": {"type": "customerReviews", "id": review_id}}},
            }
        }
        answer = self.api.request("POST", "/v1/customerReviewResponses", doing, json=body)
        if not isinstance(answer, dict) or not isinstance(answer.get("data"), dict):
            raise malformed(doing)
        return public_reply(answer["data"], doing)

    def edit_reply(self, target: str, review_id: str, reply: PublicReply, text: str) -> PublicReply:
        """Apple's create endpoint overwrites the review's existing response."""
        return self.post_reply(target, review_id, text)

    def delete_reply(self, target: str, review_id: str, reply: PublicReply) -> None:
        reply_id = reply.reply_id
        if not reply_id:
            live = self.find_reply(target, review_id)
            if live is None:
                return  # nothing there to delete
            reply_id = live.reply_id
        doing = f"deleting the reply to review {review_id}"
        self.api.request("DELETE", f"/v1/customerReviewResponses/{_segment(reply_id)}", doing)

    # Test connection, targets

    def check(self, target: str) -> list[Check]:
        try:
            self.signer.key()
        except InvalidKey as error:
            return [Check(False, f"The stored private key cannot be used. {error}")]
        target = target.strip()
        if not target:
            return self._check_key()
        if not (target.isascii() and target.isdigit()):
            return [
                *self._check_key(),
                Check(
                    False,
                    f"“{target}” is not an Apple ID: use the app's numeric Apple ID "
                    "(App Store Connect → the app → App Information).",
                ),
            ]
        return self._check_app(target)

    def _check_key(self) -> list[Check]:
        try:
            self._get("/v1/apps", "listing apps", {"fields[apps]": "name,bundleId", "limit": 1})
        except PlatformError as error:
            return [_key_refused(error)]
        return [Check(True, f"{NAME} accepted the API key {self.signer.key_id}.")]

    def _check_app(self, app: str) -> list[Check]:
        doing = f"reading app {app}"
        try:
            answer = self._get(f"/v1/apps/{app}", doing, {"fields[apps]": "name,bundleId"})
            label = app_label(answer.get("data"), doing)
        except PlatformError as error:
            if error.kind in {"not_found", "permission"}:
                return [
                    Check(True, f"{NAME} accepted the API key {self.signer.key_id}."),
                    Check(
                        False,
                        f"The key is valid, but app {app} is not visible to it: check "
                        "the Apple ID, and that the key's role covers this app.",
                    ),
                ]
            return [_key_refused(error)]
        checks = [Check(True, f"The key is valid and can see {label}.")]
        params = {"limit": 1, "fields[customerReviews]": "createdDate"}
        try:
            self._get(f"/v1/apps/{app}/customerReviews", f"reading reviews of {label}", params)
        except PlatformError as error:
            if error.kind == "permission":
                return [
                    *checks,
                    Check(
                        False,
                        f"The key is valid, but its role may not read or "
                        f"reply to customer reviews of {label}: give it the {REPLY_ROLES} role.",
                    ),
                ]
            return [*checks, Check(False, error.message)]
        return [
            *checks,
            Check(True, f"Customer reviews of {label} can be read."),
            Check(
                True,
                f"Replying is not tried (it would publish a reply): {NAME} lets keys "
                f"with the {REPLY_ROLES} role reply.",
            ),
        ]

    def list_targets(self) -> list[Target]:
        doing = "listing apps"
        params = {"fields[apps]": "name,bundleId", "limit": PAGE_SIZE}
        targets = []
        for page in self._pages("/v1/apps", params, doing):
            apps = page.get("data")
            if not isinstance(apps, list):
                raise malformed(doing)
            for app in apps:
                label = app_label(app, doing)
                app_id = str(app["id"])
                targets.append(Target(value=app_id, label=f"{label}, Apple ID {app_id}"))
        return targets


def _key_refused(error: PlatformError) -> Check:
    if error.kind == "credentials":
        return Check(
            False,
            f"{NAME} did not accept the API key: check the issuer ID, the key ID "
            "and the .p8 file, and that the key was not revoked.",
        )
    return Check(False, error.message)


def _apple_id(target: str) -> str:
    target = target.strip()
    if not (target.isascii() and target.isdigit()):
        raise PlatformError("invalid", f"“{target}” is not an Apple ID (the app's numeric ID).")
    return target


def _segment(value: str) -> str:
    """An id as one path segment (Apple's ids are letters, digits and dashes)."""
    if not value or any(c in value for c in "/?#%") or value in {".", ".."}:
        raise PlatformError("invalid", f"“{value}” is not an App Store Connect id.")
    return value


PLATFORM = PlatformSpec(
    key=Platform.APP_STORE_CONNECT.value,
    name=NAME,
    default_base_url=BASE_URL,
    reply_limit=REPLY_LIMIT,
    target_label="Apple ID",
    client=AppStoreConnectClient,
    form=AppStoreConnectForm,
    notes=(
        "Apple publishes a reply some time after it is sent (shown as pending until then); "
        "deleting one also takes a while. The API gives no link to a single review, no average "
        "rating and no edit time of a review."
    ),
)
