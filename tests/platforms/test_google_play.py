"""Google Play through its Developer API, against the local contract server in
tests/platforms/google_play_contract.py (built from Google's reference, cited there)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from werkzeug import Response

from monitors.platforms import google_play
from monitors.platforms.base import Access, PlatformError, PublicReply
from tests.platforms.google_play_contract import (
    PRIVATE_PEM,
    GooglePlayContract,
    PlayReview,
    google_error,
    service_account_key,
)

PACKAGE = "com.bakery.orders"
NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


def client_for(play: GooglePlayContract, **config: str) -> google_play.GooglePlayClient:
    access = Access(
        config=config, secrets={"service_account": service_account_key()}, base_url=play.base_url
    )
    return google_play.GooglePlayClient(access)


def review(n: int, *, stars: int = 2, minutes_ago: int = 0, text: str = "") -> PlayReview:
    return PlayReview(
        review_id=f"gp:AOqpTO{n}",
        author=f"Reviewer {n}",
        text=text or f"Slow checkout\tThe app froze at payment, attempt {n}.",
        stars=stars,
        modified=NOW - timedelta(minutes=minutes_ago),
    )


def test_reads_every_recent_review_across_pages_newest_first(play):
    for n in range(230):
        play.add(PACKAGE, review(n, minutes_ago=n))
    batch = client_for(play).read_reviews(PACKAGE, since=None)
    assert [r.external_id for r in batch.records[:2]] == ["gp:AOqpTO0", "gp:AOqpTO1"]
    assert len(batch.records) == 230
    assert batch.requests == 3 and play.page_size_seen == [100, 100, 100]
    assert batch.cursor == NOW


def test_reviews_are_read_as_written_unless_a_translation_language_is_set(play):
    play.add(PACKAGE, review(1))
    client_for(play).read_reviews(PACKAGE, since=None)
    client_for(play, translation_language="pt-BR").read_reviews(PACKAGE, since=None)
    assert play.languages_seen == [None, "pt-BR"]


def test_a_review_keeps_its_title_body_stars_author_time_and_the_public_reply(play):
    item = play.add(PACKAGE, review(1, stars=1))
    item.reply, item.reply_modified = "Sorry about that, fixed in 4.2.1.", NOW
    [record] = client_for(play).read_reviews(PACKAGE, since=None).records
    assert record.title == "Slow checkout"
    assert record.text == "The app froze at payment, attempt 1."
    assert record.rating == Decimal(1) and record.author == "Reviewer 1"
    assert record.published_at == NOW and record.url == ""
    assert record.replies_known
    assert record.reply == PublicReply("Sorry about that, fixed in 4.2.1.", NOW)


def test_a_review_without_a_title_is_all_body(play):
    play.add(PACKAGE, review(1, text="Crashes on start"))
    [record] = client_for(play).read_reviews(PACKAGE, since=None).records
    assert (record.title, record.text) == ("", "Crashes on start")


def test_a_poll_reads_only_what_was_written_or_edited_since_the_cursor(play):
    for n in range(150):
        play.add(PACKAGE, review(n, minutes_ago=10 + n))
    edited = play.review(PACKAGE, "gp:AOqpTO120")
    edited.text, edited.stars, edited.modified = "Fixed\tWorks now, thanks!", 5, NOW
    batch = client_for(play).read_reviews(PACKAGE, since=NOW - timedelta(minutes=12))
    assert [r.external_id for r in batch.records] == ["gp:AOqpTO120", "gp:AOqpTO0", "gp:AOqpTO1"]
    assert batch.records[0].rating == Decimal(5)
    assert batch.requests == 1 and batch.cursor == NOW


def test_nothing_new_keeps_the_cursor(play):
    play.add(PACKAGE, review(1, minutes_ago=30))
    since = NOW - timedelta(minutes=5)
    batch = client_for(play).read_reviews(PACKAGE, since=since)
    assert batch.records == [] and batch.cursor == since


def test_a_reply_is_posted_and_confirmed_by_google(play):
    play.add(PACKAGE, review(7))
    reply = client_for(play).post_reply(PACKAGE, "gp:AOqpTO7", "Thank you, and sorry.")
    assert play.replies_posted == [(PACKAGE, "gp:AOqpTO7", "Thank you, and sorry.")]
    assert reply.text == "Thank you, and sorry." and reply.state == "published"
    assert reply.updated_at is not None
    assert client_for(play).find_reply(PACKAGE, "gp:AOqpTO7").text == "Thank you, and sorry."


def test_an_edit_replaces_the_reply_and_delete_is_refused_plainly(play):
    play.add(PACKAGE, review(7))
    client = client_for(play)
    first = client.post_reply(PACKAGE, "gp:AOqpTO7", "Sorry.")
    client.edit_reply(PACKAGE, "gp:AOqpTO7", first, "Sorry, fixed in 4.2.1.")
    assert play.review(PACKAGE, "gp:AOqpTO7").reply == "Sorry, fixed in 4.2.1."
    with pytest.raises(PlatformError) as refused:
        client.delete_reply(PACKAGE, "gp:AOqpTO7", first)
    assert refused.value.kind == "invalid" and "Play Console" in refused.value.message
    assert not google_play.PLATFORM.can_delete_reply


def test_find_reply_is_none_before_anyone_answered(play):
    play.add(PACKAGE, review(3))
    assert client_for(play).find_reply(PACKAGE, "gp:AOqpTO3") is None


def test_a_reply_over_350_characters_is_refused_before_any_request(play):
    play.add(PACKAGE, review(7))
    with pytest.raises(PlatformError) as refused:
        client_for(play).post_reply(PACKAGE, "gp:AOqpTO7", "x" * 351)
    assert refused.value.kind == "too_long" and "350" in refused.value.message
    assert play.replies_posted == [] and len(play.server.log) == 0


def test_a_revoked_key_is_a_credentials_failure_naming_the_account(play):
    play.key_revoked = True
    with pytest.raises(PlatformError) as refused:
        client_for(play).read_reviews(PACKAGE, since=None)
    assert refused.value.kind == "credentials"
    assert "reviews@bakery-app.iam.gserviceaccount.com" in refused.value.message
    assert "invalid_grant" in refused.value.message
    assert "PRIVATE KEY" not in refused.value.message


@pytest.mark.parametrize(
    ("answer", "kind"),
    [
        (
            google_error(403, "The caller does not have permission", "PERMISSION_DENIED"),
            "permission",
        ),
        (google_error(404, "No application was found.", "NOT_FOUND"), "not_found"),
        (google_error(500, "Internal error.", "INTERNAL"), "transient"),
        (Response("<html>oops</html>", status=200, content_type="text/html"), "malformed"),
    ],
)
def test_each_failure_says_what_kind_it_is(play, answer, kind):
    play.add(PACKAGE, review(1))
    play.answer_next.append(answer)
    with pytest.raises(PlatformError) as refused:
        client_for(play).read_reviews(PACKAGE, since=None)
    assert refused.value.kind == kind


def test_quota_exhausted_says_when_to_come_back(play):
    play.add(PACKAGE, review(1))
    busy = google_error(429, "Quota exceeded for quota metric 'Queries'.", "RESOURCE_EXHAUSTED")
    busy.headers["Retry-After"] = "120"
    play.answer_next.append(busy)
    with pytest.raises(PlatformError) as refused:
        client_for(play).read_reviews(PACKAGE, since=None)
    assert refused.value.kind == "quota" and "Quota exceeded" in refused.value.message
    wait = refused.value.retry_at - datetime.now(UTC)
    assert timedelta(seconds=100) < wait <= timedelta(seconds=120)


def test_test_connection_says_the_key_works_and_the_app_is_reachable(play):
    play.add(PACKAGE, review(1))
    checks = client_for(play).check(PACKAGE)
    assert all(check.ok for check in checks)
    assert "may read and reply to reviews of com.bakery.orders" in checks[-1].message


def test_test_connection_names_the_missing_permission(play):
    play.add(PACKAGE, review(1))
    play.may_reply.discard(PACKAGE)
    first, second = client_for(play).check(PACKAGE)
    assert first.ok and not second.ok
    assert second.message.startswith(
        "The key is valid, but this service account may not reply to reviews of com.bakery.orders"
    )


def test_test_connection_with_a_revoked_key_stops_at_the_key(play):
    play.key_revoked = True
    [check] = client_for(play).check(PACKAGE)
    assert not check.ok and "refused the service-account key" in check.message


def test_test_connection_names_an_unknown_app(play):
    checks = client_for(play).check("com.nobody.here")
    assert not checks[-1].ok and "no app com.nobody.here" in checks[-1].message


def key_upload(content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile("key.json", content, content_type="application/json")


@pytest.mark.parametrize(
    ("content", "error"),
    [
        (b"\x89PNG\r\n", "This is not a JSON file."),
        (b'{"type": "authorized_user"}', "This is not a service-account JSON key"),
        (
            json.dumps(service_account_key() | {"private_key": "-----BEGIN nonsense"}).encode(),
            "its private key is unreadable",
        ),
    ],
)
def test_the_form_says_what_is_wrong_with_a_key_file(content, error):
    form = google_play.GooglePlayForm(
        {"name": "Play"}, {"service_account_key": key_upload(content)}
    )
    assert not form.is_valid()
    assert error in form.errors["service_account_key"][0]


def test_the_form_keeps_the_key_secret_and_names_it_by_account_and_key_id():
    upload = key_upload(json.dumps(service_account_key()).encode())
    form = google_play.GooglePlayForm({"name": "Play"}, {"service_account_key": upload})
    assert form.is_valid(), form.errors
    config, secrets, hint = form.credentials({})
    assert secrets["service_account"]["private_key"] == PRIVATE_PEM
    assert "PRIVATE" not in json.dumps(config) and "PRIVATE" not in hint
    assert hint == "reviews@bakery-app.iam.gserviceaccount.com, key …c3d2e1"


@pytest.mark.parametrize(("typed", "kept"), [("en", "en"), (" pt-BR ", "pt-BR"), ("", "")])
def test_the_form_keeps_a_translation_language_code(typed, kept):
    upload = key_upload(json.dumps(service_account_key()).encode())
    data = {"name": "Play", "translation_language": typed}
    form = google_play.GooglePlayForm(data, {"service_account_key": upload})
    assert form.is_valid(), form.errors
    assert form.credentials({})[0]["translation_language"] == kept


def test_the_form_refuses_a_translation_language_that_is_not_a_code():
    upload = key_upload(json.dumps(service_account_key()).encode())
    data = {"name": "Play", "translation_language": "English please"}
    form = google_play.GooglePlayForm(data, {"service_account_key": upload})
    assert not form.is_valid()
    assert form.errors["translation_language"] == ["Give a language code such as en, de or pt-BR."]
