"""Trustpilot against a local contract server built from Trustpilot's published API reference.

Requests are checked exactly (method, path, query, Authorization / apikey header, JSON or form
body); answers are shaped like the reference's examples:
  https://developers.trustpilot.com/business-units-api  (GET private reviews: page, perPage
      1..100, orderBy createdat.desc)
  https://developers.trustpilot.com/business-units-api-(public)  (business unit: score.trustScore,
      numberOfReviews.total)
  https://developers.trustpilot.com/service-reviews-api  (POST/DELETE /v1/private/reviews/{id}/reply
      with {"authorBusinessUserId", "message"}; GET /v1/reviews/{id} with companyReply)
  https://developers.trustpilot.com/grant-type-auth-code and .../authentication  (authorize URL,
      token and refresh endpoints, HTTP Basic with key:secret, form bodies, expires_in a string)
  https://developers.trustpilot.com/rate-limiting
"""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils import timezone

from monitors.models import Connection
from monitors.platforms import all_specs
from monitors.platforms.base import Access, PlatformError, PublicReply
from monitors.platforms.trustpilot import PLATFORM, TrustpilotClient, TrustpilotForm
from monitors.platforms.trustpilot_auth import authorize_url, exchange_code

API_KEY = "Tp4pIk3yAbCdEfGh1234567890abcdEF"
API_SECRET = "s3cretTPs3cretTPs3cretTP9876"
USER = "5a1b2c3d4e5f60718293a4b5"
UNIT = "507f191e810c19729de860ea"
ACCESS_TOKEN = "tpa-AAAAAAAAAAAAAAAAAAAAAAAA"
REFRESH_TOKEN = "tpr-RRRRRRRRRRRRRRRRRRRRRRRR"
BASIC = "Basic " + base64.b64encode(f"{API_KEY}:{API_SECRET}".encode()).decode()
BEARER = {"Authorization": f"Bearer {ACCESS_TOKEN}"}
APIKEY = {"apikey": API_KEY}
SINCE = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
LINKS = [
    {
        "href": "<Url for the resource>",
        "method": "<Http method for the resource>",
        "rel": "<Description of the relation>",
    }
]
BUSINESS_UNIT = {  # the reference's example answer
    "status": "active",
    "badFit": True,
    "displayName": "Trustpilot",
    "name": {
        "referring": ["trustpilot.com", "www.trustpilot.com"],
        "identifying": "trustpilot.com",
    },
    "links": LINKS,
    "country": "DK",
    "websiteUrl": "http://www.trustpilot.com",
    "score": {"trustScore": 4.6, "stars": 4.5},
    "numberOfReviews": {
        "threeStars": 2,
        "oneStar": 2,
        "twoStars": 3,
        "fiveStars": 2,
        "total": 14,
        "fourStars": 5,
        "usedForTrustScoreCalculation": 12,
    },
    "id": UNIT,
}


def stamp(moment: datetime) -> str:
    """Times as the reference writes them: "2013-09-07T13:37:00", UTC without an offset."""
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="seconds")


def review(
    review_id: str,
    created: datetime,
    updated: datetime | None = None,
    reply: dict | None = None,
    stars: int = 5,
) -> dict:
    return {
        "links": LINKS,
        "id": review_id,
        "consumer": {
            "displayLocation": "Frederiksberg, DK",
            "numberOfReviews": 1,
            "displayName": "John Doe",
            "id": "507f191e810c19729de8asd4",
            "links": LINKS,
        },
        "businessUnit": {
            "identifyingName": "trustpilot.com",
            "displayName": "Trustpilot",
            "id": UNIT,
        },
        "stars": stars,
        "title": "My review",
        "text": "This shop is great",
        "language": "da",
        "createdAt": stamp(created),
        "updatedAt": stamp(updated) if updated else None,
        "companyReply": reply,
        "isVerified": True,
        "numberOfLikes": 10,
        "status": "active",
        "referralEmail": "customer@example.com",
        "referenceId": "order-1234",
    }


def company_reply(text: str, created: datetime) -> dict:
    return {"text": text, "createdAt": stamp(created), "updatedAt": stamp(created)}


def page_query(page: int) -> dict[str, str]:
    return {"page": str(page), "perPage": "100", "orderBy": "createdat.desc"}


REVIEWS_PATH = f"/v1/private/business-units/{UNIT}/reviews"


@pytest.fixture
def server(httpserver):
    """The contract server; at the end every expected request was made and nothing else."""
    yield httpserver
    httpserver.check_assertions()
    assert not httpserver.ordered_handlers, "expected requests were not made"


def make_access(server, saved: list | None = None, **secrets) -> Access:
    kept = {
        "api_secret": API_SECRET,
        "access_token": ACCESS_TOKEN,
        "refresh_token": REFRESH_TOKEN,
        "expires_at": (timezone.now() + timedelta(hours=50)).isoformat(),
        **secrets,
    }
    return Access(
        config={"api_key": API_KEY, "business_user_id": USER},
        secrets={name: value for name, value in kept.items() if value is not None},
        base_url=server.url_for("").rstrip("/"),
        save_secrets=(saved if saved is not None else []).append,
    )


def client_for(server, **secrets) -> TrustpilotClient:
    return TrustpilotClient(make_access(server, **secrets))


def expect_page(server, page: int, reviews: list[dict]) -> None:
    server.expect_ordered_request(
        REVIEWS_PATH, method="GET", headers=BEARER, query_string=page_query(page)
    ).respond_with_json({"links": LINKS, "reviews": reviews})


def expect_business_unit(server) -> None:
    server.expect_ordered_request(
        f"/v1/business-units/{UNIT}", method="GET", headers=APIKEY
    ).respond_with_json(BUSINESS_UNIT)


def test_the_platform_is_registered():
    assert all_specs()["trustpilot"] is PLATFORM
    assert PLATFORM.target_label == "Business unit ID"


def test_reads_new_and_edited_reviews_since_the_cursor_across_pages(server):
    newest = [review(f"new-{n:03}", SINCE + timedelta(hours=200 - n)) for n in range(100)]
    second = [
        review("new-late", SINCE + timedelta(hours=1)),
        review("edited", SINCE - timedelta(days=3), updated=SINCE + timedelta(hours=2)),
        review("untouched", SINCE - timedelta(days=5), updated=SINCE - timedelta(days=5)),
        review(
            "answered-elsewhere",
            SINCE - timedelta(days=10),
            reply=company_reply("Thanks!", SINCE + timedelta(minutes=30)),
        ),
        # Older than the look-back: its edit is not seen, and no further page is read.
        review("too-old", SINCE - timedelta(days=20), updated=SINCE + timedelta(hours=5)),
    ]
    second += [review(f"older-{n}", SINCE - timedelta(days=21 + n)) for n in range(95)]
    expect_page(server, 1, newest)
    expect_page(server, 2, second)
    expect_business_unit(server)

    batch = client_for(server).read_reviews(UNIT, SINCE)

    ids = [record.external_id for record in batch.records]
    assert ids[:100] == [f"new-{n:03}" for n in range(100)]
    assert ids[100:] == ["edited", "new-late", "answered-elsewhere"]
    assert batch.cursor == SINCE + timedelta(hours=200)
    assert batch.requests == 3
    assert batch.aggregate.rating == Decimal("4.6")
    assert batch.aggregate.count == 14
    assert batch.warnings == []


def test_maps_stars_title_text_author_times_and_reply(server):
    written = datetime(2026, 3, 1, 8, 30, tzinfo=UTC)
    answered = datetime(2026, 3, 2, 9, 15, tzinfo=UTC)
    expect_page(
        server,
        1,
        [
            review("r-1", written, reply=company_reply("Sorry to hear that.", answered), stars=2),
            review("r-0", written - timedelta(days=1)),
        ],
    )
    expect_business_unit(server)

    batch = client_for(server).read_reviews(UNIT, None)

    first, second = batch.records
    assert first.external_id == "r-1"
    assert first.rating == Decimal(2)
    assert first.title == "My review"
    assert first.text == "This shop is great"
    assert first.author == "John Doe"
    assert first.published_at == written and first.published_at.tzinfo is not None
    assert first.url == ""  # the reference documents no public link to a review
    assert first.replies_known and second.replies_known
    assert first.reply == PublicReply(text="Sorry to hear that.", updated_at=answered)
    assert second.reply is None and second.rating == Decimal(5)
    assert batch.cursor == answered
    assert batch.requests == 2


def test_nothing_new_keeps_the_cursor(server):
    expect_page(server, 1, [review("old", SINCE - timedelta(days=1))])
    expect_business_unit(server)

    batch = client_for(server).read_reviews(UNIT, SINCE)

    assert batch.records == []
    assert batch.cursor == SINCE


def test_a_missing_trustscore_is_a_warning_not_a_failed_poll(server):
    expect_page(server, 1, [review("r-1", SINCE + timedelta(hours=1))])
    server.expect_ordered_request(
        f"/v1/business-units/{UNIT}", method="GET", headers=APIKEY
    ).respond_with_json({"fault": {"faultstring": "Service unavailable"}}, status=503)

    batch = client_for(server).read_reviews(UNIT, SINCE)

    assert [record.external_id for record in batch.records] == ["r-1"]
    assert batch.aggregate is None
    assert "Service unavailable" in batch.warnings[0]


def test_a_posted_reply_comes_back_with_trustpilots_confirmation(server):
    text = "Thank you, we have refunded the order."
    answered = datetime(2026, 3, 11, 9, 15, tzinfo=UTC)
    server.expect_ordered_request(
        "/v1/private/reviews/r-1/reply",
        method="POST",
        headers=BEARER,
        json={"authorBusinessUserId": USER, "message": text},
    ).respond_with_data("", status=201)
    server.expect_ordered_request(
        "/v1/reviews/r-1", method="GET", headers=APIKEY
    ).respond_with_json(review("r-1", SINCE, reply=company_reply(text, answered)))

    reply = client_for(server).post_reply(UNIT, "r-1", text)

    assert reply == PublicReply(text=text, updated_at=answered)


def test_a_reply_not_shown_yet_still_counts_as_posted(server):
    server.expect_ordered_request(
        "/v1/private/reviews/r-1/reply", method="POST", headers=BEARER
    ).respond_with_data("", status=201)
    server.expect_ordered_request(
        "/v1/reviews/r-1", method="GET", headers=APIKEY
    ).respond_with_json({"fault": {"faultstring": "Internal error"}}, status=500)
    before = timezone.now()

    reply = client_for(server).post_reply(UNIT, "r-1", "Thank you!")

    assert reply.text == "Thank you!" and reply.state == "published"
    assert before <= reply.updated_at <= timezone.now()


def test_find_reply_shows_the_reply_live_now(server):
    answered = datetime(2026, 3, 11, 9, 15, tzinfo=UTC)
    server.expect_ordered_request(
        "/v1/reviews/r-1", method="GET", headers=APIKEY
    ).respond_with_json(review("r-1", SINCE, reply={"text": "Hi", "createdAt": stamp(answered)}))
    server.expect_ordered_request(
        "/v1/reviews/r-2", method="GET", headers=APIKEY
    ).respond_with_json(review("r-2", SINCE))

    client = client_for(server)

    assert client.find_reply(UNIT, "r-1") == PublicReply(text="Hi", updated_at=answered)
    assert client.find_reply(UNIT, "r-2") is None


def test_a_reply_is_deleted_but_cannot_be_edited(server):
    server.expect_ordered_request(
        "/v1/private/reviews/r-1/reply", method="DELETE", headers=BEARER
    ).respond_with_data("", status=204)
    client = client_for(server)

    client.delete_reply(UNIT, "r-1", PublicReply(text="Old"))
    with pytest.raises(PlatformError) as refused:
        client.edit_reply(UNIT, "r-1", PublicReply(text="Old"), "New")

    assert refused.value.kind == "invalid"
    assert "cannot edit" in refused.value.message
    assert PLATFORM.can_edit_reply is False and PLATFORM.can_delete_reply is True


def test_a_too_long_reply_is_refused_before_any_request(server):
    with pytest.raises(PlatformError) as refused:
        client_for(server).post_reply(UNIT, "r-1", "x" * 4001)

    assert refused.value.kind == "too_long"
    assert "4,000 characters" in refused.value.message
    assert len(server.log) == 0


def test_sign_in_sends_the_owner_to_trustpilot_and_exchanges_the_code(server):
    redirect = "https://rw.example.com/connections/oauth/callback"
    url = authorize_url({"api_key": API_KEY}, redirect, "state-123")
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}" == "https://authenticate.trustpilot.com"
    assert parse_qs(parts.query) == {
        "client_id": [API_KEY],
        "redirect_uri": [redirect],
        "response_type": ["code"],
        "state": ["state-123"],
    }
    server.expect_ordered_request(
        "/v1/oauth/oauth-business-users-for-applications/accesstoken",
        method="POST",
        headers={"Authorization": BASIC, "Content-Type": "application/x-www-form-urlencoded"},
        data_form={"grant_type": "authorization_code", "code": "Code", "redirect_uri": redirect},
    ).respond_with_json(
        {"access_token": "tpa-first", "refresh_token": "tpr-first", "expires_in": "359999"}
    )

    before = timezone.now()
    tokens = exchange_code(
        make_access(server, access_token=None, refresh_token=None), "Code", redirect
    )

    assert tokens["access_token"] == "tpa-first" and tokens["refresh_token"] == "tpr-first"
    expires = datetime.fromisoformat(tokens["expires_at"])
    assert (
        before + timedelta(seconds=359999) <= expires <= timezone.now() + timedelta(seconds=359999)
    )


def test_a_token_near_its_end_is_renewed_once_and_kept(server):
    saved: list[dict] = []
    access = make_access(
        server, saved, expires_at=(timezone.now() + timedelta(minutes=10)).isoformat()
    )
    server.expect_ordered_request(
        "/v1/oauth/oauth-business-users-for-applications/refresh",
        method="POST",
        headers={"Authorization": BASIC, "Content-Type": "application/x-www-form-urlencoded"},
        data_form={"grant_type": "refresh_token", "refresh_token": REFRESH_TOKEN},
    ).respond_with_json(
        {
            "access_token": "tpa-renewed",
            "refresh_token": "tpr-renewed",
            "issued_at": "1740396560",
            "expires_in": "360000",
            "token_type": "BearerToken",
        }
    )
    for page in (1, 1):
        server.expect_ordered_request(
            REVIEWS_PATH,
            method="GET",
            headers={"Authorization": "Bearer tpa-renewed"},
            query_string=page_query(page),
        ).respond_with_json({"reviews": []})
        server.expect_ordered_request(
            f"/v1/business-units/{UNIT}", method="GET", headers=APIKEY
        ).respond_with_json(BUSINESS_UNIT)
    client = TrustpilotClient(access)

    first = client.read_reviews(UNIT, SINCE)
    client.read_reviews(UNIT, SINCE)

    assert first.requests == 3  # the renewal, the page, the business unit
    assert len(saved) == 1
    assert saved[0]["access_token"] == "tpa-renewed"
    assert saved[0]["refresh_token"] == "tpr-renewed"
    assert saved[0]["api_secret"] == API_SECRET
    assert datetime.fromisoformat(saved[0]["expires_at"]) > timezone.now() + timedelta(hours=99)


def test_a_fresh_token_is_not_renewed(server):
    saved: list[dict] = []
    expect_page(server, 1, [])
    expect_business_unit(server)

    TrustpilotClient(make_access(server, saved)).read_reviews(UNIT, SINCE)

    assert saved == []


def test_a_lapsed_sign_in_asks_the_owner_to_sign_in_again(server):
    server.expect_ordered_request(
        "/v1/oauth/oauth-business-users-for-applications/refresh", method="POST"
    ).respond_with_json({"error": "invalid_grant"}, status=400)
    client = client_for(server, expires_at=(timezone.now() - timedelta(hours=1)).isoformat())

    with pytest.raises(PlatformError) as refused:
        client.read_reviews(UNIT, SINCE)

    assert refused.value.kind == "credentials" and refused.value.stops_the_connection
    assert "Sign in with Trustpilot again" in refused.value.message
    for secret in (API_SECRET, REFRESH_TOKEN, ACCESS_TOKEN):
        assert secret not in refused.value.message


@pytest.mark.parametrize(
    ("status", "body", "kind", "words"),
    [
        (401, {"fault": {"faultstring": "Invalid access token"}}, "credentials", "Invalid access"),
        (403, {"fault": {"faultstring": "Forbidden"}}, "permission", "403"),
        (404, {"fault": {"faultstring": "Not found"}}, "not_found", "404"),
        (500, {"fault": {"faultstring": "Internal error"}}, "transient", "500"),
        (503, {"fault": {"faultstring": "Unavailable"}}, "transient", "503"),
    ],
)
def test_each_failure_says_what_the_owner_can_do(server, status, body, kind, words):
    server.expect_ordered_request(REVIEWS_PATH, method="GET").respond_with_json(body, status=status)

    with pytest.raises(PlatformError) as failed:
        client_for(server).read_reviews(UNIT, SINCE)

    assert failed.value.kind == kind
    assert words in failed.value.message
    for secret in (API_SECRET, ACCESS_TOKEN, REFRESH_TOKEN, API_KEY):
        assert secret not in failed.value.message


def test_rate_limit_gives_the_time_to_try_again(server):
    server.expect_ordered_request(REVIEWS_PATH, method="GET").respond_with_json(
        {"fault": {"faultstring": "Rate limit quota violation"}},
        status=429,
        headers={"Retry-After": "120"},
    )

    with pytest.raises(PlatformError) as failed:
        client_for(server).read_reviews(UNIT, SINCE)

    assert failed.value.kind == "quota"
    later = timezone.now() + timedelta(seconds=120)
    assert later - timedelta(seconds=10) <= failed.value.retry_at <= later


@pytest.mark.parametrize(
    "answer",
    ["<html>Gateway</html>", '{"reviews": "none"}', '{"reviews": [{"stars": 5}]}', "[1, 2]"],
)
def test_a_junk_answer_is_malformed(server, answer):
    server.expect_ordered_request(REVIEWS_PATH, method="GET").respond_with_data(
        answer, content_type="application/json"
    )

    with pytest.raises(PlatformError) as failed:
        client_for(server).read_reviews(UNIT, SINCE)

    assert failed.value.kind == "malformed"


def test_check_says_what_works_with_a_good_sign_in(server):
    expect_business_unit(server)
    expect_page(server, 1, [])

    checks = client_for(server).check(UNIT)

    assert all(check.ok for check in checks)
    messages = [check.message for check in checks]
    assert messages[0].startswith("Signed in at Trustpilot; the token is good until 20")
    assert f"finds Trustpilot ({UNIT})" in messages[1]
    assert "may read the reviews of Trustpilot" in messages[2]
    assert USER in messages[3]


def test_check_names_a_business_unit_this_user_may_not_answer(server):
    expect_business_unit(server)
    server.expect_ordered_request(REVIEWS_PATH, method="GET").respond_with_json(
        {"fault": {"faultstring": "Forbidden"}}, status=403
    )

    checks = client_for(server).check(UNIT)

    assert [check.ok for check in checks] == [True, True, False]
    assert checks[-1].message == (
        f"The sign-in is valid, but this business user may not read or answer the reviews of "
        f"Trustpilot ({UNIT})."
    )


def test_check_reports_an_unknown_business_unit_and_a_missing_sign_in(server):
    server.expect_ordered_request(
        f"/v1/business-units/{UNIT}", method="GET", headers=APIKEY
    ).respond_with_json({"fault": {"faultstring": "Not found"}}, status=404)

    unknown = client_for(server).check(UNIT)
    unsigned = client_for(server, access_token=None, refresh_token=None).check(UNIT)

    assert [check.ok for check in unknown] == [True, False]
    assert "no business unit" in unknown[-1].message
    assert [check.ok for check in unsigned] == [False]
    assert "Not signed in" in unsigned[0].message


def test_list_targets_is_empty_without_asking(server):
    assert client_for(server).list_targets() == []
    assert len(server.log) == 0


FORM = {
    "name": "Our Trustpilot",
    "api_key": API_KEY,
    "api_secret": API_SECRET,
    "business_user_id": USER,
}


def test_the_form_keeps_the_key_and_user_in_config_and_the_secret_hidden():
    form = TrustpilotForm(FORM)
    assert form.is_valid(), form.errors

    config, secrets, hint = form.credentials({})

    assert config == {"api_key": API_KEY, "business_user_id": USER}
    assert secrets == {"api_secret": API_SECRET}
    assert API_SECRET not in hint and hint.endswith(API_SECRET[-4:])


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("api_key", "not a key!", "This is not a Trustpilot API key"),
        ("business_user_id", "john@example.com", "This is not a Trustpilot business user ID"),
        ("api_secret", API_KEY, "This is the API key again"),
        ("api_secret", "two words", "The API secret has no spaces"),
    ],
)
def test_the_form_explains_bad_input(field, value, words):
    form = TrustpilotForm({**FORM, field: value})

    assert not form.is_valid()
    assert words in " ".join(form.errors[field])
    assert API_SECRET not in str(form.errors)


def test_editing_keeps_the_sign_in_unless_the_key_changes():
    stored = {
        "api_secret": API_SECRET,
        "access_token": ACCESS_TOKEN,
        "refresh_token": REFRESH_TOKEN,
    }
    connection = Connection(platform="trustpilot", config={"api_key": API_KEY})

    same = TrustpilotForm({**FORM, "api_secret": ""}, connection=connection)
    assert same.is_valid(), same.errors
    assert same.credentials(stored)[1] == stored

    new_key = "N3wK3yN3wK3yN3wK3yN3wK3y"
    blank = TrustpilotForm({**FORM, "api_key": new_key, "api_secret": ""}, connection=connection)
    assert not blank.is_valid()
    assert "Enter the API secret that goes with the new key" in blank.errors["api_secret"][0]

    other = TrustpilotForm(
        {**FORM, "api_key": new_key, "api_secret": "an0th3r"}, connection=connection
    )
    assert other.is_valid(), other.errors
    assert other.credentials(stored)[1] == {"api_secret": "an0th3r"}
