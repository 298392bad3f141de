"""Honest response times: only a posted reply is an answer, a reopened case is a new complaint
with a new due time, and a relapse reopens the case and alerts in red."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from monitors.models import Source
from monitors.polling import poll_source_now
from responses.cases import Change, change_case
from responses.followups import Outcome, resolved_with
from responses.models import Case, OwnerAlert
from reviewwatch.celery import app as celery_app
from tests.responses.test_followups import post_reply, render_case_panel, serve_reviews
from tests.responses.test_replies import configure, make_case
from tests.rss import Item, rss_feed

pytestmark = pytest.mark.django_db
ANGRY = "Terrible, it broke after a day. Awful service."


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run what a committed change queues (alert emails) in-process."""
    celery_app.conf.task_always_eager = True
    yield lambda: django_capture_on_commit_callbacks(execute=True)
    celery_app.conf.task_always_eager = False


def test_reports_count_only_posted_replies_as_answered_in_public(owner, owner_client):
    configure()
    resolved, dismissed, bulk_resolved, answered = (make_case() for _ in range(4))
    change_case(resolved.pk, resolved.version, owner, resolved_with(Outcome.COULD_NOT_RESOLVE))
    change_case(
        dismissed.pk,
        dismissed.version,
        owner,
        Change(status=Case.Status.DISMISSED, dismiss_reason=Case.DismissReason.SPAM),
    )
    owner_client.post(
        reverse("cases_bulk"),
        {"action": "resolve", "cases": f"{bulk_resolved.pk}:{bulk_resolved.version}"},
    )
    post_reply(answered, owner)
    page = owner_client.get(reverse("reports"), {"section": "answering"}).content.decode()
    assert 'data-report="answered">1<' in page
    assert Case.objects.filter(status=Case.Status.RESOLVED).count() == 2
    assert list(Case.objects.filter(responded=True)) == [answered]


def test_same_author_again_reopens_the_case_with_a_new_due_time_and_the_new_complaint_on_top(
    httpserver, owner, owner_client, committed
):
    configure()
    httpserver.expect_ordered_request("/feed").respond_with_data(
        rss_feed([Item("r1", "Broken lamp", ANGRY, author="Dana")])
    )
    httpserver.expect_ordered_request("/feed").respond_with_data(
        rss_feed(
            [
                Item("r1", "Broken lamp", ANGRY, author="Dana"),
                Item(
                    "r2", "Replacement broke too", "Useless, the new one is broken too.", "", "Dana"
                ),
            ]
        )
    )
    source = Source.objects.create(name="Shop", url=httpserver.url_for("/feed"))
    with committed():
        poll_source_now(source.pk)
    case = Case.objects.get()
    post_reply(case, owner)
    case.refresh_from_db()
    change_case(case.pk, case.version, owner, resolved_with(Outcome.SATISFIED))
    Case.objects.filter(pk=case.pk).update(due_at=timezone.now() - timezone.timedelta(days=2))
    with committed():
        poll_source_now(source.pk)
    case.refresh_from_db()
    assert case.status == Case.Status.NEW and case.outcome == "" and not case.responded
    assert case.due_at > timezone.now()
    page = owner_client.get(reverse("case", args=[case.pk])).content.decode()
    top = page.index("data-reopened")
    assert top < page.index("As posted")
    assert "the new one is broken too" in page[top : page.index("As posted")]


def test_relapse_reopens_the_case_and_alerts_assignee_and_owners_in_red(
    httpserver, owner, staff, smtp_server, committed
):
    configure()
    dana = {"id": "r1", "author": "Dana"}
    serve_reviews(httpserver, [{**dana, "stars": 1, "text": "Broke in a week. Terrible."}])
    source = Source.objects.create(name="Shop", kind="review_page", url=httpserver.url_for("/lamp"))
    with committed():
        poll_source_now(source.pk)
    case = Case.objects.get()
    change_case(case.pk, case.version, owner, Change(assignee=staff))
    post_reply(case, owner)
    serve_reviews(httpserver, [{**dana, "stars": 5, "text": "They replaced it. Great service!"}])
    with committed():
        poll_source_now(source.pk)
    case.refresh_from_db()
    change_case(case.pk, case.version, owner, resolved_with(Outcome.REVIEW_UPDATED))
    assert smtp_server.messages == []  # a recovery is good news, no alert
    serve_reviews(httpserver, [{**dana, "stars": 1, "text": "Broke again. Never again."}])
    with committed():
        poll_source_now(source.pk)
    case.refresh_from_db()
    assert case.status == Case.Status.NEW and case.outcome == "" and case.due_at > timezone.now()
    assert sorted(m["To"] for m in smtp_server.messages) == [
        "alice@example.com",
        "bob@example.com",
    ]
    message = smtp_server.messages[0]
    assert smtp_server.subject(message).startswith("Relapse: Dana dropped back to 1★")
    assert "#b3261e" in smtp_server.html(message) and "Broke again" in smtp_server.text(message)
    assert OwnerAlert.objects.get().kind == OwnerAlert.Kind.RELAPSE
    panel = render_case_panel(case, owner)
    assert panel.count("data-relapse") == 1 and "Relapse: 5★ → 1★" in panel
    assert panel.count("data-review-update") == 2  # the green recovery card stays as it was
