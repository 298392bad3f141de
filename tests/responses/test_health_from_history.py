"""Each customer's colour from their real history (reviews, cases, edits after our reply), the
owner alerted once when a customer turns red, the inbox filtered by health, and the case page
showing who wrote the review."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from monitors.models import Label, Revision, Source
from responses.alerts import send_alert
from responses.cases import open_case
from responses.customer_health import refresh_all
from responses.customers import sync_records
from responses.models import Case, Customer, OwnerAlert, ReviewUpdate

pytestmark = pytest.mark.django_db


@pytest.fixture
def review(make_mention):
    """review("Dana", days_ago=3, rating=1, label="negative", source=...): a mention by Dana."""

    def make(author: str, days_ago: float = 0, rating=None, label=Label.NEGATIVE, **fields):
        when = timezone.now() - timedelta(days=days_ago)
        return make_mention(
            rating=rating,
            author=author,
            label=label,
            published_at=when,
            first_seen_at=when,
            **fields,
        )

    return make


def refreshed(author: str, source: str = "Trustpilot") -> Customer:
    sync_records()
    refresh_all(timezone.now())
    return Customer.objects.get(records__author_key=author.upper(), records__source__name=source)


def test_two_complaints_in_30_days_are_red_one_just_outside_the_window_leaves_yellow(review):
    review("Dana", days_ago=29)
    review("Dana", days_ago=0)
    review("Eli", days_ago=31)
    review("Eli", days_ago=0)
    dana, eli = refreshed("Dana"), refreshed("Eli")
    assert (dana.health, dana.health_reason) == ("red", "2 negative reviews in 30 days")
    assert (eli.health, eli.health_reason) == ("yellow", "1 negative review in 30 days")


def test_a_case_past_due_with_no_reply_is_red_an_answered_one_yellow(review):
    overdue, _ = open_case(review("Dana", days_ago=40))
    answered, _ = open_case(review("Eli", days_ago=40))
    past = timezone.now() - timedelta(hours=1)
    Case.objects.filter(pk=overdue.pk).update(due_at=past)
    Case.objects.filter(pk=answered.pk).update(due_at=past, responded=True)
    assert refreshed("Dana").health_reason == "Case overdue"
    assert refreshed("Dana").health == "red"
    assert (refreshed("Eli").health, refreshed("Eli").health_reason) == ("yellow", "1 open case")


def _edited_after_reply(case: Case, old: int, new: int) -> ReviewUpdate:
    mention = case.mention
    revision = Revision.objects.create(
        mention=mention, changed=["rating"], old_rating=old, new_rating=new
    )
    mention.rating = Decimal(new)
    mention.save(update_fields=["rating"])
    return ReviewUpdate.objects.create(
        case=case, mention=mention, revision=revision, old_rating=old, new_rating=new
    )


def test_a_complaint_that_recovered_after_our_reply_is_green_and_a_relapse_is_red(review):
    recovered, _ = open_case(review("Dana", days_ago=5, rating=1))
    Case.objects.filter(pk=recovered.pk).update(status=Case.Status.RESOLVED)
    _edited_after_reply(recovered, old=1, new=5)  # the text still reads negative
    relapsed, _ = open_case(review("Eli", days_ago=60, rating=5, label=Label.POSITIVE))
    Case.objects.filter(pk=relapsed.pk).update(status=Case.Status.RESOLVED)
    _edited_after_reply(relapsed, old=5, new=1)
    assert (refreshed("Dana").health, refreshed("Dana").health_reason) == (
        "green",
        "Recovered after our reply, 1 happy review in 30 days",
    )
    eli = refreshed("Eli")
    assert (eli.health, eli.health_reason) == ("red", "Review dropped back after our reply")


def test_a_customer_turning_red_alerts_the_owners_once_and_again_only_after_a_new_turn(
    review, owner, smtp_server
):
    review("Dana", days_ago=2)
    review("Dana", days_ago=0.1)  # the second complaint just now
    sync_records()
    first = refresh_all(timezone.now())
    assert refresh_all(timezone.now()) == []  # a second pass (or a retried task): no new alert
    assert [alert.kind for alert in first] == ["customer_red"]
    assert send_alert(first[0].pk) and not send_alert(first[0].pk)
    [email] = smtp_server.messages
    assert email["To"] == "alice@example.com"
    assert "Dana" in email["Subject"] and "2 negative reviews in 30 days" in email["Subject"]
    assert f"/customers/{Customer.objects.get().pk}/" in smtp_server.text(email)

    # The last complaint ages out of the window (the pass that day sees it): green; two new
    # ones: red again, a new alert.
    later = timezone.now() + timedelta(days=30.5)
    assert refresh_all(later) == [] and Customer.objects.get().health == "green"
    review("Dana", days_ago=-30.5)
    review("Dana", days_ago=-30.5)
    assert [alert.kind for alert in refresh_all(later + timedelta(minutes=1))] == ["customer_red"]
    assert OwnerAlert.objects.filter(kind="customer_red").count() == 2


@pytest.mark.parametrize("person", ["owner", "staff"])
def test_the_inbox_filters_cases_by_the_health_of_who_wrote_them(client, review, person, request):
    red_case, _ = open_case(review("Dana", days_ago=1))
    open_case(review("Dana", days_ago=2))
    yellow_case, _ = open_case(review("Eli", days_ago=1))
    Case.objects.update(due_at=timezone.now() + timedelta(days=1))  # none overdue
    refreshed("Dana")
    client.force_login(request.getfixturevalue(person))
    html = client.get(reverse("home"), {"health": "red"}).content.decode()
    assert (
        f'href="/cases/{red_case.pk}/"' in html and f'href="/cases/{yellow_case.pk}/"' not in html
    )
    html = client.get(reverse("home"), {"health": "yellow"}).content.decode()
    assert (
        f'href="/cases/{yellow_case.pk}/"' in html and f'href="/cases/{red_case.pk}/"' not in html
    )
    assert client.get(reverse("home"), {"health": "purple"}).status_code == 200  # ignored


def test_the_case_page_shows_the_customers_health_chip_and_history(staff_client, review, source):
    google = Source.objects.create(name="Google", url="https://maps.example.com/acme")
    case, _ = open_case(review("Dana", days_ago=1, title="Broken again"))
    review("Dana", days_ago=3, title="First lamp broke")
    review("Dana", days_ago=9, rating=5, label=Label.POSITIVE, source=google)
    refreshed("Dana")
    html = staff_client.get(reverse("case", args=[case.pk])).content.decode()
    card = html.split("data-case-customer", 1)[1].split("</section>", 1)[0]
    assert 'data-health="red"' in card and "2 negative reviews in 30 days" in card
    assert card.count("Trustpilot") == 1  # her other review on the same source
    assert "Google" not in card  # the Google author is another customer until someone links them


def test_a_new_authors_case_page_judges_them_at_once_without_waiting_for_the_beat(
    staff_client, review
):
    case, _ = open_case(review("Gus", days_ago=0, rating=1))
    Case.objects.filter(pk=case.pk).update(due_at=timezone.now() + timedelta(hours=1))
    html = staff_client.get(reverse("case", args=[case.pk])).content.decode()
    card = html.split("data-case-customer", 1)[1].split("</section>", 1)[0]
    assert 'data-health="yellow"' in card
    assert "1 negative review in 30 days, 1 open case, latest rating 1★" in card


def test_history_found_when_customers_are_first_counted_alerts_only_for_fresh_trouble(review):
    review("Dana", days_ago=20)
    review("Dana", days_ago=10)  # red for ten days already: no news
    review("Eli", days_ago=3)
    review("Eli", days_ago=0.1)  # two complaints, the last one just now: news
    sync_records()
    alerts = refresh_all(timezone.now())
    assert [alert.context["name"] for alert in alerts] == ["Eli"]
    assert refreshed("Dana").health == refreshed("Eli").health == "red"
    assert refresh_all(timezone.now()) == []
