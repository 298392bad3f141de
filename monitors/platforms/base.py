"""The one small interface every review platform implements (a fifth platform is one module).

A platform module (`monitors/platforms/<key>.py`) exports `PLATFORM`, a `PlatformSpec`: how to
build its client from a connection's opened credentials, its connection form, its reply limit.
Clients speak HTTP to the provider only; they never touch the database, so polling
(monitors.polling), posting (responses.posting) and "Test connection" share them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from monitors.parsers.base import AggregateRatingRecord, PublicReply, ReviewRecord

__all__ = [
    "Access",
    "Check",
    "OAuthFlow",
    "PlatformClient",
    "PlatformError",
    "PlatformSpec",
    "PublicReply",
    "ReplyLimit",
    "ReviewBatch",
    "Target",
]


class PlatformError(Exception):
    """A platform call that did not do what was asked, said in plain words for the owner.

    kind:
      credentials — revoked, expired or wrong credentials: the connection pauses, owners are
                    alerted and asked to reconnect;
      permission  — valid credentials without the right to this app, location or action;
      not_found   — the review (or the app, location, business unit) is not there (any more);
      quota       — rate limit or quota exhausted; `retry_at` says when it resets if known;
      too_long    — the reply is longer than the platform takes;
      invalid     — the platform refused the request for another stated reason;
      transient   — a 5xx, a timeout or a dropped connection: try again later;
      malformed   — the answer could not be understood.
    """

    KINDS = frozenset(
        {
            "credentials",
            "permission",
            "not_found",
            "quota",
            "too_long",
            "invalid",
            "transient",
            "malformed",
        }
    )

    def __init__(
        self,
        kind: str,
        message: str,
        *,
        retry_at: datetime | None = None,
        status: int | None = None,
    ):
        assert kind in self.KINDS, kind
        super().__init__(message)
        self.kind, self.message, self.retry_at, self.status = kind, message, retry_at, status

    @property
    def stops_the_connection(self) -> bool:
        """Nothing will work until the owner acts: pause and alert, never retry silently."""
        return self.kind in {"credentials", "permission"}


@dataclass
class ReviewBatch:
    """What one poll read: the reviews updated since the cursor, newest first."""

    records: list[ReviewRecord] = field(default_factory=list)
    cursor: datetime | None = None  # the newest update time read; the next poll starts there
    aggregate: AggregateRatingRecord | None = None  # Business Profile's average, for example
    warnings: list[str] = field(default_factory=list)  # shown in the poll log
    requests: int = 0  # API calls made, for the poll log


@dataclass(frozen=True)
class Check:
    """One line of "Test connection": what works, or exactly what does not."""

    ok: bool
    message: str


@dataclass(frozen=True)
class ReplyLimit:
    """The longest reply a platform takes, in characters or in UTF-8 bytes."""

    size: int
    unit: str = "characters"  # or "bytes"

    def measure(self, text: str) -> int:
        return len(text.encode()) if self.unit == "bytes" else len(text)

    def fits(self, text: str) -> bool:
        return self.measure(text) <= self.size

    def __str__(self) -> str:
        return f"{self.size:,} {self.unit}"


@dataclass(frozen=True)
class Access:
    """What a client is built from: the connection's opened secrets and its plain settings."""

    config: dict[str, Any]
    secrets: dict[str, Any]
    base_url: str  # the provider's, unless RW_ALLOW_PLATFORM_BASE_URL let the connection differ
    # Called with the secrets when a client refreshed a token worth keeping (OAuth).
    save_secrets: Callable[[dict[str, Any]], None] = lambda secrets: None


class PlatformClient(Protocol):
    """One connection's view of one platform; `target` is the source's package name, app id,
    location or business unit. Every method raises PlatformError for any failure."""

    def read_reviews(self, target: str, since: datetime | None) -> ReviewBatch:
        """Reviews updated after `since` (all the platform offers when None), newest first,
        following the platform's pages, each with `replies_known` and its public reply."""

    def find_reply(self, target: str, review_id: str) -> PublicReply | None:
        """The reply on the platform now: looked at before posting, so nothing posts twice."""

    def post_reply(self, target: str, review_id: str, text: str) -> PublicReply:
        """Publish (or submit for publication) a reply; returns the platform's confirmation."""

    def edit_reply(self, target: str, review_id: str, reply: PublicReply, text: str) -> PublicReply:
        """Replace a posted reply's text."""

    def delete_reply(self, target: str, review_id: str, reply: PublicReply) -> None:
        """Remove a posted reply."""

    def check(self, target: str) -> list[Check]:
        """Test connection: credentials, access to the target, the right to reply."""

    def list_targets(self) -> list[Target]:
        """What these credentials can read (apps, locations, business units), for the owner to
        pick from; empty where the platform cannot list them (Google Play)."""


@dataclass(frozen=True)
class Target:
    """One app, location or business unit a connection can read."""

    value: str  # what the source stores as `platform_target`
    label: str  # what the owner sees: "Bakery on Main St (accounts/1/locations/2)"


@dataclass(frozen=True)
class OAuthFlow:
    """Platforms whose credentials come through the owner's own login (OAuth 2.0 code flow).

    `authorize_url` runs in the web process and sees only the connection's plain config (the
    client ID, never the secret); `exchange_code` runs on the worker and returns the secrets to
    keep (the refresh token) merged into the connection's.
    """

    authorize_url: Callable[[dict[str, Any], str, str], str]  # (config, redirect_uri, state)
    exchange_code: Callable[[Access, str, str], dict[str, Any]]  # (access, code, redirect_uri)


@dataclass(frozen=True)
class PlatformSpec:
    key: str  # monitors.models.Platform value
    name: str  # "Google Play"
    default_base_url: str  # the provider's API host, fixed
    reply_limit: ReplyLimit
    target_label: str  # "Package name"
    client: Callable[[Access], PlatformClient]
    # A Django form class for the connection's credentials and config (see monitors/platforms/
    # forms.py): its cleaned result gives (config, secrets, secrets_hint).
    form: type
    can_edit_reply: bool = True
    can_delete_reply: bool = True
    oauth: OAuthFlow | None = None  # set where the owner signs in at the platform
    notes: str = ""  # shown on the connection page: what this platform's API cannot do
