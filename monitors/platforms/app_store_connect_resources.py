"""App Store Connect's JSON:API answers read into ReviewWatch's records: customer reviews with
their included responses, apps, and the `links.next` of a page. Anything not shaped as Apple's
reference shows is "malformed"."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

from monitors.parsers.base import ReviewRecord
from monitors.platforms.base import PlatformError, PublicReply

NAME = "App Store Connect"
STATES = {"PUBLISHED": "published", "PENDING_PUBLISH": "pending"}


def malformed(doing: str) -> PlatformError:
    return PlatformError("malformed", f"{NAME} answered {doing} with something unexpected.")


def next_page_path(page: dict, doing: str) -> str | None:
    link = (page.get("links") or {}).get("next")
    if not link:
        return None
    parts = urlsplit(str(link))
    if not parts.path.startswith("/v1/"):
        raise malformed(doing)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def listed(page: dict, doing: str) -> tuple[list, dict[str, dict]]:
    reviews = page.get("data")
    if not isinstance(reviews, list):
        raise malformed(doing)
    return reviews, responses_by_id(page.get("included"), doing)


def responses_by_id(included: Any, doing: str) -> dict[str, dict]:
    """The included customerReviewResponses by id."""
    if included is None:
        return {}
    if not isinstance(included, list):
        raise malformed(doing)
    return {
        str(item["id"]): item
        for item in included
        if isinstance(item, dict)
        and item.get("type") == "customerReviewResponses"
        and item.get("id")
    }


def response_id_of(review: dict, doing: str) -> str | None:
    """The id of the review's response; None when it has none."""
    relationship = (review.get("relationships") or {}).get("response") or {}
    if not isinstance(relationship, dict):
        raise malformed(doing)
    data = relationship.get("data")
    if data is None:
        return None
    if not isinstance(data, dict) or not data.get("id"):
        raise malformed(doing)
    return str(data["id"])


def review_record(item: Any, responses: dict[str, dict], doing: str) -> ReviewRecord:
    if not isinstance(item, dict) or not item.get("id"):
        raise malformed(doing)
    attributes = item.get("attributes") or {}
    if not isinstance(attributes, dict):
        raise malformed(doing)
    rating = attributes.get("rating")
    response_id = response_id_of(item, doing)
    # A response the page did not include cannot be shown: say its state is not known.
    known = response_id is None or response_id in responses
    return ReviewRecord(
        external_id=str(item["id"]),
        author=str(attributes.get("reviewerNickname") or ""),
        title=str(attributes.get("title") or ""),
        text=str(attributes.get("body") or ""),
        rating=Decimal(rating) if isinstance(rating, int) and 1 <= rating <= 5 else None,
        published_at=utc_time(attributes.get("createdDate"), doing),
        replies_known=known,
        reply=public_reply(responses[response_id], doing) if response_id and known else None,
    )


def public_reply(resource: dict, doing: str) -> PublicReply:
    attributes = resource.get("attributes") or {}
    if not resource.get("id") or not isinstance(attributes, dict):
        raise malformed(doing)
    modified = attributes.get("lastModifiedDate")
    return PublicReply(
        text=str(attributes.get("responseBody") or ""),
        updated_at=utc_time(modified, doing) if modified else None,
        # Apple publishes a response after a while: an unknown state is not "published" yet.
        state=STATES.get(str(attributes.get("state")), "pending"),
        reply_id=str(resource["id"]),
    )


def utc_time(value: Any, doing: str) -> datetime:
    """Apple's ISO 8601 date-time with its offset, as aware UTC."""
    try:
        parsed = datetime.fromisoformat(str(value))
    except ValueError:
        raise malformed(doing) from None
    if parsed.tzinfo is None:
        raise malformed(doing)
    return parsed.astimezone(UTC)


def app_label(app: Any, doing: str) -> str:
    if not isinstance(app, dict) or not app.get("id"):
        raise malformed(doing)
    attributes = app.get("attributes") or {}
    if not isinstance(attributes, dict):
        raise malformed(doing)
    name, bundle = attributes.get("name") or f"app {app['id']}", attributes.get("bundleId")
    return f"{name} ({bundle})" if bundle else str(name)
