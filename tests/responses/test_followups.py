"""Follow-through: follow-ups due in the inbox and the digest, outcomes, the review updated after
our reply (from a real poll), the same author coming back, and blocking an author."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from django.template import Context, Template
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from monitors.models import BlockedAuthor, Mention, Source
from monitors.polling import poll_source_now
from monitors.signals import negative_mentions
from responses.cases import Change, change_case
from responses.digest_emails import summary_at
from responses.followups import Outcome, block_author, resolved_with, schedule_followup
from responses.models import Case, FollowUp, ReviewUpdate
from responses.replies import mark_posted, save_draft, submit
from tests.responses.test_cases_opening import make_source
from tests.responses.test_replies import HUMBLE, configure, make_case, make_mention

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def acme_settings():
    return configure()


def review_page(reviews: list[dict]) -> str:
    """A product page with schema.org JSON-LD reviews: dicts of id, author, stars, text (and
    published, an ISO date; today when left out)."""
    data = {
        "@context": "https://schema.org",
        "@type": "Product",
        "name": "Acme desk lamp",
        "review": [
            {
                "@type": "Review",
                "url": f"https://shop.example/reviews/{r['id']}",
                "author": {"@type": "Person", "name": r["author"]},
                "reviewRating": {"@type": "Rating", "ratingValue": r["stars"], "bestRating": 5},
                "reviewBody": r["text"],
                "datePublished": r.get("published", date.today().isoformat()),
            }
            for r in reviews
        ],
    }
    return (
        "<!doctype html><html><head><title>Acme desk lamp</title>"
        f'<script type="application/ld+json">{json.dumps(data)}</script></head>'
        "<body><h1>Acme desk lamp</h1></body></html>"
    )


def serve_reviews(httpserver, reviews: list[dict]) -> None:
    httpserver.clear_all_handlers()
    httpserver.expect_request("/robots.txt").respond_with_data("User-agent: *\nAllow: /\n")
    httpserver.expect_request("/lamp").respond_with_data(
        review_page(reviews), content_type="text/html; charset=utf-8"
    )


def post_reply(case: Case, user) -> None:
    draft = save_draft(case, user, HUMBLE).draft
    submit(draft, user)
    case.refresh_from_db()
    mark_posted(draft, user, case.version)


def render_due_panel(user) -> str:
    request = RequestFactory().get("/")
    request.user = user
    return Template("{% load replies_tags %}{% followups_due_panel request.user %}").render(
        Context({"request": request})
    )


# --- Follow-ups ------------------------------------------------------------------------------


def test_due_follow_ups_show_for_the_assignee_and_owners_only(staff, other_staff, owner):
    mine = make_case(author="Dana")
    change_case(mine.pk, mine.version, owner, Change(assignee=staff))
    schedule_followup(mine, staff, 0, "Did the replacement arrive?")
    later = make_case(author="Eli")
    change_case(later.pk, later.version, owner, Change(assignee=staff))
    schedule_followup(later, staff, 3, "Not due yet")
    assert "Did the replacement arrive?" in render_due_panel(staff)
    assert "Not due yet" not in render_due_panel(staff)
    assert "Follow-ups due" not in render_due_panel(other_staff)  # no empty panel
    assert "Did the replacement arrive?" in render_due_panel(owner)


def test_a_done_follow_up_leaves_the_inbox(staff_client, staff):
    case = make_case()
    followup = schedule_followup(case, staff, 0, "Check the refund")
    staff_client.post(reverse("followup_done", args=[case.pk, followup.pk]), **HTMX)
    followup.refresh_from_db()
    assert followup.done_by == staff
    assert "Check the refund" not in render_due_panel(staff)


def test_scheduling_from_the_panel_and_a_bad_number_of_days_is_explained(staff_client):
    case = make_case()
    url = reverse("followup_add", args=[case.pk])
    response = staff_client.post(url, {"days": "-2", "note": "keep me"}, **HTMX)
    html = response.content.decode()
    assert "greater than or equal to 0" in html and 'value="keep me"' in html
    staff_client.post(url, {"days": "3", "note": "Ask if the lamp works"}, **HTMX)
    followup = FollowUp.objects.get()
    assert timedelta(days=2, hours=23) < followup.due_at - timezone.now() <= timedelta(days=3)


def test_the_digest_summary_lists_the_readers_due_follow_ups(staff, other_staff, owner):
    case = make_case(author="Dana")
    change_case(case.pk, case.version, owner, Change(assignee=staff))
    schedule_followup(case, staff, 0, "Did the replacement arrive?")
    now = timezone.now() + timedelta(minutes=1)
    items = summary_at(now, staff).followups_due
    assert [(i["author"], i["note"]) for i in items] == [("Dana", "Did the replacement arrive?")]
    assert items[0]["link"].endswith(f"/cases/{case.pk}/")
    assert summary_at(now, other_staff).followups_due == []
    assert len(summary_at(now, owner).followups_due) == 1
    assert summary_at(now).followups_due == []


# --- Outcome ---------------------------------------------------------------------------------


def test_resolving_with_an_outcome_closes_the_case_in_one_place(staff_client, staff):
    case = make_case()
    url = reverse("case_status", args=[case.pk])
    data = {"version": case.version, "status": "resolved"}
    data |= {"outcome": Outcome.SATISFIED, "outcome_note": "Refund arrived"}
    response = staff_client.post(url, data, **HTMX)
    assert response.status_code == 200 and response["HX-Trigger"] == "case-changed"
    case.refresh_from_db()
    assert case.status == Case.Status.RESOLVED
    assert case.outcome == "Customer satisfied: Refund arrived"
    stale = staff_client.post(url, data, **HTMX)
    assert "Someone changed this case" in stale.content.decode()
    unknown = staff_client.post(url, {**data, "outcome": "Whatever"}, **HTMX)
    assert "Whatever is not one of the available choices" in unknown.content.decode()


# --- The review updated after our reply ------------------------------------------------------


def test_a_review_raised_from_1_to_5_stars_after_our_reply_suggests_review_updated(
    httpserver, owner, django_capture_on_commit_callbacks
):
    serve_reviews(
        httpserver,
        [{"id": "r1", "author": "Dana", "stars": 1, "text": "Broke in a week. Terrible."}],
    )
    source = Source.objects.create(
        name="Acme shop", kind="review_page", url=httpserver.url_for("/lamp")
    )
    assert poll_source_now(source.pk).status == "ok"
    case = Case.objects.get()
    post_reply(case, owner)
    serve_reviews(
        httpserver,
        [
            {
                "id": "r1",
                "author": "Dana",
                "stars": 5,
                "text": "They replaced it at once. Great service!",
            }
        ],
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert poll_source_now(source.pk).status == "ok"
    update = ReviewUpdate.objects.get(case=case)
    assert (update.old_rating, update.new_rating) == (1, 5)
    assert update.suggested_outcome == Outcome.REVIEW_UPDATED
    assert "replaced it at once" in update.new_text
    panel = render_case_panel(case, owner)
    assert "Recovered: 1★ → 5★ after our reply" in panel
    assert 'value="Review updated" selected' in case_page(case, owner)


def test_an_edit_before_any_reply_is_posted_is_not_a_review_update(
    httpserver, django_capture_on_commit_callbacks
):
    serve_reviews(httpserver, [{"id": "r1", "author": "Dana", "stars": 1, "text": "Broken."}])
    source = Source.objects.create(name="Shop", kind="review_page", url=httpserver.url_for("/lamp"))
    poll_source_now(source.pk)
    serve_reviews(httpserver, [{"id": "r1", "author": "Dana", "stars": 2, "text": "Broken, meh."}])
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        poll_source_now(source.pk)
    assert callbacks  # the edit was announced
    assert Case.objects.count() == 1 and not ReviewUpdate.objects.exists()


def case_page(case: Case, user) -> str:
    """The case page as `user` sees it."""
    client = Client()
    client.force_login(user)
    return client.get(reverse("case", args=[case.pk])).content.decode()


def render_case_panel(case: Case, user) -> str:
    request = RequestFactory().get("/")
    request.user = user
    return Template("{% load replies_tags %}{% case_replies_panel case %}").render(
        Context({"case": case, "request": request})
    )


# --- The same author again -------------------------------------------------------------------


def test_a_new_negative_review_by_the_same_author_reopens_the_old_case(owner):
    source = make_source("Trustpilot")
    first = make_mention(source, author="Dana")
    negative_mentions.send(sender=Mention, mentions=[first])
    old = Case.objects.get(mention=first)
    post_reply(old, owner)
    old.refresh_from_db()
    change_case(old.pk, old.version, owner, resolved_with(Outcome.SATISFIED))
    again = make_mention(source, author="DANA", text="Second lamp broke too.")
    negative_mentions.send(sender=Mention, mentions=[again])
    old.refresh_from_db()
    fresh = Case.objects.get(mention=again)
    assert old.status == Case.Status.NEW and old.resolved_at is None
    assert fresh.merged_into == old and fresh.status == Case.Status.DISMISSED
    assert list(old.merged_cases.all()) == [fresh]


def test_the_same_name_on_another_source_opens_its_own_case():
    first = make_mention(make_source("Trustpilot"), author="Dana")
    negative_mentions.send(sender=Mention, mentions=[first])
    other = make_mention(make_source("Google"), author="Dana")
    negative_mentions.send(sender=Mention, mentions=[other])
    assert Case.objects.get(mention=other).merged_into is None
    assert Case.objects.filter(status=Case.Status.NEW).count() == 2


# --- Blocking an author ----------------------------------------------------------------------


def test_blocking_marks_existing_mentions_and_future_ones_open_no_case(httpserver, owner, staff):
    from tests.rss import Item, rss_feed

    case = make_case(author="Dana Troll")
    other = make_mention(author="dana troll")
    with pytest.raises(PermissionError):
        block_author(case, staff)
    block_author(case, owner)
    assert BlockedAuthor.objects.get().name == "dana troll"
    other.refresh_from_db()
    assert other.author_blocked
    feed = rss_feed(
        [Item("n1", "Awful", "Terrible, worst lamp ever, broken.", author="Dana Troll")]
    )
    httpserver.expect_request("/feed").respond_with_data(feed, content_type="application/rss+xml")
    source = Source.objects.create(name="Alerts", kind="feed", url=httpserver.url_for("/feed"))
    assert poll_source_now(source.pk).status == "ok"
    new = Mention.objects.get(source=source)
    assert new.author_blocked and not Case.objects.filter(mention=new).exists()
    assert "Blocked author" in case_page(case, owner)
