"""Google Business Profile reviews through the My Business API v4 (still the reviews API), with
the owner's own OAuth sign-in (google_business_auth). The target is the location's v4 resource
name, "accounts/123/locations/456".

References:
  https://developers.google.com/my-business/reference/rest/v4/accounts.locations.reviews
  https://developers.google.com/my-business/reference/rest/v4/accounts.locations.reviews/list
  https://developers.google.com/my-business/reference/rest/v4/accounts.locations.reviews/updateReply
  https://developers.google.com/my-business/reference/accountmanagement/rest/v1/accounts/list
  https://developers.google.com/my-business/reference/businessinformation/rest/v1/accounts.locations/list
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from monitors.parsers.base import AggregateRatingRecord, PublicReply, ReviewRecord
from monitors.platforms import google_business_auth as auth
from monitors.platforms.base import (
    Access,
    Check,
    OAuthFlow,
    PlatformError,
    PlatformSpec,
    ReplyLimit,
    ReviewBatch,
    Target,
)
from monitors.platforms.google_business_form import GoogleBusinessForm
from monitors.platforms.http import ApiSession

NAME = auth.PLATFORM_NAME
PAGE_SIZE = 50  # the reviews list's maximum
ACCOUNTS_PAGE_SIZE = 20  # accounts.list's maximum
LOCATIONS_PAGE_SIZE = 100  # accounts.locations.list's maximum
STARS = {"ONE": 1, "TWO": 2, "THREE": 3, "FOUR": 4, "FIVE": 5}  # STAR_RATING_UNSPECIFIED: none
LOCATION = re.compile(r"accounts/[^/\s]+/locations/[^/\s]+")
TIME = re.compile(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)")

# Google adds its machine translation to a comment (a review's, and a reply's) written in another
# language than the reader's. The reference does not say so; the two forms seen in practice are
# "(Translated by Google) <translation>\n\n(Original)\n<original>" and
# "<original>\n\n(Translated by Google)\n<translation>". We keep the author's own words.
TRANSLATED = "(Translated by Google)"
ORIGINAL = "\n\n(Original)\n"


def original_text(comment: str) -> str:
    if comment.startswith(TRANSLATED) and ORIGINAL in comment:
        return comment.split(ORIGINAL, 1)[1].strip()
    original, translated, _ = comment.partition(f"\n\n{TRANSLATED}")
    return original.strip() if translated else comment


def parse_time(value: Any) -> datetime:
    """RFC 3339 with up to nine fractional digits (Python reads six), as aware UTC."""
    match = TIME.fullmatch(value) if isinstance(value, str) else None
    if match is None:
        raise ValueError(value)
    whole, fraction, zone = match.groups()
    micro = f".{fraction[:6]:0<6}" if fraction else ""
    return datetime.fromisoformat(whole + micro + ("+00:00" if zone == "Z" else zone)).astimezone(
        UTC
    )


def malformed(doing: str, what: str) -> PlatformError:
    return PlatformError("malformed", f"{NAME} answered {doing} with {what}.")


def google_error(body: Any) -> str:
    """Google's error body: {"error": {"code", "message", "status"}}."""
    return body["error"]["message"]


class GoogleBusinessClient:
    def __init__(self, access: Access):
        self.access = access
        self.signin = auth.GoogleSignIn(access)
        self.api = ApiSession(access.base_url, NAME, self.signin.headers, google_error)

    def calls(self) -> int:
        return self.api.calls + self.signin.refreshes

    # Reading

    def read_reviews(self, target: str, since: datetime | None) -> ReviewBatch:
        """Newest update first (orderBy updateTime desc): stop at the first not after `since`."""
        location = self._location(target)
        calls, batch = self.calls(), ReviewBatch(cursor=since)
        params: dict[str, Any] = {"pageSize": PAGE_SIZE, "orderBy": "updateTime desc"}
        doing = f"reading reviews of {location}"
        while True:
            page = self._object(
                self.api.request("GET", f"/v4/{location}/reviews", doing, params=params), doing
            )
            if batch.aggregate is None:
                batch.aggregate = self._aggregate(page, doing)
            reached_since = False
            for item in self._list(page, "reviews", doing):
                updated, record = self._record(item, doing)
                if since is not None and updated <= since:
                    reached_since = True
                    break
                batch.records.append(record)
                if batch.cursor is None or updated > batch.cursor:
                    batch.cursor = updated
            token = page.get("nextPageToken")
            if reached_since or not token:
                break
            params = {**params, "pageToken": token}
        batch.requests = self.calls() - calls
        return batch

    def find_reply(self, target: str, review_id: str) -> PublicReply | None:
        name = self._review(target, review_id)
        doing = f"reading review {review_id}"
        review = self._object(self.api.request("GET", f"/v4/{name}", doing), doing)
        return self._reply(review.get("reviewReply"), doing)

    # Replying

    def post_reply(self, target: str, review_id: str, text: str) -> PublicReply:
        """PUT …/reply creates the reply, or replaces the one there."""
        limit = PLATFORM.reply_limit
        if not limit.fits(text):
            raise PlatformError(
                "too_long",
                f"{NAME} takes replies of at most {limit}; this one is {limit.measure(text):,} "
                f"{limit.unit}.",
            )
        name = self._review(target, review_id)
        doing = f"replying to review {review_id}"
        answer = self.api.request("PUT", f"/v4/{name}/reply", doing, json={"comment": text})
        reply = self._reply(answer, doing)
        if reply is None:
            raise malformed(doing, "no reply")
        return reply

    def edit_reply(self, target: str, review_id: str, reply: PublicReply, text: str) -> PublicReply:
        return self.post_reply(target, review_id, text)

    def delete_reply(self, target: str, review_id: str, reply: PublicReply) -> None:
        name = self._review(target, review_id)
        self.api.request("DELETE", f"/v4/{name}/reply", f"deleting the reply to {review_id}")

    # Test connection and targets

    def check(self, target: str) -> list[Check]:
        try:
            self.signin.refresh()
        except PlatformError as error:
            return [Check(False, error.message)]
        checks = [Check(True, "Signed in to Google: the sign-in renews its access.")]
        try:
            location = self._location(target)
            doing = f"reading reviews of {location}"
            page = self._object(
                self.api.request("GET", f"/v4/{location}/reviews", doing, params={"pageSize": 1}),
                doing,
            )
            aggregate = self._aggregate(page, doing)
        except PlatformError as error:
            return [*checks, Check(False, self._location_failure(target, error))]
        summary = f" ({aggregate.count} reviews, {aggregate.rating}★)" if aggregate else ""
        return [
            *checks,
            Check(True, f"Reviews of {target} can be read{summary}."),
            Check(
                True,
                "Replying was not tried: Google has no way to check the right to reply without "
                "posting one. The location's owners and managers may reply once it is verified.",
            ),
        ]

    def list_targets(self) -> list[Target]:
        accounts_url = auth.host(self.access, auth.ACCOUNTS_HOST) + "/v1/accounts"
        accounts = self._all(accounts_url, "accounts", {"pageSize": ACCOUNTS_PAGE_SIZE})
        targets: dict[str, Target] = {}
        for account in accounts:
            account_name = account.get("name", "") if isinstance(account, dict) else ""
            if not account_name.startswith("accounts/"):
                raise PlatformError("malformed", f"{NAME} listed an account without its name.")
            url = auth.host(self.access, auth.LOCATIONS_HOST) + f"/v1/{account_name}/locations"
            params = {"pageSize": LOCATIONS_PAGE_SIZE, "readMask": "name,title"}
            for location in self._all(url, "locations", params):
                # Business Information names a location "locations/456"; v4 wants it whole.
                name = location.get("name", "") if isinstance(location, dict) else ""
                value = f"{account_name}/{name}"
                if not name.startswith("locations/") or not LOCATION.fullmatch(value):
                    raise PlatformError("malformed", f"{NAME} listed a location without its name.")
                title = location.get("title") or name
                targets.setdefault(value, Target(value=value, label=f"{title} ({value})"))
        return list(targets.values())

    # Helpers

    def _all(self, url: str, key: str, params: dict[str, Any]) -> list[Any]:
        """Every item of a paged v1 list."""
        items, doing = [], f"listing {key}"
        while True:
            page = self._object(self.api.request("GET", url, doing, params=params), doing)
            items.extend(self._list(page, key, doing))
            token = page.get("nextPageToken")
            if not token:
                return items
            params = {**params, "pageToken": token}

    @staticmethod
    def _location(target: str) -> str:
        target = target.strip()
        if not LOCATION.fullmatch(target):
            raise PlatformError(
                "invalid",
                f'"{target}" is not a Business Profile location: it reads like '
                '"accounts/123/locations/456" (pick it from the list of locations).',
            )
        return target

    def _review(self, target: str, review_id: str) -> str:
        if not re.fullmatch(r"[^/?#\s]+", review_id):
            raise PlatformError("invalid", f'"{review_id}" is not a Google review id.')
        return f"{self._location(target)}/reviews/{review_id}"

    @staticmethod
    def _location_failure(target: str, error: PlatformError) -> str:
        if error.kind == "permission":
            return f"The sign-in works, but this account may not read {target}: {error.message}"
        if error.kind == "not_found":
            return f"The sign-in works, but Google knows no location {target}: {error.message}"
        return error.message

    @staticmethod
    def _object(answer: Any, doing: str) -> dict[str, Any]:
        if not isinstance(answer, dict):
            raise malformed(doing, "something that is not an object")
        return answer

    @staticmethod
    def _list(page: dict[str, Any], key: str, doing: str) -> list[Any]:
        items = page.get(key, [])  # Google leaves an empty list out
        if not isinstance(items, list):
            raise malformed(doing, f"{key} that are not a list")
        return items

    @staticmethod
    def _aggregate(page: dict[str, Any], doing: str) -> AggregateRatingRecord | None:
        average, count = page.get("averageRating"), page.get("totalReviewCount")
        if average is None:
            return None
        try:
            return AggregateRatingRecord(
                rating=Decimal(str(average)), count=int(count) if count is not None else None
            )
        except (ArithmeticError, TypeError, ValueError):
            raise malformed(doing, "an average rating it could not read") from None

    def _record(self, item: Any, doing: str) -> tuple[datetime, ReviewRecord]:
        """(update time, record) of one Review."""
        try:
            review_id, updated = item["reviewId"], parse_time(item["updateTime"])
            created = parse_time(item.get("createTime", item["updateTime"]))
            reviewer = item.get("reviewer") or {}
            anonymous = "Anonymous" if reviewer.get("isAnonymous") else ""
            author = reviewer.get("displayName") or anonymous
            comment = item.get("comment", "")
            if not isinstance(review_id, str) or not review_id or not isinstance(comment, str):
                raise ValueError(review_id)
        except (KeyError, TypeError, ValueError, AttributeError):
            raise malformed(doing, "a review it could not read") from None
        stars = STARS.get(item.get("starRating", ""))
        return updated, ReviewRecord(
            external_id=review_id,
            author=author,
            text=original_text(comment),
            rating=Decimal(stars) if stars else None,
            published_at=created,
            replies_known=True,
            reply=self._reply(item.get("reviewReply"), doing),
        )

    @staticmethod
    def _reply(reply: Any, doing: str) -> PublicReply | None:
        """A ReviewReply {comment, updateTime}; None where the review has none."""
        if not reply:
            return None
        try:
            comment = reply["comment"]
            updated = parse_time(reply["updateTime"]) if reply.get("updateTime") else None
            if not isinstance(comment, str):
                raise TypeError(comment)
        except (KeyError, TypeError, ValueError, AttributeError):
            raise malformed(doing, "a reply it could not read") from None
        return PublicReply(text=original_text(comment), updated_at=updated)


PLATFORM = PlatformSpec(
    key="google_business",
    name=NAME,
    default_base_url=auth.DEFAULT_BASE_URL,
    reply_limit=ReplyLimit(4096, "bytes"),
    target_label="Location (accounts/…/locations/…)",
    client=GoogleBusinessClient,
    form=GoogleBusinessForm,
    oauth=OAuthFlow(authorize_url=auth.authorize_url, exchange_code=auth.exchange_code),
    notes="Google gives no public link to a review. A reply takes up to 4,096 bytes of UTF-8; "
    "posting again replaces it. Only verified locations can be read and answered.",
)
