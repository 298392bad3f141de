"""One message, every channel: one approval answers every linked case, through Google Play (its
contract server) where the review came from there and approved for posting by hand elsewhere;
each case once, however often the task runs."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
import redis
from django.conf import settings
from django.db import connection
from django.utils import timezone

from monitors.models import Mention
from responses.cases import open_case
from responses.incident_replies import approve, post_to_cases, propose
from responses.incidents import IncidentError
from responses.models import (
    IncidentPosting,
    PlatformPost,
    ReplyDecision,
    ReplyDraft,
    ReplySettings,
    ReplyVersion,
)
from responses.tasks import post_incident_reply
from tests.platforms.conftest import PACKAGE, play, play_connection, play_source  # noqa: F401
from tests.platforms.google_play_contract import PlayReview
from tests.queued import run_queued_tasks
from tests.responses.test_cases_opening import make_mention
from tests.responses.test_incidents import declare_login_outage

pytestmark = pytest.mark.django_db(transaction=True)
ON_PLAY, ELSEWHERE = 5, 25
REPLY = (
    "Hi {author}, thank you for telling us, and we're sorry: login is failing for many of you "
    "right now. We are fixing it and will update you here. Please write to help@bakery.example "
    "if you need us. — Bakery"
)


@pytest.fixture
def incident(play, play_source, owner):  # noqa: F811
    reply_settings = ReplySettings.current()
    reply_settings.contact = "help@bakery.example"
    reply_settings.save()
    since = timezone.now() - timedelta(minutes=30)
    for number in range(ON_PLAY):
        review = PlayReview(
            review_id=f"gp:login-{number}",
            author=f"Player {number}",
            text="Login\tThe login screen never finishes loading.",
            stars=1,
            modified=since,
        )
        play.add(PACKAGE, review)
        mention = make_mention(
            source=play_source,
            external_id=review.review_id,
            author=review.author,
            text="The login screen never finishes loading.",
            first_seen_at=since,
        )
        open_case(mention)
    for number in range(ELSEWHERE):
        mention = make_mention(author=f"Web {number}", text="Cannot login to my account today.")
        open_case(mention)
    declared = declare_login_outage(owner, script=None)
    redis.Redis.from_url(settings.CELERY_BROKER_URL).delete("celery")  # the owners' alert
    return declared


def test_one_approved_reply_is_recorded_on_30_linked_cases_exactly_once_under_a_retried_task(
    incident,
    play,  # noqa: F811
    owner,
    staff,
):
    written = propose(incident, staff, REPLY)
    assert written.state == "pending" and not IncidentPosting.objects.exists()

    approve(written, owner)
    with pytest.raises(IncidentError, match="already approved"):
        approve(written, owner)  # a double click approves once
    first_run = run_queued_tasks()
    assert first_run.count("responses.tasks.post_incident_reply") == 1
    assert first_run.count("responses.tasks.send_platform_post") == ON_PLAY
    post_incident_reply.delay(written.pk)  # the task delivered again, as a retry would
    again = run_queued_tasks()
    assert again.count("responses.tasks.post_incident_reply") == 1
    assert "responses.tasks.send_platform_post" not in again  # nothing more to send
    assert post_incident_reply.apply(args=[written.pk]).get() == 0

    postings = IncidentPosting.objects.filter(reply=written)
    assert postings.count() == ON_PLAY + ELSEWHERE == 30
    outcomes = sorted(postings.values_list("outcome", flat=True))
    assert outcomes == ["manual"] * ELSEWHERE + ["platform"] * ON_PLAY
    assert ReplyDraft.objects.count() == 30 and ReplyVersion.objects.count() == 30
    approvals = ReplyDecision.objects.filter(kind=ReplyDecision.Kind.APPROVED, actor=owner)
    assert approvals.count() == 30
    assert sorted(review for _, review, _ in play.replies_posted) == [
        f"gp:login-{n}" for n in range(ON_PLAY)
    ]
    assert all(text.startswith("Hi Player ") for _, _, text in play.replies_posted)
    assert PlatformPost.objects.filter(state=PlatformPost.State.PUBLISHED).count() == ON_PLAY
    on_play = Mention.objects.filter(source__kind="google_play")
    assert all(m.case.responded and m.case.status == "awaiting" for m in on_play)
    web = ReplyDraft.objects.exclude(case__mention__source__kind="google_play")
    assert set(web.values_list("state", flat=True)) == {ReplyDraft.State.APPROVED}
    assert web.first().versions.get().text.startswith("Hi Web ")
    assert list(incident.events.filter(kind="replies_posted").values_list("count", flat=True)) == [
        30
    ]


def test_a_case_with_its_own_reply_waiting_keeps_it(incident, owner, staff):
    own = ReplyDraft.objects.create(
        case=Mention.objects.get(author="Web 0").case, created_by=staff, state="pending"
    )
    own.versions.create(number=1, text="Hi Web 0, sorry for the login trouble.", author=staff)
    written = propose(incident, owner, REPLY)  # an owner's reply is approved at once
    assert written.state == "approved"
    post_to_cases(written.pk)
    skipped = IncidentPosting.objects.get(outcome="skipped")
    assert skipped.case == own.case and skipped.detail == "It has its own reply waiting."
    assert own.versions.count() == 1


def test_two_deliveries_of_the_task_at_once_answer_each_case_once(incident, owner):
    written = propose(incident, owner, REPLY)
    redis.Redis.from_url(settings.CELERY_BROKER_URL).delete("celery")
    counts: list[int] = []

    def deliver() -> None:
        try:
            counts.append(post_to_cases(written.pk))
        finally:
            connection.close()

    workers = [threading.Thread(target=deliver) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert sum(counts) == 30
    assert IncidentPosting.objects.count() == 30
    assert ReplyVersion.objects.count() == 30 and ReplyDraft.objects.count() == 30
    assert PlatformPost.objects.count() == ON_PLAY
