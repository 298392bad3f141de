"""An approved reply posted to Google Play (its contract server) exactly once: from the case page,
through the worker, surviving retries and a worker that died mid-post; the response clock stops
at Google's own confirmation; the owner can change the public wording."""

from __future__ import annotations

import signal
import threading
import time
from datetime import timedelta

import pytest
import redis
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from monitors.models import Connection, Mention
from monitors.polling import poll_source_now
from responses import posting
from responses.models import Case, PlatformPost, ReplyDraft, ReplySettings
from responses.replies import approve, save_draft, submit
from responses.tasks import send_platform_post
from tests.platforms.conftest import PACKAGE
from tests.platforms.google_play_contract import PlayReview, google_error
from tests.queued import run_queued_tasks

pytestmark = pytest.mark.django_db(transaction=True)
HTMX = {"HTTP_HX_REQUEST": "true"}
REPLY = (
    "Hi Dana, thank you for telling us, and sorry your order was cancelled. We have refunded it "
    "and fixed the status page. Please email us at help@bakery.example so we can put this right."
)


@pytest.fixture
def case(play, play_source, owner) -> Case:
    reply_settings = ReplySettings.current()
    reply_settings.contact = "help@bakery.example"
    reply_settings.save()
    play.add(
        PACKAGE,
        PlayReview(
            review_id="gp:AOqpTOdana",
            author="Dana",
            text="Cancelled\tMy order was cancelled after an hour of waiting.",
            stars=1,
            modified=timezone.now() - timedelta(minutes=10),
        ),
    )
    poll_source_now(play_source.pk)
    redis.Redis.from_url(settings.CELERY_BROKER_URL).delete("celery")  # what the poll queued
    return Case.objects.get(mention__external_id="gp:AOqpTOdana")


def approved(case: Case, staff, owner, text: str = REPLY) -> ReplyDraft:
    draft = submit(save_draft(case, staff, text).draft, staff)
    draft = approve(draft, owner, draft.versions.last().number)
    assert set(run_queued_tasks()) == {"responses.tasks.send_approval_emails"}  # told by email
    return draft


def post_from_the_case_page(client, case: Case) -> str:
    response = client.post(reverse("reply_platform_post", args=[case.pk]), **HTMX)
    assert response.status_code == 200
    return response.content.decode()


def test_staff_posts_the_approved_reply_and_google_has_it_once(play, case, staff, owner, client):
    approved(case, staff, owner)
    client.force_login(staff)
    page = client.get(reverse("case", args=[case.pk])).content.decode()
    assert "Post to Google Play" in page and "at most 350 characters" in page

    assert "Sending the reply to Google Play" in post_from_the_case_page(client, case)
    post_from_the_case_page(client, case)  # a double click
    assert run_queued_tasks() == ["responses.tasks.send_platform_post"] * 2

    assert play.replies_posted == [(PACKAGE, "gp:AOqpTOdana", REPLY)]
    post = PlatformPost.objects.get()
    assert post.state == PlatformPost.State.PUBLISHED
    case.refresh_from_db()
    confirmed = play.review(PACKAGE, "gp:AOqpTOdana").reply_modified
    assert case.status == Case.Status.AWAITING
    assert abs(case.first_responded_at - confirmed) < timedelta(milliseconds=1)
    assert ReplyDraft.objects.get().state == ReplyDraft.State.POSTED


def test_a_worker_that_died_after_google_took_the_reply_does_not_post_it_again(
    play, play_source, case, staff, owner
):
    draft = approved(case, staff, owner)
    post = posting.request(draft, staff, PlatformPost.Action.POST, draft.approved_version)
    claimed = posting.claim(post.pk, timezone.now())
    posting.client_for(play_source.connection).post_reply(PACKAGE, "gp:AOqpTOdana", REPLY)
    # ...and the worker died before recording it: its lease runs out, the task is redelivered.
    PlatformPost.objects.filter(pk=claimed.pk).update(lease_until=timezone.now() - timedelta(1))

    assert posting.send(post.pk).state == PlatformPost.State.PUBLISHED
    assert len(play.replies_posted) == 1
    assert Case.objects.get().responded


def test_a_post_held_by_a_live_worker_is_left_alone(play, case, staff, owner):
    draft = approved(case, staff, owner)
    post = posting.request(draft, staff, PlatformPost.Action.POST, draft.approved_version)
    posting.claim(post.pk, timezone.now())
    assert posting.send(post.pk) is None
    assert play.replies_posted == []


def test_google_failing_for_a_moment_keeps_the_reply_queued_until_it_goes_through(
    play, case, staff, owner
):
    draft = approved(case, staff, owner)
    post = posting.request(draft, staff, PlatformPost.Action.POST, draft.approved_version)
    play.answer_next.append(google_error(503, "The service is currently unavailable.", "UNAV"))
    first = posting.send(post.pk)
    assert first.state == PlatformPost.State.QUEUED and first.retry_at > timezone.now()
    assert "503" in first.error and not Case.objects.get().responded
    assert posting.send(post.pk).state == PlatformPost.State.PUBLISHED
    assert len(play.replies_posted) == 1


def test_a_revoked_key_fails_the_post_and_marks_the_connection_broken(play, case, staff, owner):
    draft = approved(case, staff, owner)
    post = posting.request(draft, staff, PlatformPost.Action.POST, draft.approved_version)
    play.key_revoked = True
    assert posting.send(post.pk).state == PlatformPost.State.FAILED
    assert Connection.objects.get().status == Connection.Status.BROKEN
    assert play.replies_posted == [] and not Case.objects.get().responded


def test_a_review_deleted_on_play_fails_the_post_saying_so(play, case, staff, owner, client):
    approved(case, staff, owner)
    play.apps[PACKAGE].clear()  # the customer deleted the review before we answered
    client.force_login(staff)
    post_from_the_case_page(client, case)
    run_queued_tasks()

    post = PlatformPost.objects.get()
    assert post.state == PlatformPost.State.FAILED and post.retry_at is None
    assert post.error.startswith("Google Play no longer has this review")
    assert "nothing was posted" in post.error
    page = client.get(reverse("case", args=[case.pk])).content.decode()
    assert "Post on Google Play failed:" in page and "no longer has this review" in page
    assert Connection.objects.get().status != Connection.Status.BROKEN
    assert play.replies_posted == [] and not Case.objects.get().responded


def test_a_quota_429_without_retry_after_waits_a_minute_and_then_posts(play, case, staff, owner):
    draft = approved(case, staff, owner)
    post = posting.request(draft, staff, PlatformPost.Action.POST, draft.approved_version)
    play.answer_next.append(google_error(429, "Quota exceeded for quota metric.", "EXHAUSTED"))
    before = timezone.now()
    waiting = posting.send(post.pk)
    after = timezone.now()
    assert waiting.state == PlatformPost.State.QUEUED and "429" in waiting.error
    assert before + timedelta(seconds=59) <= waiting.retry_at <= after + timedelta(seconds=61)
    assert Connection.objects.get().status != Connection.Status.BROKEN
    assert posting.send(post.pk).state == PlatformPost.State.PUBLISHED
    assert len(play.replies_posted) == 1


def test_a_reply_longer_than_play_takes_is_refused_on_the_page(play, case, staff, owner, client):
    approved(case, staff, owner, text=REPLY + " We are truly sorry." * 10)
    client.force_login(staff)
    page = post_from_the_case_page(client, case)
    assert "Google Play takes replies of at most 350 characters; this one has" in page
    assert not PlatformPost.objects.exists() and run_queued_tasks() == []


def test_the_owner_changes_the_public_wording_and_play_shows_it(
    play, case, staff, owner, owner_client
):
    approved(case, staff, owner)
    owner_client.post(reverse("reply_platform_post", args=[case.pk]), **HTMX)
    run_queued_tasks()
    better = REPLY.replace("We have refunded it", "We refunded it the same day")
    owner_client.post(reverse("reply_platform_edit", args=[case.pk]), {"text": better}, **HTMX)
    run_queued_tasks()
    assert play.review(PACKAGE, "gp:AOqpTOdana").reply == better
    assert ReplyDraft.objects.get().approved_version.text == better
    page = owner_client.post(reverse("reply_platform_delete", args=[case.pk]), **HTMX)
    assert "no way to delete a reply through its API" in page.content.decode()


def test_the_next_poll_confirms_the_reply_is_live(play, play_source, case, staff, owner):
    draft = approved(case, staff, owner)
    post = posting.request(draft, staff, PlatformPost.Action.POST, draft.approved_version)
    posting.send(post.pk)
    play.review(PACKAGE, "gp:AOqpTOdana").modified = timezone.now()  # Play lists it as modified
    poll_source_now(play_source.pk)
    assert PlatformPost.objects.get().live_seen_at is not None
    assert Mention.objects.get().platform_reply == REPLY


@pytest.mark.worker
def test_the_worker_process_posts_the_reply(play, case, staff, owner, client, worker_env, tmp_path):
    from tests.conftest import CeleryWorker

    key = settings.RW_CREDENTIALS_KEY or (settings.VAR_DIR / "credentials_key").read_text()
    worker = CeleryWorker(worker_env | {"RW_CREDENTIALS_KEY": key}, tmp_path / "worker.log")
    try:
        worker.wait_ready()
        approved(case, staff, owner)
        client.force_login(staff)
        post_from_the_case_page(client, case)
        deadline = time.monotonic() + 90
        while PlatformPost.objects.get().in_flight:
            assert time.monotonic() < deadline, worker.output()[-3000:]
            time.sleep(0.2)
    finally:
        worker.stop()
    assert PlatformPost.objects.get().state == PlatformPost.State.PUBLISHED
    assert play.replies_posted == [(PACKAGE, "gp:AOqpTOdana", REPLY)]


@pytest.mark.worker
def test_a_worker_killed_after_google_took_the_reply_never_posts_it_twice(
    play, case, staff, owner, worker_env, tmp_path
):
    from tests.conftest import CeleryWorker

    key = settings.RW_CREDENTIALS_KEY or (settings.VAR_DIR / "credentials_key").read_text()
    env = worker_env | {"RW_CREDENTIALS_KEY": key}
    taken = threading.Event()
    play.after_reply = lambda: (taken.set(), time.sleep(5))  # Google has it; no answer yet
    draft = approved(case, staff, owner)
    post = posting.request(draft, staff, PlatformPost.Action.POST, draft.approved_version)
    first = CeleryWorker(env, tmp_path / "first.log")
    first.wait_ready()
    send_platform_post.delay(post.pk)
    assert taken.wait(90), first.output()[-3000:]
    first.stop(signal.SIGKILL)  # between Google's acceptance and our commit
    assert PlatformPost.objects.get().state == PlatformPost.State.SENDING

    play.after_reply = None
    PlatformPost.objects.update(lease_until=timezone.now() - timedelta(seconds=1))  # it expired
    second = CeleryWorker(env, tmp_path / "second.log")
    second.wait_ready()
    try:
        send_platform_post.delay(post.pk)  # the redelivered task
        deadline = time.monotonic() + 90
        while PlatformPost.objects.get().in_flight:
            assert time.monotonic() < deadline, second.output()[-3000:]
            time.sleep(0.2)
    finally:
        second.stop()
    assert PlatformPost.objects.get().state == PlatformPost.State.PUBLISHED
    assert play.replies_posted == [(PACKAGE, "gp:AOqpTOdana", REPLY)]
    assert Case.objects.get().responded
