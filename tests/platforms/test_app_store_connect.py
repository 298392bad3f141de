"""App Store Connect client against a local contract server built from Apple's API reference.

The server answers only the requests the reference describes, exactly as sent (method, path,
query, JSON body), and checks every bearer token like Apple does: an ES256 JWT with header
{alg, kid, typ} and claims iss, iat, exp (at most 20 minutes later) and aud, verified with the
public half of a throwaway key. Answers follow the reference's examples:
- https://developer.apple.com/documentation/appstoreconnectapi/get-v1-apps-_id_-customerreviews
- https://developer.apple.com/documentation/appstoreconnectapi/get-v1-customerreviews-_id_
- https://developer.apple.com/documentation/appstoreconnectapi/post-v1-customerreviewresponses
- https://developer.apple.com/documentation/appstoreconnectapi/delete-v1-customerreviewresponses-_id_
- https://developer.apple.com/documentation/appstoreconnectapi/get-v1-apps
- https://developer.apple.com/documentation/appstoreconnectapi/generating-tokens-for-api-requests
- https://developer.apple.com/documentation/appstoreconnectapi/parsing-the-error-response-code
"""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from werkzeug import Request, Response

from monitors.platforms import all_specs
from monitors.platforms.app_store_connect import PLATFORM
from monitors.platforms.base import Access, PlatformError, PublicReply

ISSUER = "57246542-96fe-1a63-e053-0824d011072a"
KEY_ID = "2X9R4HXF34"
APP = "682658836"
REVIEW = "00000028-b08c-0014-729e-fbd500000000"
RESPONSE = "6a2f8a3c-1d4e-4b7a-9c0e-2f5b8d7e6a10"
REVIEW_QUERY = {
    "sort": "-createdDate",
    "limit": "200",
    "include": "response",
    "fields[customerReviews]": "rating,title,body,reviewerNickname,createdDate,territory,response",
    "fields[customerReviewResponses]": "responseBody,lastModifiedDate,state",
}


def pem(key) -> str:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


@pytest.fixture(scope="module")
def signing_key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


@pytest.fixture(scope="module")
def private_key(signing_key) -> str:
    return pem(signing_key)


def error_body(status: int, code: str, title: str, detail: str) -> dict:
    """Apple's ErrorResponse."""
    return {
        "errors": [
            {
                "id": "088cf5a0-5ea1-447c-ad21-e3de2f6e8ead",
                "status": str(status),
                "code": code,
                "title": title,
                "detail": detail,
            }
        ]
    }


NOT_AUTHORIZED = error_body(
    401,
    "NOT_AUTHORIZED",
    "Authentication credentials are missing or invalid.",
    "Provide a properly configured and signed bearer token, and make sure that it has not expired.",
)


class Apple:
    """The contract server: each expected request once, in order, each token verified."""

    def __init__(self, httpserver, public_key):
        self.server, self.public_key = httpserver, public_key
        self.tokens: list[str] = []
        self.refusals: list[str] = []

    def token_problem(self, request: Request) -> str:
        header = request.headers.get("Authorization", "")
        if not header.startswith("Bearer "):
            return "no bearer token"
        token = header.removeprefix("Bearer ")
        self.tokens.append(token)
        head = jwt.get_unverified_header(token)
        if head != {"alg": "ES256", "kid": KEY_ID, "typ": "JWT"}:
            return f"header {head}"
        try:
            claims = jwt.decode(
                token,
                self.public_key,
                algorithms=["ES256"],
                audience="appstoreconnect-v1",
                issuer=ISSUER,
                options={"require": ["iss", "iat", "exp", "aud"]},
            )
        except jwt.InvalidTokenError as error:
            return f"token refused: {error}"
        if claims["exp"] - claims["iat"] > 20 * 60 or claims["exp"] > time.time() + 20 * 60:
            return "token lives longer than 20 minutes"
        if claims["iat"] > time.time() + 5:
            return "token issued in the future"
        return ""

    def expect(
        self,
        method: str,
        path: str,
        *,
        query: dict | None = None,
        body: dict | None = None,
        status: int = 200,
        answer: object = None,
        headers: dict | None = None,
        raw: str | None = None,
    ) -> None:
        def handle(request: Request) -> Response:
            problem = self.token_problem(request)
            if problem:
                self.refusals.append(problem)
                return Response(json.dumps(NOT_AUTHORIZED), 401, content_type="application/json")
            if raw is not None:
                return Response(raw, status, headers=headers, content_type="text/html")
            text = "" if answer is None else json.dumps(answer)
            return Response(text, status, headers=headers, content_type="application/json")

        matching = {"json": body} if body is not None else {}
        self.server.expect_ordered_request(
            path, method=method, query_string=query if query is not None else "", **matching
        ).respond_with_handler(handle)

    def url(self, path: str) -> str:
        return self.server.url_for(path)

    def finished(self) -> None:
        assert not self.refusals, self.refusals
        self.server.check_assertions()
        assert not self.server.ordered_handlers, "expected requests were not made"


@pytest.fixture
def apple(httpserver, signing_key):
    server = Apple(httpserver, signing_key.public_key())
    yield server
    server.finished()


@pytest.fixture
def client(apple, private_key):
    access = Access(
        config={"issuer_id": ISSUER, "key_id": KEY_ID},
        secrets={"private_key": private_key},
        base_url=apple.url("").rstrip("/"),
    )
    return PLATFORM.client(access)


def review(
    review_id: str,
    created: str,
    *,
    rating: int = 5,
    title: str = "Awesome!!!",
    body: str = "It's a really fantastic app!",
    nickname: str = "Anne Johnson",
    response_id: str | None = None,
    base: str = "https://api.appstoreconnect.apple.com",
) -> dict:
    """A customerReviews resource as the reference's example shows it, with include=response."""
    links = {
        "self": f"{base}/v1/customerReviews/{review_id}/relationships/response",
        "related": f"{base}/v1/customerReviews/{review_id}/response",
    }
    data = {"type": "customerReviewResponses", "id": response_id} if response_id else None
    return {
        "type": "customerReviews",
        "id": review_id,
        "attributes": {
            "rating": rating,
            "title": title,
            "body": body,
            "reviewerNickname": nickname,
            "createdDate": created,
            "territory": "USA",
        },
        "relationships": {"response": {"links": links, "data": data}},
        "links": {"self": f"{base}/v1/customerReviews/{review_id}"},
    }


def response(
    response_id: str = RESPONSE,
    text: str = "Thanks, Anne!",
    state: str = "PUBLISHED",
    modified: str = "2017-11-16T10:00:00-08:00",
) -> dict:
    return {
        "type": "customerReviewResponses",
        "id": response_id,
        "attributes": {"responseBody": text, "lastModifiedDate": modified, "state": state},
        "links": {
            "self": f"https://api.appstoreconnect.apple.com/v1/customerReviewResponses/{response_id}"
        },
    }


def page(reviews: list, included: list | None = None, next_link: str | None = None) -> dict:
    links = {"self": f"https://api.appstoreconnect.apple.com/v1/apps/{APP}/customerReviews"}
    if next_link:
        links["next"] = next_link
    answer = {"data": reviews, "links": links, "meta": {"paging": {"total": 4326, "limit": 200}}}
    if included is not None:
        answer["included"] = included
    return answer


def expect_reply_post(apple, text: str, *, status: int, answer: dict) -> None:
    """POST /v1/customerReviewResponses with exactly the body Apple's reference shows."""
    apple.expect(
        "POST",
        "/v1/customerReviewResponses",
        body={
            "data": {
                "type": "customerReviewResponses",
                "attributes": {"responseBody": text},
                "relationships": {"review": {"data": {"type": "customerReviews", "id": REVIEW}}},
            }
        },
        status=status,
        answer=answer,
    )


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


# Reading reviews


def test_reads_new_and_edited_reviews_since_the_cursor_across_pages(apple, client) -> None:
    since = utc("2024-03-01T09:00:00+00:00")
    second_page = "?".join(
        [
            f"https://api.appstoreconnect.apple.com/v1/apps/{APP}/customerReviews",
            "cursor=AQ.AMt2C-U&sort=-createdDate&limit=200&include=response"
            "&fields%5BcustomerReviews%5D=rating,title,body,reviewerNickname,createdDate,"
            "territory,response&fields%5BcustomerReviewResponses%5D=responseBody,"
            "lastModifiedDate,state",
        ]
    )
    path = f"/v1/apps/{APP}/customerReviews"
    apple.expect(
        "GET",
        path,
        query=REVIEW_QUERY,
        answer=page(
            [
                review("r-new", "2024-03-03T12:00:00-08:00", rating=1, title="Broken"),
                # Read before at 2024-02-10; the customer rewrote it and it came back on top.
                review("r-edited", "2024-03-02T08:00:00+01:00", rating=2, title="Worse now"),
            ],
            included=[],
            next_link=second_page,
        ),
    )
    apple.expect(
        "GET",
        path,
        query={"cursor": "AQ.AMt2C-U", **REVIEW_QUERY},
        answer=page(
            [
                review("r-boundary", "2024-03-01T09:00:00Z"),
                review("r-old", "2024-02-28T23:59:59Z"),
            ],
            included=[],
            next_link=f"https://api.appstoreconnect.apple.com{path}?cursor=AQ.third",
        ),
    )

    batch = client.read_reviews(APP, since)

    assert [r.external_id for r in batch.records] == ["r-new", "r-edited", "r-boundary"]
    assert batch.records[1].title == "Worse now"
    assert batch.cursor == utc("2024-03-03T20:00:00+00:00")
    assert batch.requests == 2  # the third page was never asked for


def test_maps_stars_title_text_author_times_and_reply(apple, client) -> None:
    apple.expect(
        "GET",
        f"/v1/apps/{APP}/customerReviews",
        query=REVIEW_QUERY,
        answer=page(
            [
                review(REVIEW, "2017-11-15T08:10:34-08:00", response_id=RESPONSE),
                review(
                    "r-pending",
                    "2017-11-14T08:00:00-08:00",
                    rating=2,
                    title="",
                    body="Crashes on launch",
                    nickname="Bob",
                    response_id="resp-2",
                ),
                review("r-none", "2017-11-13T08:00:00-08:00", rating=3),
            ],
            included=[
                response(),
                response("resp-2", "We are on it.", "PENDING_PUBLISH", "2017-11-14T20:00:00Z"),
            ],
        ),
    )

    batch = client.read_reviews(APP, None)

    first, pending, none = batch.records
    assert first.external_id == REVIEW
    assert first.rating == Decimal(5)
    assert (first.title, first.text, first.author) == (
        "Awesome!!!",
        "It's a really fantastic app!",
        "Anne Johnson",
    )
    assert first.published_at == datetime(2017, 11, 15, 16, 10, 34, tzinfo=UTC)
    assert first.url == ""  # Apple documents no public link to one review
    assert first.replies_known
    assert first.reply == PublicReply(
        text="Thanks, Anne!",
        updated_at=datetime(2017, 11, 16, 18, 0, tzinfo=UTC),
        state="published",
        reply_id=RESPONSE,
    )
    assert pending.rating == Decimal(2) and pending.title == "" and pending.author == "Bob"
    assert pending.reply.state == "pending" and pending.reply.text == "We are on it."
    assert none.replies_known and none.reply is None
    assert batch.aggregate is None  # the API gives no average rating
    assert batch.cursor == first.published_at


def test_nothing_new_keeps_the_cursor(apple, client) -> None:
    since = utc("2024-05-01T00:00:00+00:00")
    apple.expect(
        "GET",
        f"/v1/apps/{APP}/customerReviews",
        query=REVIEW_QUERY,
        answer=page([review("r-old", "2024-04-01T00:00:00Z")], included=[]),
    )

    batch = client.read_reviews(APP, since)

    assert batch.records == [] and batch.cursor == since and batch.requests == 1


def test_a_next_link_to_another_host_is_followed_on_apples_host_only(apple, client) -> None:
    path = f"/v1/apps/{APP}/customerReviews"
    apple.expect(
        "GET",
        path,
        query=REVIEW_QUERY,
        answer=page(
            [review("a", "2024-01-02T00:00:00Z")], [], f"https://evil.example{path}?cursor=x"
        ),
    )
    apple.expect("GET", path, query={"cursor": "x"}, answer=page([], []))

    assert [r.external_id for r in client.read_reviews(APP, None).records] == ["a"]


# Replies


def test_a_posted_reply_comes_back_with_apples_confirmation(apple, client) -> None:
    expect_reply_post(
        apple,
        "Sorry about that — fixed in 2.1.",
        status=201,
        answer={
            "data": response(
                text="Sorry about that — fixed in 2.1.",
                state="PENDING_PUBLISH",
                modified="2024-03-04T10:00:00-08:00",
            ),
            "links": {"self": "https://api.appstoreconnect.apple.com/v1/customerReviewResponses"},
        },
    )

    reply = client.post_reply(APP, REVIEW, "Sorry about that — fixed in 2.1.")

    assert reply == PublicReply(
        text="Sorry about that — fixed in 2.1.",
        updated_at=datetime(2024, 3, 4, 18, 0, tzinfo=UTC),
        state="pending",
        reply_id=RESPONSE,
    )


def test_editing_a_reply_posts_again_as_apple_overwrites_the_response(apple, client) -> None:
    expect_reply_post(
        apple,
        "Fixed in 2.2 as well.",
        status=201,
        answer={"data": response(text="Fixed in 2.2 as well.", state="PENDING_PUBLISH")},
    )
    old = PublicReply(text="Fixed in 2.1.", reply_id=RESPONSE)

    reply = client.edit_reply(APP, REVIEW, old, "Fixed in 2.2 as well.")

    assert reply.text == "Fixed in 2.2 as well." and reply.state == "pending"
    assert PLATFORM.can_edit_reply and PLATFORM.can_delete_reply


def test_deleting_a_reply_removes_its_response(apple, client) -> None:
    apple.expect("DELETE", f"/v1/customerReviewResponses/{RESPONSE}", status=204)

    assert client.delete_reply(APP, REVIEW, PublicReply(text="x", reply_id=RESPONSE)) is None


def test_deleting_a_reply_without_its_id_looks_it_up_first(apple, client) -> None:
    apple.expect(
        "GET",
        f"/v1/customerReviews/{REVIEW}",
        query={
            "include": "response",
            "fields[customerReviewResponses]": "responseBody,lastModifiedDate,state",
        },
        answer={
            "data": review(REVIEW, "2024-01-01T00:00:00Z", response_id=RESPONSE),
            "included": [response()],
        },
    )
    apple.expect("DELETE", f"/v1/customerReviewResponses/{RESPONSE}", status=204)

    client.delete_reply(APP, REVIEW, PublicReply(text="Thanks, Anne!"))


FIND_QUERY = {
    "include": "response",
    "fields[customerReviewResponses]": "responseBody,lastModifiedDate,state",
}


def test_find_reply_returns_the_reply_live_now(apple, client) -> None:
    apple.expect(
        "GET",
        f"/v1/customerReviews/{REVIEW}",
        query=FIND_QUERY,
        answer={
            "data": review(REVIEW, "2024-01-01T00:00:00Z", response_id=RESPONSE),
            "included": [response()],
            "links": {"self": f"https://api.appstoreconnect.apple.com/v1/customerReviews/{REVIEW}"},
        },
    )

    reply = client.find_reply(APP, REVIEW)

    assert reply.text == "Thanks, Anne!" and reply.state == "published"
    assert reply.reply_id == RESPONSE


def test_find_reply_is_none_when_the_review_has_no_response(apple, client) -> None:
    apple.expect(
        "GET",
        f"/v1/customerReviews/{REVIEW}",
        query=FIND_QUERY,
        answer={"data": review(REVIEW, "2024-01-01T00:00:00Z")},
    )

    assert client.find_reply(APP, REVIEW) is None


def test_find_reply_says_when_the_review_is_gone(apple, client) -> None:
    apple.expect(
        "GET",
        f"/v1/customerReviews/{REVIEW}",
        query=FIND_QUERY,
        status=404,
        answer=error_body(
            404,
            "NOT_FOUND",
            "The specified resource does not exist",
            f"There is no resource of type 'customerReviews' with id '{REVIEW}'",
        ),
    )

    with pytest.raises(PlatformError) as raised:
        client.find_reply(APP, REVIEW)
    assert raised.value.kind == "not_found"
    assert "There is no resource of type 'customerReviews'" in raised.value.message


def test_a_too_long_reply_is_refused_before_any_request(apple, client) -> None:
    with pytest.raises(PlatformError) as raised:
        client.post_reply(APP, REVIEW, "x" * 5971)

    assert raised.value.kind == "too_long"
    assert "5,970 characters" in raised.value.message
    assert apple.server.log == []
    assert PLATFORM.reply_limit.fits("x" * 5970)


# Errors


def test_revoked_credentials_stop_the_connection(apple, client, private_key) -> None:
    apple.expect(
        "GET",
        f"/v1/apps/{APP}/customerReviews",
        query=REVIEW_QUERY,
        status=401,
        answer=NOT_AUTHORIZED,
    )

    with pytest.raises(PlatformError) as raised:
        client.read_reviews(APP, None)

    assert raised.value.kind == "credentials" and raised.value.stops_the_connection
    assert "Authentication credentials are missing or invalid" in raised.value.message
    assert private_key.splitlines()[1] not in raised.value.message


def test_a_role_without_access_is_a_permission_error(apple, client) -> None:
    expect_reply_post(
        apple,
        "Thanks!",
        status=403,
        answer=error_body(
            403,
            "FORBIDDEN_ERROR",
            "This request is forbidden for security reasons",
            "The API key in use does not allow this request",
        ),
    )

    with pytest.raises(PlatformError) as raised:
        client.post_reply(APP, REVIEW, "Thanks!")

    assert raised.value.kind == "permission"
    assert "The API key in use does not allow this request" in raised.value.message


def test_rate_limit_with_retry_after_is_a_quota_error(apple, client) -> None:
    apple.expect(
        "GET",
        f"/v1/apps/{APP}/customerReviews",
        query=REVIEW_QUERY,
        status=429,
        headers={"Retry-After": "120", "X-Rate-Limit": "user-hour-lim:3600;user-hour-rem:0;"},
        answer=error_body(
            429,
            "RATE_LIMIT_EXCEEDED",
            "The request rate limit has been reached.",
            "We've received too many requests for this API. Please wait and try "
            "again or slow down your request rate.",
        ),
    )
    before = timezone.now()

    with pytest.raises(PlatformError) as raised:
        client.read_reviews(APP, None)

    assert raised.value.kind == "quota"
    assert before + timedelta(seconds=110) < raised.value.retry_at < before + timedelta(seconds=130)


def test_a_server_error_is_transient(apple, client) -> None:
    apple.expect(
        "GET",
        f"/v1/apps/{APP}/customerReviews",
        query=REVIEW_QUERY,
        status=500,
        answer=error_body(
            500,
            "UNEXPECTED_ERROR",
            "An unexpected error occurred.",
            "An unexpected error occurred on the server side.",
        ),
    )

    with pytest.raises(PlatformError) as raised:
        client.read_reviews(APP, None)

    assert raised.value.kind == "transient" and not raised.value.stops_the_connection


@pytest.mark.parametrize(
    "raw, answer",
    [
        ("<html>Service Unavailable</html>", None),
        (None, {"data": {"unexpected": "shape"}}),
        (
            None,
            {
                "data": [
                    {
                        "type": "customerReviews",
                        "id": "x",
                        "attributes": {"createdDate": "yesterday"},
                    }
                ]
            },
        ),
    ],
    ids=["not-json", "not-a-list", "bad-date"],
)
def test_a_junk_answer_is_malformed(apple, client, raw, answer) -> None:
    apple.expect(
        "GET", f"/v1/apps/{APP}/customerReviews", query=REVIEW_QUERY, raw=raw, answer=answer
    )

    with pytest.raises(PlatformError) as raised:
        client.read_reviews(APP, None)

    assert raised.value.kind == "malformed"


def test_one_token_serves_many_requests(apple, client) -> None:
    for _ in range(2):
        apple.expect(
            "GET", f"/v1/apps/{APP}/customerReviews", query=REVIEW_QUERY, answer=page([], [])
        )

    client.read_reviews(APP, None)
    client.read_reviews(APP, None)

    assert len(apple.tokens) == 2 and apple.tokens[0] == apple.tokens[1]


# Test connection, targets


def app_resource(app_id: str = APP, name: str = "Bakery", bundle: str = "com.example.bakery"):
    return {
        "type": "apps",
        "id": app_id,
        "attributes": {"name": name, "bundleId": bundle},
        "links": {"self": f"https://api.appstoreconnect.apple.com/v1/apps/{app_id}"},
    }


def expect_app(apple, status: int = 200, answer: object = None) -> None:
    apple.expect(
        "GET",
        f"/v1/apps/{APP}",
        query={"fields[apps]": "name,bundleId"},
        status=status,
        answer=answer or {"data": app_resource()},
    )


def expect_reviews_probe(apple, status: int = 200, answer: object = None) -> None:
    apple.expect(
        "GET",
        f"/v1/apps/{APP}/customerReviews",
        query={"limit": "1", "fields[customerReviews]": "createdDate"},
        status=status,
        answer=answer or page([review(REVIEW, "2024-01-01T00:00:00Z")]),
    )


def test_check_says_a_good_key_can_read_and_who_may_reply(apple, client) -> None:
    expect_app(apple)
    expect_reviews_probe(apple)

    checks = client.check(APP)

    assert all(check.ok for check in checks)
    messages = [check.message for check in checks]
    assert messages[0] == "The key is valid and can see Bakery (com.example.bakery)."
    assert messages[1] == "Customer reviews of Bakery (com.example.bakery) can be read."
    assert "Admin, App Manager or Customer Support" in messages[2]


def test_check_says_when_the_keys_role_may_not_touch_reviews(apple, client) -> None:
    expect_app(apple)
    expect_reviews_probe(
        apple,
        403,
        error_body(
            403,
            "FORBIDDEN_ERROR",
            "This request is forbidden for security reasons",
            "The API key in use does not allow this request",
        ),
    )

    checks = client.check(APP)

    assert [check.ok for check in checks] == [True, False]
    assert checks[1].message == (
        "The key is valid, but its role may not read or reply to customer reviews of Bakery "
        "(com.example.bakery): give it the Admin, App Manager or Customer Support role."
    )


def test_check_says_when_the_app_is_not_visible(apple, client) -> None:
    expect_app(
        apple,
        404,
        error_body(
            404,
            "NOT_FOUND",
            "The specified resource does not exist",
            f"There is no resource of type 'apps' with id '{APP}'",
        ),
    )

    checks = client.check(APP)

    assert [check.ok for check in checks] == [True, False]
    assert checks[1].message.startswith(f"The key is valid, but app {APP} is not visible to it")


def test_check_says_when_apple_refuses_the_key(apple, client) -> None:
    expect_app(apple, 401, NOT_AUTHORIZED)

    checks = client.check(APP)

    assert len(checks) == 1 and not checks[0].ok
    assert "did not accept the API key" in checks[0].message


def test_check_without_an_app_tests_the_key_only(apple, client) -> None:
    apple.expect(
        "GET",
        "/v1/apps",
        query={"fields[apps]": "name,bundleId", "limit": "1"},
        answer={"data": [app_resource()]},
    )

    checks = client.check("")

    assert [(c.ok, c.message) for c in checks] == [
        (True, f"App Store Connect accepted the API key {KEY_ID}.")
    ]


def test_check_reports_an_unusable_stored_key_without_calling_apple(apple) -> None:
    access = Access(
        config={"issuer_id": ISSUER, "key_id": KEY_ID},
        secrets={"private_key": "-----BEGIN PRIVATE KEY-----\nbm9wZQ==\n-----END PRIVATE KEY-----"},
        base_url=apple.url("").rstrip("/"),
    )

    checks = PLATFORM.client(access).check(APP)

    assert len(checks) == 1 and not checks[0].ok
    assert "could not be read as a private key" in checks[0].message
    assert apple.server.log == []


def test_list_targets_names_every_app_across_pages(apple, client) -> None:
    apple.expect(
        "GET",
        "/v1/apps",
        query={"fields[apps]": "name,bundleId", "limit": "200"},
        answer={
            "data": [app_resource()],
            "links": {
                "self": "https://api.appstoreconnect.apple.com/v1/apps",
                "next": "https://api.appstoreconnect.apple.com/v1/apps?cursor=Mg&fields%5Bapps%5D=name,bundleId&limit=200",
            },
        },
    )
    apple.expect(
        "GET",
        "/v1/apps",
        query={"cursor": "Mg", "fields[apps]": "name,bundleId", "limit": "200"},
        answer={
            "data": [app_resource("1500000001", "Bakery Pro", "com.example.bakery.pro")],
            "links": {"self": "https://api.appstoreconnect.apple.com/v1/apps"},
        },
    )

    targets = client.list_targets()

    assert [(t.value, t.label) for t in targets] == [
        (APP, f"Bakery (com.example.bakery), Apple ID {APP}"),
        ("1500000001", "Bakery Pro (com.example.bakery.pro), Apple ID 1500000001"),
    ]


# The connection form


def form(data: dict | None = None, files: dict | None = None, connection=None):
    fields = {"name": "Apple", "issuer_id": ISSUER, "key_id": KEY_ID, **(data or {})}
    return PLATFORM.form(fields, files or {}, connection=connection)


def p8(text: str, name: str = f"AuthKey_{KEY_ID}.p8") -> dict:
    return {"private_key_file": SimpleUploadedFile(name, text.encode())}


def test_the_platform_is_registered() -> None:
    assert all_specs()["app_store_connect"] is PLATFORM
    assert PLATFORM.target_label == "Apple ID"


def test_the_form_keeps_the_key_secret_and_the_ids_plain(private_key) -> None:
    filled = form(files=p8(private_key))

    assert filled.is_valid(), filled.errors
    config, secrets, hint = filled.credentials({})
    assert config == {"issuer_id": ISSUER, "key_id": KEY_ID}
    assert secrets["private_key"].strip() == private_key.strip()
    assert hint == f"API key {KEY_ID} (private key stored encrypted)"
    assert private_key.splitlines()[1] not in hint


def test_the_form_takes_a_pasted_key_that_lost_its_line_breaks(private_key) -> None:
    filled = form({"private_key": " ".join(private_key.split())})

    assert filled.is_valid(), filled.errors
    assert filled.credentials({})[1]["private_key"].strip() == private_key.strip()


@pytest.mark.parametrize(
    "data, files, field, error",
    [
        ({"issuer_id": "my-team"}, None, "issuer_id", "This is not an issuer ID"),
        ({"key_id": "ABC"}, None, "key_id", "This is not a key ID"),
        ({}, None, "private_key_file", "Upload the .p8 file, or paste its contents below."),
        (
            {},
            {"private_key_file": SimpleUploadedFile("key.json", b'{"type": "service_account"}')},
            "private_key_file",
            "This is not a .p8 private key",
        ),
        (
            {},
            {"private_key_file": SimpleUploadedFile("k.p8", b"\xff\xfe\x00")},
            "private_key_file",
            "This is not a .p8 private key file.",
        ),
        (
            {"private_key": "-----BEGIN PRIVATE KEY-----\nbm9wZQ==\n-----END PRIVATE KEY-----"},
            None,
            "private_key",
            "could not be read as a private key",
        ),
    ],
    ids=["issuer", "key-id", "no-key", "json-file", "binary-file", "garbage-pem"],
)
def test_the_form_explains_bad_input(data, files, field, error) -> None:
    filled = form(data, files)

    assert not filled.is_valid()
    assert error in " ".join(filled.errors[field])


def test_the_form_refuses_a_key_that_is_not_apples_kind() -> None:
    rsa_key = pem(rsa.generate_private_key(public_exponent=65537, key_size=2048))

    filled = form(files=p8(rsa_key))

    assert not filled.is_valid()
    message = " ".join(filled.errors["private_key_file"])
    assert "not an App Store Connect API key" in message
    assert rsa_key.splitlines()[1] not in message


def test_the_form_notices_a_file_of_another_key(private_key) -> None:
    filled = form(files=p8(private_key, "AuthKey_ZZZZZZZZZZ.p8"))

    assert not filled.is_valid()
    assert filled.errors["private_key_file"] == [
        f"This file is the private key of key ZZZZZZZZZZ, not of key {KEY_ID}."
    ]


def test_editing_keeps_the_stored_key_when_none_is_given(private_key) -> None:
    class Stored:
        config = {"issuer_id": ISSUER, "key_id": KEY_ID}

    filled = form(connection=Stored())

    assert filled.is_valid(), filled.errors
    assert filled.fields["issuer_id"].initial == ISSUER
    assert filled.credentials({"private_key": private_key})[1] == {"private_key": private_key}


def test_the_secret_appears_in_no_repr_or_error(apple, client, private_key) -> None:
    apple.expect(
        "GET",
        f"/v1/apps/{APP}/customerReviews",
        query=REVIEW_QUERY,
        status=401,
        answer=NOT_AUTHORIZED,
    )
    secret_line = private_key.splitlines()[1]

    with pytest.raises(PlatformError) as raised:
        client.read_reviews(APP, None)

    for text in (repr(client), repr(client.signer), str(raised.value), repr(raised.value)):
        assert secret_line not in text and "PRIVATE KEY" not in text
