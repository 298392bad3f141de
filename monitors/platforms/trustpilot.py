"""Trustpilot (Business API): read a business unit's service reviews and answer them.

The target is the business unit ID. Reviews come from the private reviews list (a business-user
token), a review's live reply from the public review endpoint (the API key), the TrustScore
from the public business unit endpoint. Replies are posted and deleted through the private
reply endpoint; the API has no way to edit a reply and documents no reply length limit.

The reviews list is ordered by creation time only, so an edit to an older review is seen only
while that review is younger than EDIT_LOOKBACK: every poll rereads that window.

Reference:
  https://developers.trustpilot.com/business-units-api  (private reviews, GET)
  https://developers.trustpilot.com/business-units-api-(public)  (business unit, TrustScore)
  https://developers.trustpilot.com/service-reviews-api  (reply POST/DELETE, GET a review)
  https://developers.trustpilot.com/authentication  (tokens, apikey header, 429 on refresh)
  https://developers.trustpilot.com/rate-limiting  (833 calls per 5 minutes, 10,000 per hour)
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone

from monitors.parsers.base import AggregateRatingRecord, ReviewRecord
from monitors.platforms import trustpilot_auth
from monitors.platforms.base import (
    Access,
    Check,
    OAuthFlow,
    PlatformError,
    PlatformSpec,
    PublicReply,
    ReplyLimit,
    ReviewBatch,
    Target,
)
from monitors.platforms.forms import ConnectionForm, secret_hint
from monitors.platforms.http import ApiSession
from monitors.platforms.trustpilot_auth import PLATFORM_NAME, SIGN_IN_AGAIN, TokenKeeper, describe

PER_PAGE = 100  # the most the reviews list gives per page
# Reviewers edit mostly within days of writing (often after the business replies); two weeks
# of rereading catches those at one or two pages a poll for most businesses.
EDIT_LOOKBACK = timedelta(days=14)
MAX_PAGES = 50  # 5,000 reviews a poll at most, well inside 833 calls per 5 minutes
# Trustpilot documents no limit; this one is ours, below what other platforms take.
REPLY_LIMIT = ReplyLimit(4000)
NEVER = datetime.min.replace(tzinfo=UTC)  # for a review without any time
NO_EDIT = (
    "Trustpilot's API cannot edit a reply: delete it and post the new text, or edit it in "
    "Trustpilot Business."
)


def parse_time(value: Any) -> datetime | None:
    """Trustpilot writes "2013-09-07T13:37:00" (UTC, often without an offset)."""
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(str(value))
    except ValueError:
        return None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def reply_from(review: dict) -> PublicReply | None:
    reply = review.get("companyReply")
    if not isinstance(reply, dict) or not reply.get("text"):
        return None
    changed = parse_time(reply.get("updatedAt")) or parse_time(reply.get("createdAt"))
    return PublicReply(text=str(reply["text"]), updated_at=changed)


def changed_at(review: dict) -> datetime | None:
    """The latest of the review's creation, its edit and its reply."""
    reply = review.get("companyReply") if isinstance(review.get("companyReply"), dict) else {}
    times = [
        parse_time(review.get("createdAt")),
        parse_time(review.get("updatedAt")),
        parse_time(reply.get("createdAt")),
        parse_time(reply.get("updatedAt")),
    ]
    return max((time for time in times if time), default=None)


def record_from(review: dict) -> ReviewRecord:
    stars = review.get("stars")
    consumer = review.get("consumer") if isinstance(review.get("consumer"), dict) else {}
    return ReviewRecord(
        external_id=str(review["id"]),
        url="",  # the API reference documents no public link to a review
        author=str(consumer.get("displayName") or ""),
        title=str(review.get("title") or ""),
        text=str(review.get("text") or ""),
        rating=Decimal(stars) if isinstance(stars, int) and 1 <= stars <= 5 else None,
        published_at=parse_time(review.get("createdAt")),
        replies_known=True,
        reply=reply_from(review),
    )


class TrustpilotClient:
    """One connection: private calls carry the business user's token, public ones the key."""

    def __init__(self, access: Access):
        self.access = access
        self.keeper = TokenKeeper(access)
        self.private = ApiSession(access.base_url, PLATFORM_NAME, self.keeper.headers, describe)
        apikey = {"apikey": str(access.config.get("api_key", ""))}
        self.public = ApiSession(access.base_url, PLATFORM_NAME, lambda: apikey, describe)

    def calls(self) -> int:
        return self.private.calls + self.public.calls + self.keeper.refreshes

    def read_reviews(self, target: str, since: datetime | None) -> ReviewBatch:
        before = self.calls()
        batch = ReviewBatch(cursor=since)
        oldest = since - EDIT_LOOKBACK if since else None
        found: list[tuple[datetime, ReviewRecord]] = []
        for review in self._reviews_created_after(target, oldest, batch):
            changed = changed_at(review) or NEVER
            if since is None or changed > since:
                found.append((changed, record_from(review)))
        found.sort(key=lambda pair: pair[0], reverse=True)
        batch.records = [record for _, record in found]
        if found and found[0][0] > NEVER:
            batch.cursor = found[0][0]
        batch.aggregate = self._trust_score(target, batch)
        batch.requests = self.calls() - before
        return batch

    def _reviews_created_after(
        self, target: str, oldest: datetime | None, batch: ReviewBatch
    ) -> Iterator[dict]:
        """Newest first, page after page, until one is older than `oldest` or none are left."""
        for page in range(1, MAX_PAGES + 1):
            reviews = self._reviews_page(target, page)
            for review in reviews:
                created = parse_time(review.get("createdAt"))
                if oldest and created and created < oldest:
                    return
                yield review
            if len(reviews) < PER_PAGE:
                return
        batch.warnings.append(
            f"Read the newest {MAX_PAGES * PER_PAGE:,} reviews only; older ones were not read."
        )

    def _reviews_page(self, target: str, page: int) -> list[dict]:
        answer = self.private.request(
            "GET",
            f"/v1/private/business-units/{target}/reviews",
            f"reading the reviews of business unit {target}",
            params={"page": page, "perPage": PER_PAGE, "orderBy": "createdat.desc"},
        )
        reviews = answer.get("reviews") if isinstance(answer, dict) else None
        if not isinstance(reviews, list) or not all(
            isinstance(review, dict) and review.get("id") for review in reviews
        ):
            raise PlatformError(
                "malformed", f"{PLATFORM_NAME} answered with reviews that could not be read."
            )
        return reviews

    def _business_unit(self, target: str) -> dict:
        answer = self.public.request(
            "GET", f"/v1/business-units/{target}", f"looking up business unit {target}"
        )
        if not isinstance(answer, dict):
            raise PlatformError("malformed", f"{PLATFORM_NAME} described {target} unreadably.")
        return answer

    def _trust_score(self, target: str, batch: ReviewBatch) -> AggregateRatingRecord | None:
        """The TrustScore (0–5) Trustpilot shows; a failure here costs a warning, not the poll."""
        try:
            unit = self._business_unit(target)
            score = Decimal(str(unit["score"]["trustScore"]))
            total = unit.get("numberOfReviews", {}).get("total")
        except PlatformError as error:
            batch.warnings.append(f"No TrustScore: {error.message}")
            return None
        except (KeyError, TypeError, ArithmeticError, AttributeError):
            batch.warnings.append(f"No TrustScore: {PLATFORM_NAME} did not give one.")
            return None
        return AggregateRatingRecord(score, total if isinstance(total, int) else None)

    def find_reply(self, target: str, review_id: str) -> PublicReply | None:
        answer = self.public.request(
            "GET", f"/v1/reviews/{review_id}", f"reading review {review_id}"
        )
        if not isinstance(answer, dict):
            raise PlatformError("malformed", f"{PLATFORM_NAME} described {review_id} unreadably.")
        return reply_from(answer)

    def post_reply(self, target: str, review_id: str, text: str) -> PublicReply:
        if not REPLY_LIMIT.fits(text):
            raise PlatformError(
                "too_long",
                f"The reply is {REPLY_LIMIT.measure(text):,} characters; ReviewWatch sends "
                f"Trustpilot at most {REPLY_LIMIT} (Trustpilot documents no limit of its own).",
            )
        self.private.request(
            "POST",
            f"/v1/private/reviews/{review_id}/reply",
            f"replying to review {review_id}",
            json={"authorBusinessUserId": self.access.config["business_user_id"], "message": text},
        )
        # The reference shows no answer body; the review itself then shows the reply with
        # Trustpilot's own time. It is posted either way, so reading it back must not fail.
        try:
            shown = self.find_reply(target, review_id)
        except PlatformError:
            shown = None
        if shown and shown.text.strip() == text.strip():
            return shown
        return PublicReply(text=text, updated_at=timezone.now())

    def edit_reply(self, target: str, review_id: str, reply: PublicReply, text: str) -> PublicReply:
        raise PlatformError("invalid", NO_EDIT)

    def delete_reply(self, target: str, review_id: str, reply: PublicReply) -> None:
        self.private.request(
            "DELETE",
            f"/v1/private/reviews/{review_id}/reply",
            f"deleting the reply to review {review_id}",
        )

    def check(self, target: str) -> list[Check]:
        try:
            self.keeper.token()
        except PlatformError as error:
            return [Check(False, error.message)]
        ends = self.keeper.expires_at()
        until = f" until {ends.astimezone(UTC):%Y-%m-%d %H:%M} UTC" if ends else ""
        checks = [Check(True, f"Signed in at {PLATFORM_NAME}; the token is good{until}.")]
        if not target:
            return checks
        try:
            unit = self._business_unit(target)
            name = unit.get("displayName") or target
            checks.append(Check(True, f"The API key works and finds {name} ({target})."))
        except PlatformError as error:
            return [*checks, Check(False, self._unit_problem(error, target))]
        try:
            self._reviews_page(target, 1)
            checks.append(Check(True, f"This business user may read the reviews of {name}."))
        except PlatformError as error:
            if error.kind == "credentials":
                message = f"{PLATFORM_NAME} no longer accepts the sign-in. {SIGN_IN_AGAIN}"
                return [*checks, Check(False, message)]
            if error.kind not in {"permission", "not_found"}:
                return [*checks, Check(False, error.message)]
            return [
                *checks,
                Check(
                    False,
                    f"The sign-in is valid, but this business user may not read or answer the "
                    f"reviews of {name} ({target}).",
                ),
            ]
        user = self.access.config.get("business_user_id", "")
        checks.append(
            Check(
                True,
                f"Replies will be signed by business user {user}; Trustpilot cannot test the "
                f"right to reply without posting one.",
            )
        )
        return checks

    @staticmethod
    def _unit_problem(error: PlatformError, target: str) -> str:
        if error.kind == "not_found":
            return f"Trustpilot has no business unit {target}: check the business unit ID."
        if error.kind in {"credentials", "permission"}:
            return (
                f"{PLATFORM_NAME} refused the API key: check it under Integrations → Developers → "
                "APIs in Trustpilot Business."
            )
        return error.message

    def list_targets(self) -> list[Target]:
        """Empty: the API reference has no call listing a business user's business units."""
        return []


class TrustpilotForm(ConnectionForm):
    api_key = forms.CharField(
        label="API key",
        max_length=100,
        help_text="Trustpilot Business → Integrations → Developers → APIs → your application.",
    )
    api_secret = forms.CharField(
        label="API secret", max_length=200, widget=forms.PasswordInput(render_value=False)
    )
    business_user_id = forms.CharField(
        label="Business user ID",
        max_length=24,
        help_text="Shown on your user profile in Trustpilot Business; replies are signed by it.",
    )
    secret_fields = ("api_secret",)

    def clean_api_key(self) -> str:
        value = self.cleaned_data["api_key"].strip()
        if not re.fullmatch(r"[A-Za-z0-9]{16,64}", value):
            raise forms.ValidationError(
                "This is not a Trustpilot API key: copy the API key (letters and digits) of your "
                "application under Integrations → Developers → APIs."
            )
        return value

    def clean_business_user_id(self) -> str:
        value = self.cleaned_data["business_user_id"].strip().lower()
        if not re.fullmatch(r"[0-9a-f]{24}", value):
            raise forms.ValidationError(
                "This is not a Trustpilot business user ID: it is 24 characters, digits and "
                "letters a–f, like 507f191e810c19729de860ea."
            )
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        key, secret = data.get("api_key"), (data.get("api_secret") or "").strip()
        if secret and re.search(r"\s", secret):
            self.add_error("api_secret", "The API secret has no spaces: copy it again.")
        elif secret and secret == key:
            self.add_error("api_secret", "This is the API key again: paste the API secret.")
        elif (
            not secret and key and self.connection and key != self.connection.config.get("api_key")
        ):
            self.add_error("api_secret", "Enter the API secret that goes with the new key.")
        return data

    def credentials(self, stored: dict[str, Any]) -> tuple[dict, dict, str]:
        data = self.cleaned_data
        config = {"api_key": data["api_key"], "business_user_id": data["business_user_id"]}
        same_app = self.connection is not None and (
            self.connection.config.get("api_key") == data["api_key"]
        )
        # Tokens belong to one application: a new API key means signing in again.
        secrets = dict(stored) if same_app else {}
        secret = (data.get("api_secret") or "").strip()
        secrets["api_secret"] = secret or stored.get("api_secret", "")
        return config, secrets, f"API secret {secret_hint(secrets['api_secret'])}"


PLATFORM = PlatformSpec(
    key="trustpilot",
    name=PLATFORM_NAME,
    default_base_url="https://api.trustpilot.com",
    reply_limit=REPLY_LIMIT,
    target_label="Business unit ID",
    client=TrustpilotClient,
    form=TrustpilotForm,
    can_edit_reply=False,
    oauth=OAuthFlow(
        authorize_url=trustpilot_auth.authorize_url,
        exchange_code=trustpilot_auth.exchange_code,
    ),
    notes=(
        "Trustpilot's API cannot edit a reply (delete and post again) and gives no public link "
        "to a review. Reviews are listed by creation time, so edits are seen for reviews up to "
        "14 days old."
    ),
)
