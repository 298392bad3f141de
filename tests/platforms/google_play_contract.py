"""A local Google Play Developer API, built from Google's published reference, that checks
every request ReviewWatch sends and answers as Google documents.

References:
- https://developers.google.com/android-publisher/reply-to-reviews (the review JSON, the
  reply call, "approximately 350 characters", newest created or modified first)
- https://androidpublisher.googleapis.com/$discovery/rest?version=v3 (reviews.list: maxResults,
  token, tokenPagination.nextPageToken; reviews.get; reviews.reply: {"replyText"} →
  {"result": {"replyText", "lastEdited"}})
- https://developers.google.com/identity/protocols/oauth2/service-account#httprest (the signed
  JWT a service account exchanges for an access token: iss, scope, aud, iat, exp; RS256)
- Google API errors: {"error": {"code", "message", "status"}}
"""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

GOOGLE_TOKEN_URI = "https://oauth2.googleapis.com/token"  # the JWT's audience, wherever sent
SCOPE = "https://www.googleapis.com/auth/androidpublisher"
APP = r"^/androidpublisher/v3/applications/(?P<package>[\w.]+)/reviews"
REVIEWS = re.compile(APP + "$")
REVIEW = re.compile(APP + r"/(?P<review>[^/]+)(?<!:reply)$")  # Play's review ids hold colons
REPLY = re.compile(APP + r"/(?P<review>[^/]+):reply$")

_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
PRIVATE_PEM = _KEY.private_bytes(
    serialization.Encoding.PEM,
    serialization.PrivateFormat.PKCS8,
    serialization.NoEncryption(),
).decode()
PUBLIC_KEY = _KEY.public_key()


def service_account_key(email: str = "reviews@bakery-app.iam.gserviceaccount.com") -> dict:
    """A service-account key file as Google Cloud downloads it (with a throwaway RSA key)."""
    return {
        "type": "service_account",
        "project_id": "bakery-app",
        "private_key_id": "4f1c0ffee5ab1e2d3c4b5a69788796a5b4c3d2e1",
        "private_key": PRIVATE_PEM,
        "client_email": email,
        "client_id": "112233445566778899000",
        "auth_uri": "https://accounts.google.com/o/oauth2/auth",
        "token_uri": "https://oauth2.googleapis.com/token",
    }


def stamp(when: datetime) -> dict:
    return {"seconds": str(int(when.timestamp())), "nanos": when.microsecond * 1000}


def google_error(code: int, message: str, status: str) -> Response:
    body = {"error": {"code": code, "message": message, "status": status}}
    return Response(json.dumps(body), status=code, content_type="application/json")


@dataclass
class PlayReview:
    review_id: str
    author: str
    text: str  # "title\tbody" as Play joins them
    stars: int
    modified: datetime
    reply: str = ""
    reply_modified: datetime | None = None

    def json(self) -> dict:
        comments = [
            {
                "userComment": {
                    "text": self.text,
                    "lastModified": stamp(self.modified),
                    "starRating": self.stars,
                    "reviewerLanguage": "en",
                    "appVersionName": "4.2.0",
                }
            }
        ]
        if self.reply:
            comments.append(
                {
                    "developerComment": {
                        "text": self.reply,
                        "lastModified": stamp(self.reply_modified),
                    }
                }
            )
        return {"reviewId": self.review_id, "authorName": self.author, "comments": comments}


@dataclass
class GooglePlayContract:
    """The API for one developer account; `apps` maps a package name to its reviews."""

    server: HTTPServer
    client_email: str = "reviews@bakery-app.iam.gserviceaccount.com"
    apps: dict[str, list[PlayReview]] = field(default_factory=dict)
    may_reply: set[str] = field(default_factory=set)  # packages the service account may use
    key_revoked: bool = False
    answer_next: list[Response] = field(default_factory=list)  # queued failures, API calls only
    page_size_seen: list[int] = field(default_factory=list)
    languages_seen: list[str | None] = field(default_factory=list)  # translationLanguage
    replies_posted: list[tuple[str, str, str]] = field(default_factory=list)
    tokens: set[str] = field(default_factory=set)
    # Called after Google has taken a reply and before it answers: tests stop the caller there.
    after_reply: Callable[[], None] | None = None

    def __post_init__(self) -> None:
        self.server.expect_request("/token", method="POST").respond_with_handler(self.token)
        self.server.expect_request(REVIEWS, method="GET").respond_with_handler(self.list)
        self.server.expect_request(REVIEW, method="GET").respond_with_handler(self.get)
        self.server.expect_request(REPLY, method="POST").respond_with_handler(self.reply)

    @property
    def base_url(self) -> str:
        return self.server.url_for("").rstrip("/")

    def add(self, package: str, review: PlayReview) -> PlayReview:
        self.apps.setdefault(package, []).append(review)
        self.may_reply.add(package)
        return review

    def review(self, package: str, review_id: str) -> PlayReview:
        return next(r for r in self.apps[package] if r.review_id == review_id)

    # The token endpoint: a JWT signed with the key, as Google's service-account flow requires.
    def token(self, request: Request) -> Response:
        form = request.form
        assert form["grant_type"] == "urn:ietf:params:oauth:grant-type:jwt-bearer", form
        claims = jwt.decode(
            form["assertion"], PUBLIC_KEY, algorithms=["RS256"], audience=GOOGLE_TOKEN_URI
        )
        assert claims["iss"] == self.client_email, claims
        assert claims["scope"] == SCOPE, claims
        assert claims["exp"] - claims["iat"] <= 3600, claims
        if self.key_revoked:
            body = {"error": "invalid_grant", "error_description": "Invalid JWT Signature."}
            return Response(json.dumps(body), status=400, content_type="application/json")
        token = "ya29." + secrets.token_urlsafe(16)
        self.tokens.add(token)
        body = {"access_token": token, "expires_in": 3599, "token_type": "Bearer"}
        return Response(json.dumps(body), content_type="application/json")

    def _refusal(self, request: Request, package: str) -> Response | None:
        auth = request.headers.get("Authorization", "")
        if not auth.startswith("Bearer ") or auth.removeprefix("Bearer ") not in self.tokens:
            return google_error(401, "Request had invalid authentication credentials.", "UNAUTH")
        if self.answer_next:
            return self.answer_next.pop(0)
        if package not in self.apps:
            return google_error(404, "No application was found for the given package name.", "NF")
        if package not in self.may_reply:
            return google_error(403, "The caller does not have permission", "PERMISSION_DENIED")
        return None

    def list(self, request: Request) -> Response:
        package = REVIEWS.match(request.path)["package"]
        if refusal := self._refusal(request, package):
            return refusal
        assert set(request.args) <= {"maxResults", "token", "startIndex", "translationLanguage"}
        size = int(request.args.get("maxResults", 10))
        self.page_size_seen.append(size)
        self.languages_seen.append(request.args.get("translationLanguage"))
        newest_first = sorted(self.apps[package], key=lambda r: r.modified, reverse=True)
        start = int(request.args.get("token", "0") or 0)
        page = newest_first[start : start + size]
        body: dict = {"reviews": [review.json() for review in page]}
        if start + size < len(newest_first):
            body["tokenPagination"] = {"nextPageToken": str(start + size)}
        return Response(json.dumps(body), content_type="application/json")

    def get(self, request: Request) -> Response:
        match = REVIEW.match(request.path)
        if refusal := self._refusal(request, match["package"]):
            return refusal
        found = [r for r in self.apps[match["package"]] if r.review_id == match["review"]]
        if not found:
            return google_error(404, "Review not found.", "NOT_FOUND")
        return Response(json.dumps(found[0].json()), content_type="application/json")

    def reply(self, request: Request) -> Response:
        match = REPLY.match(request.path)
        if refusal := self._refusal(request, match["package"]):
            return refusal
        assert request.headers["Content-Type"] == "application/json"
        body = json.loads(request.data)
        assert set(body) == {"replyText"}, body
        found = [r for r in self.apps[match["package"]] if r.review_id == match["review"]]
        if not found:
            return google_error(404, "Review not found.", "NOT_FOUND")
        review = found[0]
        review.reply, review.reply_modified = body["replyText"], datetime.now(UTC)
        self.replies_posted.append((match["package"], review.review_id, review.reply))
        if self.after_reply:
            self.after_reply()
        result = {"replyText": review.reply, "lastEdited": stamp(review.reply_modified)}
        return Response(json.dumps({"result": result}), content_type="application/json")
