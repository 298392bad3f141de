"""The demo's Google Play app: a small Play Developer API the app serves itself under
/demo/play/, so a new user sees the whole loop — a 1★ review arrives, a reply is approved,
posted and comes back published — without any Google account.

It answers the same requests, in the same shapes, as the real API (see
monitors/platforms/google_play.py and its contract server in tests/platforms/): a service
account's signed JWT is traded for a token, reviews are listed newest first with their
developer replies, and a reply replaces the previous one. The reviews follow the demo's clock
(monitors/demo.py); the replies are kept on the demo connection.
"""

from __future__ import annotations

import json
from datetime import datetime

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.core import signing
from django.db import transaction
from django.utils import timezone

from monitors import credentials
from monitors.demo import demo_data, demo_started_at, visible_items
from monitors.models import Connection, Platform, Source

PACKAGE = "com.northgate.bank.demo"
CLIENT_EMAIL = "reviews@northgate-demo.iam.gserviceaccount.com"
GOOGLE_TOKEN_URI = "https://oauth2.googleapis.com/token"  # the audience of every signed JWT
TOKEN_SALT = "demo-play-token"
TOKEN_SECONDS = 3600
MAX_REPLY = 350


def connection_name() -> str:
    return f"Demo: {demo_data()['business']} on Google Play"


def source_name() -> str:
    return f"Demo: {demo_data()['business']} app on Google Play"


def demo_connection() -> Connection | None:
    return Connection.objects.filter(platform=Platform.GOOGLE_PLAY, name=connection_name()).first()


def new_service_account() -> tuple[dict, str]:
    """A key file like Google Cloud's, for the demo only, and its public half (PEM)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    public = (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    info = {
        "type": "service_account",
        "project_id": "northgate-demo",
        "private_key_id": "demo0000000000000000000000000000000000",
        "private_key": private,
        "client_email": CLIENT_EMAIL,
        "client_id": "100000000000000000000",
        "token_uri": GOOGLE_TOKEN_URI,
    }
    return info, public


def load(base: str, now: datetime, poll_minutes: int) -> bool:
    """Add the demo connection and its source (once); True if they were created now."""
    connection = demo_connection()
    created = connection is None
    if created:
        info, public = new_service_account()
        connection = Connection.objects.create(
            platform=Platform.GOOGLE_PLAY,
            name=connection_name(),
            config={"client_email": CLIENT_EMAIL, "demo_public_key": public},
            secrets=credentials.encrypt({"service_account": info}),
            secrets_hint=f"{CLIENT_EMAIL}, key …{info['private_key_id'][-6:]} (demo)",
        )
    api = f"{base}/demo/play"
    Connection.objects.filter(pk=connection.pk).update(base_url=api, is_demo=True)
    source, made = Source.objects.get_or_create(
        name=source_name(),
        defaults={
            "kind": Source.Kind.GOOGLE_PLAY,
            "connection": connection,
            "platform_target": PACKAGE,
            "url": api + "/",
            "poll_interval_minutes": poll_minutes,
            "created_at": now,
            "next_poll_at": now,
            "is_demo": True,
        },
    )
    if not made and source.url != api + "/":  # the app moved: poll the new address now
        Source.objects.filter(pk=source.pk).update(url=api + "/", next_poll_at=now, is_demo=True)
    return created


def remove() -> int:
    deleted, _ = Source.objects.filter(name=source_name()).delete()
    Connection.objects.filter(platform=Platform.GOOGLE_PLAY, name=connection_name()).delete()
    return deleted


# --- the API's answers --------------------------------------------------------------------------


class DemoApiError(Exception):
    def __init__(self, status: int, message: str, reason: str):
        super().__init__(message)
        self.status, self.message, self.reason = status, message, reason

    def body(self) -> dict:
        return {"error": {"code": self.status, "message": self.message, "status": self.reason}}


def issue_token(grant_type: str, assertion: str) -> dict:
    """Google's token endpoint: a JWT signed with the demo key becomes an access token."""
    connection = demo_connection()
    if connection is None:
        raise DemoApiError(400, "The demo is not loaded.", "invalid_grant")
    if grant_type != "urn:ietf:params:oauth:grant-type:jwt-bearer":
        raise DemoApiError(400, "Unsupported grant type.", "unsupported_grant_type")
    try:
        claims = jwt.decode(
            assertion,
            connection.config["demo_public_key"],
            algorithms=["RS256"],
            audience=GOOGLE_TOKEN_URI,
        )
    except (jwt.InvalidTokenError, KeyError):
        raise DemoApiError(400, "Invalid JWT Signature.", "invalid_grant") from None
    if claims.get("iss") != CLIENT_EMAIL:
        raise DemoApiError(400, "Invalid JWT: unknown issuer.", "invalid_grant")
    token = signing.dumps({"iss": CLIENT_EMAIL}, salt=TOKEN_SALT)
    return {"access_token": token, "expires_in": TOKEN_SECONDS, "token_type": "Bearer"}


def check_token(authorization: str, package: str) -> None:
    token = authorization.removeprefix("Bearer ").strip()
    try:
        signing.loads(token, salt=TOKEN_SALT, max_age=TOKEN_SECONDS)
    except signing.BadSignature:
        raise DemoApiError(
            401, "Request had invalid authentication credentials.", "UNAUTHENTICATED"
        ) from None
    if package != PACKAGE:
        raise DemoApiError(404, "No application was found for the given package name.", "NOT_FOUND")


def _stamp(moment: datetime) -> dict:
    return {"seconds": str(int(moment.timestamp())), "nanos": moment.microsecond * 1000}


def _replies() -> dict:
    connection = demo_connection()
    return dict(connection.config.get("demo_replies", {})) if connection else {}


def reviews(now: datetime) -> list[dict]:
    """Every review visible now, most recently modified first, as reviews.list shows them."""
    started = demo_started_at()
    if started is None:
        return []
    replies = _replies()
    listed = []
    for item in visible_items("google_play", started, now):
        comment = {
            "text": f"{item.title}\t{item.text}",
            "lastModified": _stamp(item.updated_at),
            "starRating": item.rating,
            "reviewerLanguage": "en",
        }
        comments: list[dict] = [{"userComment": comment}]
        if item.id in replies:
            reply = replies[item.id]
            edited = datetime.fromisoformat(reply["at"])
            comments.append(
                {"developerComment": {"text": reply["text"], "lastModified": _stamp(edited)}}
            )
        listed.append({"reviewId": item.id, "authorName": item.author, "comments": comments})
    return listed


def one_review(review_id: str, now: datetime) -> dict:
    for review in reviews(now):
        if review["reviewId"] == review_id:
            return review
    raise DemoApiError(404, "Review not found.", "NOT_FOUND")


def page(now: datetime, max_results: int, token: str) -> dict:
    listed = reviews(now)
    start = int(token) if token.isdigit() else 0
    body: dict = {"reviews": listed[start : start + max_results]}
    if start + max_results < len(listed):
        body["tokenPagination"] = {"nextPageToken": str(start + max_results)}
    return body


def reply(review_id: str, raw_body: bytes, now: datetime) -> dict:
    """reviews.reply: sets or replaces the developer's reply."""
    one_review(review_id, now)
    try:
        text = json.loads(raw_body)["replyText"]
    except (ValueError, KeyError, TypeError):
        raise DemoApiError(400, "Invalid JSON payload: replyText is required.", "INVALID") from None
    if not isinstance(text, str) or not text.strip() or len(text) > MAX_REPLY:
        raise DemoApiError(400, f"The reply must be 1 to {MAX_REPLY} characters.", "INVALID")
    edited = timezone.now()
    with transaction.atomic():
        connection = Connection.objects.select_for_update().get(pk=demo_connection().pk)
        replies = dict(connection.config.get("demo_replies", {}))
        replies[review_id] = {"text": text, "at": edited.isoformat()}
        connection.config = dict(connection.config) | {"demo_replies": replies}
        connection.save(update_fields=["config"])
    return {"result": {"replyText": text, "lastEdited": _stamp(edited)}}
