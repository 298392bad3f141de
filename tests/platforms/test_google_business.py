"""Google Business Profile against a local contract server built from Google's published reference.

The server answers only the exact requests the reference describes (method, path, query string,
bearer token, JSON or form body); anything else gets "no handler" and fails the test.

References:
  https://developers.google.com/my-business/reference/rest/v4/accounts.locations.reviews
  https://developers.google.com/my-business/reference/rest/v4/accounts.locations.reviews/list
  https://developers.google.com/my-business/reference/rest/v4/accounts.locations.reviews/get
  https://developers.google.com/my-business/reference/rest/v4/accounts.locations.reviews/updateReply
  https://developers.google.com/my-business/reference/rest/v4/accounts.locations.reviews/deleteReply
  https://developers.google.com/my-business/reference/accountmanagement/rest/v1/accounts/list
  https://developers.google.com/my-business/reference/businessinformation/rest/v1/accounts.locations/list
  https://developers.google.com/identity/protocols/oauth2/web-server (code exchange, refresh)
  https://developers.google.com/my-business/content/limits (429 when over quota)
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils import timezone

from monitors.platforms.base import Access, PlatformError, PublicReply
from monitors.platforms.google_business import PLATFORM
from monitors.platforms.google_business_auth import SCOPE

CLIENT_ID = "123456789012-a1b2c3d4e5f6g7h8.apps.googleusercontent.com"
CLIENT_SECRET = "GOCSPX-Zq8sEcretForContractTests"
REFRESH_TOKEN = "1//0gRefreshTokenForContractTests"
ACCESS_TOKEN = "ya29.AccessTokenForContractTests"
SECRETS = (CLIENT_SECRET, REFRESH_TOKEN, ACCESS_TOKEN)
LOCATION = "accounts/111/locations/222"
REVIEWS = f"/v4/{LOCATION}/reviews"
BEARER = {"Authorization": f"Bearer {ACCESS_TOKEN}"}
SINCE = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
PUBLISHED = PublicReply(text="Thanks!", updated_at=SINCE)
REFRESH_FORM = {
    "grant_type": "refresh_token",
    "client_id": CLIENT_ID,
    "client_secret": CLIENT_SECRET,
    "refresh_token": REFRESH_TOKEN,
}


@pytest.fixture(autouse=True)
def no_unexpected_requests(httpserver):
    yield
    httpserver.check_assertions()  # a request the contract does not describe fails the test


@pytest.fixture
def saved() -> list[dict]:
    return []


@pytest.fixture
def access(httpserver, saved) -> Access:
    return Access(
        config={"client_id": CLIENT_ID},
        secrets={"client_secret": CLIENT_SECRET, "refresh_token": REFRESH_TOKEN},
        base_url=httpserver.url_for("").rstrip("/"),
        save_secrets=saved.append,
    )


@pytest.fixture
def client(access):
    return PLATFORM.client(access)


def signs_in(httpserver, **extra) -> None:
    """Google's token endpoint renewing the access token from the refresh token."""
    answer = {"access_token": ACCESS_TOKEN, "expires_in": 3599, "scope": SCOPE}
    httpserver.expect_request("/token", method="POST", data_form=REFRESH_FORM).respond_with_json(
        {**answer, "token_type": "Bearer", **extra}
    )


def google_error(code: int, status: str, message: str) -> dict:
    return {"error": {"code": code, "message": message, "status": status}}


def review(number: int, updated: str, **fields) -> dict:
    """A Review as the reference's JSON representation shows it."""
    return {
        "name": f"{LOCATION}/reviews/r{number}",
        "reviewId": f"r{number}",
        "reviewer": {
            "profilePhotoUrl": "https://lh3.googleusercontent.com/a/photo",
            "displayName": f"Customer {number}",
            "isAnonymous": False,
        },
        "starRating": "FOUR",
        "comment": f"Review number {number}",
        "createTime": updated,
        "updateTime": updated,
        **fields,
    }


def expect_reviews(httpserver, answer: dict, token: str | None = None):
    query = {"pageSize": "50", "orderBy": "updateTime desc"} | (
        {"pageToken": token} if token else {}
    )
    return httpserver.expect_request(
        REVIEWS, method="GET", query_string=query, headers=BEARER
    ).respond_with_json(answer)


def failure(client, httpserver, status: int, body, headers=None) -> PlatformError:
    signs_in(httpserver)
    httpserver.expect_request(REVIEWS, method="GET").respond_with_json(
        body, status=status, headers=headers
    )
    with pytest.raises(PlatformError) as raised:
        client.read_reviews(LOCATION, SINCE)
    return raised.value


def assert_no_secret(*texts: str) -> None:
    for text in texts:
        for secret in SECRETS:
            assert secret not in text


# Reading reviews


def test_reads_new_and_edited_reviews_since_the_cursor_across_pages(client, httpserver):
    signs_in(httpserver)
    edited = review(2, "2026-03-03T08:00:00Z", createTime="2025-11-20T10:00:00Z")
    expect_reviews(
        httpserver,
        {
            "reviews": [review(3, "2026-03-04T09:30:00Z"), edited],
            "averageRating": 4.3,
            "totalReviewCount": 57,
            "nextPageToken": "page-2",
        },
    )
    expect_reviews(
        httpserver,
        {
            "reviews": [review(1, "2026-03-02T07:00:00Z"), review(0, "2026-03-01T12:00:00Z")],
            "averageRating": 4.3,
            "totalReviewCount": 57,
            "nextPageToken": "page-3",  # never asked for: page 2 reached the cursor
        },
        token="page-2",
    )

    batch = client.read_reviews(LOCATION, SINCE)

    assert [r.external_id for r in batch.records] == ["r3", "r2", "r1"]
    assert batch.cursor == datetime(2026, 3, 4, 9, 30, tzinfo=UTC)
    assert batch.records[1].published_at == datetime(2025, 11, 20, 10, 0, tzinfo=UTC)
    assert (batch.aggregate.rating, batch.aggregate.count) == (Decimal("4.3"), 57)
    assert batch.requests == 3  # one token renewal, two pages
    assert len(httpserver.log) == 3


def test_nothing_new_keeps_the_cursor(client, httpserver):
    signs_in(httpserver)
    expect_reviews(httpserver, {"reviews": [review(0, "2026-02-28T10:00:00Z")]})

    batch = client.read_reviews(LOCATION, SINCE)

    assert batch.records == [] and batch.cursor == SINCE and batch.aggregate is None


def test_the_first_read_takes_every_review_of_a_location(client, httpserver):
    signs_in(httpserver)
    expect_reviews(httpserver, {"reviews": [review(1, "2020-01-02T00:00:00Z")]})

    batch = client.read_reviews(LOCATION, None)

    assert [r.external_id for r in batch.records] == ["r1"]
    assert batch.cursor == datetime(2020, 1, 2, tzinfo=UTC)


def test_maps_stars_text_author_times_and_reply(client, httpserver):
    signs_in(httpserver)
    reply = {"comment": "Thank you, see you soon!", "updateTime": "2026-03-05T10:00:00.123456789Z"}
    reviews = [
        review(5, "2026-03-05T09:00:00.045123456Z", starRating="FIVE", reviewReply=reply),
        review(4, "2026-03-04T09:00:00+02:00", starRating="ONE"),
        review(3, "2026-03-03T09:00:00Z", starRating="STAR_RATING_UNSPECIFIED"),
        review(2, "2026-03-02T09:00:00Z", reviewer={"isAnonymous": True}),
    ]
    del reviews[3]["comment"]  # a rating without words
    expect_reviews(httpserver, {"reviews": reviews})

    five, one, unrated, anonymous = client.read_reviews(LOCATION, SINCE).records

    assert five.rating == Decimal(5) and one.rating == Decimal(1) and unrated.rating is None
    assert (five.author, five.text, five.title, five.url) == (
        "Customer 5",
        "Review number 5",
        "",
        "",
    )
    assert five.published_at == datetime(2026, 3, 5, 9, 0, 0, 45123, tzinfo=UTC)
    assert one.published_at == datetime(2026, 3, 4, 7, 0, tzinfo=UTC)
    assert five.replies_known and five.reply.text == "Thank you, see you soon!"
    assert five.reply.updated_at == datetime(2026, 3, 5, 10, 0, 0, 123456, tzinfo=UTC)
    assert five.reply.state == "published"
    assert one.replies_known and one.reply is None
    assert (anonymous.author, anonymous.text, anonymous.rating) == ("Anonymous", "", Decimal(4))


@pytest.mark.parametrize(
    "comment",
    [
        "(Translated by Google) Great coffee, friendly staff.\n\n(Original)\n"
        "Kawa świetna, miła obsługa.",
        "Kawa świetna, miła obsługa.\n\n(Translated by Google)\nGreat coffee, friendly staff.",
    ],
)
def test_keeps_the_reviewers_own_words_when_google_adds_a_translation(client, httpserver, comment):
    signs_in(httpserver)
    reply = {"comment": "Dziękujemy!\n\n(Translated by Google)\nThank you!"}
    expect_reviews(
        httpserver,
        {"reviews": [review(1, "2026-03-02T00:00:00Z", comment=comment, reviewReply=reply)]},
    )

    (record,) = client.read_reviews(LOCATION, SINCE).records

    assert record.text == "Kawa świetna, miła obsługa."
    assert record.reply.text == "Dziękujemy!"


# Replies


def test_a_posted_reply_comes_back_with_googles_confirmation(client, httpserver):
    signs_in(httpserver)
    text = "Thank you for your kind words — we hope to see you again."
    httpserver.expect_request(
        f"/v4/{LOCATION}/reviews/r7/reply", method="PUT", headers=BEARER, json={"comment": text}
    ).respond_with_json({"comment": text, "updateTime": "2026-03-06T08:15:00Z"})

    reply = client.post_reply(LOCATION, "r7", text)

    assert reply.text == text
    assert reply.updated_at == datetime(2026, 3, 6, 8, 15, tzinfo=UTC)
    assert reply.state == "published"


def test_editing_a_reply_replaces_it(client, httpserver):
    signs_in(httpserver)
    new = "We have fixed the heating since; thank you for telling us."
    httpserver.expect_request(
        f"/v4/{LOCATION}/reviews/r7/reply", method="PUT", headers=BEARER, json={"comment": new}
    ).respond_with_json({"comment": new, "updateTime": "2026-03-07T08:15:00Z"})

    reply = client.edit_reply(LOCATION, "r7", PUBLISHED, new)

    assert reply.text == new
    assert reply.updated_at == datetime(2026, 3, 7, 8, 15, tzinfo=UTC)


def test_deleting_a_reply(client, httpserver):
    signs_in(httpserver)
    httpserver.expect_request(
        f"/v4/{LOCATION}/reviews/r7/reply", method="DELETE", headers=BEARER
    ).respond_with_json({})

    assert client.delete_reply(LOCATION, "r7", PUBLISHED) is None
    assert [request.method for request, _ in httpserver.log] == ["POST", "DELETE"]


def test_find_reply_returns_the_reply_live_on_google(client, httpserver):
    signs_in(httpserver)
    answered = review(7, "2026-03-06T08:15:00Z")
    answered["reviewReply"] = {"comment": "Thanks!", "updateTime": "2026-03-06T08:15:00Z"}
    get = f"/v4/{LOCATION}/reviews/"
    httpserver.expect_request(get + "r7", method="GET", headers=BEARER).respond_with_json(answered)
    httpserver.expect_request(get + "r8", method="GET", headers=BEARER).respond_with_json(
        review(8, "2026-03-06T08:15:00Z")
    )

    assert client.find_reply(LOCATION, "r7").text == "Thanks!"
    assert client.find_reply(LOCATION, "r8") is None


def test_a_reply_over_4096_bytes_is_refused_before_any_request(client, httpserver):
    text = "é" * 2049  # 2,049 characters, 4,098 bytes

    with pytest.raises(PlatformError) as raised:
        client.post_reply(LOCATION, "r7", text)

    assert raised.value.kind == "too_long"
    assert "4,096 bytes" in raised.value.message and "4,098" in raised.value.message
    assert httpserver.log == []


def test_a_reply_of_exactly_4096_bytes_is_sent(client, httpserver):
    signs_in(httpserver)
    text = "é" * 2048
    httpserver.expect_request(
        f"/v4/{LOCATION}/reviews/r7/reply", method="PUT", json={"comment": text}
    ).respond_with_json({"comment": text, "updateTime": "2026-03-06T08:15:00Z"})

    assert client.post_reply(LOCATION, "r7", text).text == text


# Failures


def test_a_revoked_sign_in_asks_the_owner_to_reconnect(client, httpserver):
    httpserver.expect_request("/token", method="POST", data_form=REFRESH_FORM).respond_with_json(
        {"error": "invalid_grant", "error_description": "Token has been expired or revoked."},
        status=400,
    )

    with pytest.raises(PlatformError) as raised:
        client.read_reviews(LOCATION, SINCE)

    assert raised.value.kind == "credentials" and raised.value.stops_the_connection
    assert "no longer accepts this sign-in" in raised.value.message
    assert "reconnect" in raised.value.message
    assert_no_secret(raised.value.message, repr(raised.value), str(raised.value))


def test_a_wrong_client_secret_is_a_credentials_failure(client, httpserver):
    httpserver.expect_request("/token", method="POST").respond_with_json(
        {"error": "invalid_client", "error_description": "Unauthorized"}, status=401
    )

    with pytest.raises(PlatformError) as raised:
        client.find_reply(LOCATION, "r7")

    assert raised.value.kind == "credentials"
    assert "client ID and secret" in raised.value.message
    assert_no_secret(raised.value.message)


def test_an_access_token_google_rejects_is_a_credentials_failure(client, httpserver):
    error = failure(
        client,
        httpserver,
        401,
        google_error(401, "UNAUTHENTICATED", "Request had invalid authentication credentials."),
    )

    assert error.kind == "credentials" and error.status == 401
    assert_no_secret(error.message)


def test_an_account_without_access_to_the_location_is_a_permission_failure(client, httpserver):
    error = failure(
        client,
        httpserver,
        403,
        google_error(403, "PERMISSION_DENIED", "The caller does not have permission"),
    )

    assert error.kind == "permission"
    assert "The caller does not have permission" in error.message


def test_an_unverified_location_is_refused_with_googles_words(client, httpserver):
    message = "This operation is only valid if the specified location is verified."
    error = failure(client, httpserver, 400, google_error(400, "FAILED_PRECONDITION", message))

    assert error.kind == "invalid" and message in error.message


def test_429_with_retry_after_is_quota_with_retry_at(client, httpserver):
    before = timezone.now()
    error = failure(
        client,
        httpserver,
        429,
        google_error(429, "RESOURCE_EXHAUSTED", "Quota exceeded for quota metric 'Requests'."),
        headers={"Retry-After": "120"},
    )

    assert error.kind == "quota"
    assert (
        before + timedelta(seconds=119) <= error.retry_at <= timezone.now() + timedelta(seconds=121)
    )


def test_a_server_error_is_transient(client, httpserver):
    error = failure(client, httpserver, 503, google_error(503, "UNAVAILABLE", "Backend error"))

    assert error.kind == "transient" and not error.stops_the_connection


@pytest.mark.parametrize(
    "answer",
    [
        "<html>Sorry…</html>",
        {"reviews": "none"},
        {"reviews": [{"reviewId": "r1", "updateTime": "yesterday"}]},
        {"reviews": [{"updateTime": "2026-03-02T00:00:00Z"}]},
        {"reviews": [review(1, "2026-03-02T00:00:00Z", reviewReply={"updateTime": 3})]},
    ],
)
def test_an_answer_that_cannot_be_read_is_malformed(client, httpserver, answer):
    signs_in(httpserver)
    if isinstance(answer, str):
        httpserver.expect_request(REVIEWS).respond_with_data(answer, content_type="text/html")
    else:
        httpserver.expect_request(REVIEWS).respond_with_json(answer)

    with pytest.raises(PlatformError) as raised:
        client.read_reviews(LOCATION, SINCE)

    assert raised.value.kind == "malformed"


def test_a_target_that_is_not_a_location_is_refused_before_any_request(client, httpserver):
    with pytest.raises(PlatformError) as raised:
        client.read_reviews("locations/222", SINCE)

    assert raised.value.kind == "invalid" and "accounts/123/locations/456" in raised.value.message
    assert httpserver.log == []


def test_a_refresh_token_google_replaces_is_kept(client, httpserver, saved):
    signs_in(httpserver, refresh_token="1//0gRotatedRefreshToken")
    expect_reviews(httpserver, {})

    client.read_reviews(LOCATION, SINCE)

    assert saved == [{"client_secret": CLIENT_SECRET, "refresh_token": "1//0gRotatedRefreshToken"}]


# Test connection


def test_check_lines_for_a_working_sign_in(client, httpserver):
    signs_in(httpserver)
    httpserver.expect_request(
        REVIEWS, method="GET", query_string={"pageSize": "1"}, headers=BEARER
    ).respond_with_json(
        {
            "reviews": [review(1, "2026-03-02T00:00:00Z")],
            "averageRating": 4.5,
            "totalReviewCount": 12,
            "nextPageToken": "x",
        }
    )

    checks = client.check(LOCATION)

    assert [check.ok for check in checks] == [True, True, True]
    assert "Signed in to Google" in checks[0].message
    assert f"Reviews of {LOCATION} can be read (12 reviews, 4.5★)" in checks[1].message
    assert "Replying was not tried" in checks[2].message


def test_check_lines_for_an_account_without_permission(client, httpserver):
    signs_in(httpserver)
    httpserver.expect_request(REVIEWS, query_string={"pageSize": "1"}).respond_with_json(
        google_error(403, "PERMISSION_DENIED", "The caller does not have permission"),
        status=403,
    )

    checks = client.check(LOCATION)

    assert [check.ok for check in checks] == [True, False]
    assert checks[1].message.startswith(
        f"The sign-in works, but this account may not read {LOCATION}"
    )


def test_check_for_a_revoked_sign_in(client, httpserver):
    httpserver.expect_request("/token", method="POST").respond_with_json(
        {"error": "invalid_grant", "error_description": "Token has been expired or revoked."},
        status=400,
    )

    (check,) = client.check(LOCATION)

    assert not check.ok and "reconnect" in check.message
    assert_no_secret(check.message)


def test_check_before_the_owner_signed_in(httpserver, access):
    unsigned = Access(access.config, {"client_secret": CLIENT_SECRET}, access.base_url)

    (check,) = PLATFORM.client(unsigned).check(LOCATION)

    assert not check.ok and "not signed in to Google yet" in check.message
    assert httpserver.log == []


def test_check_a_target_that_is_not_a_location(client, httpserver):
    signs_in(httpserver)

    checks = client.check("my bakery")

    assert [check.ok for check in checks] == [True, False]
    assert "accounts/123/locations/456" in checks[1].message


# Locations the sign-in can read


def test_list_targets_lists_every_location_of_every_account(client, httpserver):
    signs_in(httpserver)
    accounts = {"pageSize": "20"}
    httpserver.expect_request(
        "/v1/accounts", query_string=accounts, headers=BEARER
    ).respond_with_json(
        {
            "accounts": [{"name": "accounts/111", "accountName": "Ana", "type": "PERSONAL"}],
            "nextPageToken": "more",
        }
    )
    httpserver.expect_request(
        "/v1/accounts", query_string={**accounts, "pageToken": "more"}, headers=BEARER
    ).respond_with_json(
        {
            "accounts": [
                {"name": "accounts/333", "accountName": "Bakeries", "type": "LOCATION_GROUP"}
            ]
        }
    )
    locations = {"pageSize": "100", "readMask": "name,title"}
    httpserver.expect_request(
        "/v1/accounts/111/locations", query_string=locations, headers=BEARER
    ).respond_with_json({"locations": [{"name": "locations/222", "title": "Bakery on Main St"}]})
    httpserver.expect_request(
        "/v1/accounts/333/locations", query_string=locations, headers=BEARER
    ).respond_with_json({"locations": [{"name": "locations/444", "title": "Harbour Café"}]})

    targets = client.list_targets()

    assert [(t.value, t.label) for t in targets] == [
        (LOCATION, f"Bakery on Main St ({LOCATION})"),
        ("accounts/333/locations/444", "Harbour Café (accounts/333/locations/444)"),
    ]


def test_list_targets_of_an_account_without_locations(client, httpserver):
    signs_in(httpserver)
    httpserver.expect_request("/v1/accounts").respond_with_json(
        {"accounts": [{"name": "accounts/111", "accountName": "Ana", "type": "PERSONAL"}]}
    )
    httpserver.expect_request("/v1/accounts/111/locations").respond_with_json({})

    assert client.list_targets() == []


# Signing in (OAuth 2.0 authorization code flow)


def test_the_sign_in_link_asks_for_offline_business_profile_access():
    url = PLATFORM.oauth.authorize_url(
        {"client_id": CLIENT_ID}, "https://rw.example/connections/oauth/", "st4te"
    )

    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == (
        "https://accounts.google.com/o/oauth2/v2/auth"
    )
    assert parse_qs(parts.query) == {
        "client_id": [CLIENT_ID],
        "redirect_uri": ["https://rw.example/connections/oauth/"],
        "response_type": ["code"],
        "scope": ["https://www.googleapis.com/auth/business.manage"],
        "access_type": ["offline"],
        "prompt": ["consent"],
        "state": ["st4te"],
    }


CODE_FORM = {
    "code": "4/0AcodeFromGoogle",
    "client_id": CLIENT_ID,
    "client_secret": CLIENT_SECRET,
    "redirect_uri": "https://rw.example/connections/oauth/",
    "grant_type": "authorization_code",
}


def test_signing_in_keeps_the_refresh_token(httpserver, access):
    httpserver.expect_request("/token", method="POST", data_form=CODE_FORM).respond_with_json(
        {
            "access_token": ACCESS_TOKEN,
            "expires_in": 3599,
            "refresh_token": REFRESH_TOKEN,
            "scope": SCOPE,
            "token_type": "Bearer",
        }
    )

    kept = PLATFORM.oauth.exchange_code(access, CODE_FORM["code"], CODE_FORM["redirect_uri"])

    assert kept == {"refresh_token": REFRESH_TOKEN}


@pytest.mark.parametrize(
    ("status", "error", "kind", "words"),
    [
        (400, "invalid_grant", "invalid", "sign-in code"),
        (400, "redirect_uri_mismatch", "invalid", "Authorized redirect URIs"),
        (401, "invalid_client", "credentials", "client ID and secret"),
    ],
)
def test_a_refused_sign_in_says_why(httpserver, access, status, error, kind, words):
    httpserver.expect_request("/token", method="POST", data_form=CODE_FORM).respond_with_json(
        {"error": error, "error_description": "Bad Request"}, status=status
    )

    with pytest.raises(PlatformError) as raised:
        PLATFORM.oauth.exchange_code(access, CODE_FORM["code"], CODE_FORM["redirect_uri"])

    assert raised.value.kind == kind and words in raised.value.message
    assert_no_secret(raised.value.message, repr(raised.value))


def test_a_sign_in_without_a_refresh_token_is_refused(httpserver, access):
    httpserver.expect_request("/token", method="POST", data_form=CODE_FORM).respond_with_json(
        {"access_token": ACCESS_TOKEN, "expires_in": 3599, "token_type": "Bearer"}
    )

    with pytest.raises(PlatformError) as raised:
        PLATFORM.oauth.exchange_code(access, CODE_FORM["code"], CODE_FORM["redirect_uri"])

    assert raised.value.kind == "malformed" and "no refresh token" in raised.value.message


# The connection form


def form(data: dict, connection=None):
    return PLATFORM.form(data={"name": "Bakery", **data}, connection=connection)


def test_the_form_keeps_the_client_id_in_config_and_the_secret_in_secrets():
    valid = form({"client_id": f"  {CLIENT_ID} ", "client_secret": CLIENT_SECRET})

    assert valid.is_valid(), valid.errors
    config, secrets, hint = valid.credentials({})
    assert config == {"client_id": CLIENT_ID}
    assert secrets == {"client_secret": CLIENT_SECRET}
    assert hint == "OAuth client 123456789012…, secret …ests"
    assert_no_secret(hint)


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"client_id": "my-project-123"}, "client_id", "This is not an OAuth client ID"),
        ({"client_secret": '{"web": {"client_id": "x"}}'}, "client_secret", "downloaded JSON"),
        ({"client_secret": CLIENT_ID}, "client_secret", "This is the client ID"),
        ({"client_secret": "not a secret"}, "client_secret", "This is not an OAuth client secret"),
        ({"client_secret": ""}, "client_secret", "This field is required"),
    ],
)
def test_the_form_explains_bad_credentials(data, field, message):
    invalid = form({"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, **data})

    assert not invalid.is_valid()
    assert message in " ".join(invalid.errors[field])
    assert_no_secret(str(invalid.errors))


class StoredConnection:
    config = {"client_id": CLIENT_ID}


def test_editing_with_the_secret_left_blank_keeps_the_sign_in():
    stored = {"client_secret": CLIENT_SECRET, "refresh_token": REFRESH_TOKEN}
    edited = form({"client_id": CLIENT_ID, "client_secret": ""}, StoredConnection())

    assert edited.is_valid(), edited.errors
    assert edited.credentials(stored)[1] == stored


def test_another_oauth_client_needs_a_new_sign_in():
    stored = {"client_secret": CLIENT_SECRET, "refresh_token": REFRESH_TOKEN}
    other = "999999999999-zzzz.apps.googleusercontent.com"
    edited = form(
        {"client_id": other, "client_secret": "GOCSPX-AnotherSecretValue1"}, StoredConnection()
    )

    assert edited.is_valid(), edited.errors
    assert edited.credentials(stored)[1] == {"client_secret": "GOCSPX-AnotherSecretValue1"}


def test_secrets_stay_out_of_the_logs(client, httpserver, caplog):
    caplog.set_level("DEBUG")
    signs_in(httpserver)
    expect_reviews(httpserver, {"reviews": [review(1, "2026-03-02T00:00:00Z")]})

    client.read_reviews(LOCATION, SINCE)

    assert caplog.records  # the HTTP libraries did log the calls
    assert_no_secret(caplog.text)
