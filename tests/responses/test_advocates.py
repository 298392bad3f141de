"""Advocates: happy customers are listed, thanked once with a tone-checked reply from the
"thank you" template, and asked for a reference, testimonial or referral — never the same person
twice within the owner's period. The health thresholds are the owner's, and every change is
kept."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from monitors.models import Label
from responses import advocates
from responses.customer_health import refresh_all
from responses.customers import record_for_mention, sync_records
from responses.models import AdvocateAsk, AdvocateThanks, HealthSettings, HealthSettingsChange
from tests.responses.test_replies import configure

pytestmark = pytest.mark.django_db


@pytest.fixture
def happy_dana(make_mention):
    """Dana left a 5★ review and nothing else: green, and an advocate."""
    configure()
    mention = make_mention(
        rating=5, author="Dana", label=Label.POSITIVE, text="Lovely lamp, fast delivery!"
    )
    sync_records()
    refresh_all(timezone.now())
    return mention


def test_the_advocates_page_lists_green_customers_with_happy_reviews_only(
    staff_client, happy_dana, make_mention
):
    make_mention(rating=5, author="Eli", label=Label.POSITIVE)
    make_mention(rating=1, author="Eli")
    make_mention(rating=1, author="Eli")  # two complaints: red, not an advocate
    make_mention(rating=3, author="Fay", label=Label.NEUTRAL)  # not happy enough
    sync_records()
    refresh_all(timezone.now())
    html = staff_client.get(reverse("advocates")).content.decode()
    dana = record_for_mention(happy_dana).customer
    assert html.count("data-advocate=") == 1 and f'data-advocate="{dana.pk}"' in html
    # The thank-you is the seeded "Thank you" template, filled for her.
    assert "Hi Dana, thank you so much for your kind words about your lamp!" in html


def test_a_thank_you_is_tone_checked_and_recorded_once_per_review(staff_client, staff, happy_dana):
    url = reverse("advocate_thank", args=[happy_dana.pk])
    rude = "Thanks Dana. Unfortunately you clearly did not read the manual, as per our policy."
    response = staff_client.post(url, {"text": rude}, follow=True)
    assert "The tone check stopped this thank-you" in response.content.decode()
    assert not AdvocateThanks.objects.exists()

    text = advocates.thank_you_text(happy_dana)
    response = staff_client.post(url, {"text": text}, follow=True)
    assert "Post it on Trustpilot" in response.content.decode()
    thanks = AdvocateThanks.objects.get()
    assert (thanks.text, thanks.thanked_by, thanks.mention) == (text, staff, happy_dana)
    again = staff_client.post(url, {"text": text}, follow=True)
    assert "already thanked" in again.content.decode() and AdvocateThanks.objects.count() == 1
    assert "data-thanked" in staff_client.get(reverse("advocates")).content.decode()


def test_nobody_is_asked_twice_within_the_owners_period(owner, happy_dana):
    dana = record_for_mention(happy_dana).customer
    asked_at = timezone.now() - timedelta(days=179)
    advocates.ask(dana, AdvocateAsk.Kind.REFERENCE, owner, now=asked_at)
    with pytest.raises(advocates.AdvocateError, match="ask again from"):
        advocates.ask(dana, AdvocateAsk.Kind.TESTIMONIAL, owner)  # day 179 of 180
    later = asked_at + timedelta(days=180)
    assert advocates.ask(dana, AdvocateAsk.Kind.TESTIMONIAL, owner, now=later).kind == "testimonial"

    # The owner shortens the period: the next ask is allowed sooner.
    rules = HealthSettings.current()
    rules.ask_again_days = 7
    rules.save()
    with pytest.raises(advocates.AdvocateError):
        advocates.ask(dana, AdvocateAsk.Kind.REFERRAL, owner, now=later + timedelta(days=6))
    advocates.ask(dana, AdvocateAsk.Kind.REFERRAL, owner, now=later + timedelta(days=7))
    assert dana.asks.count() == 3


def test_asking_and_answering_from_the_advocates_page(staff_client, happy_dana):
    dana = record_for_mention(happy_dana).customer
    ask_url = reverse("advocate_ask", args=[dana.pk])
    staff_client.post(ask_url, {"kind": "reference"})
    refused = staff_client.post(ask_url, {"kind": "referral"}, follow=True).content.decode()
    assert "was asked for a reference on" in refused and dana.asks.count() == 1
    assert "data-ask-from" in refused  # the page says from when they may be asked again

    asked = dana.asks.get()
    staff_client.post(
        reverse("advocate_answer", args=[asked.pk]), {"answer": "yes", "note": "Call on Friday"}
    )
    asked.refresh_from_db()
    assert (asked.answer, asked.answer_note) == ("yes", "Call on Friday")
    history = staff_client.get(reverse("customer", args=[dana.pk])).content.decode()
    assert "Asked for a reference" in history and "Reference: Yes (Call on Friday)" in history


def test_anonymous_visitors_are_sent_to_log_in_from_the_advocate_urls(client, happy_dana):
    dana = record_for_mention(happy_dana).customer
    urls = [
        reverse("advocates"),
        reverse("advocate_thank", args=[happy_dana.pk]),
        reverse("advocate_ask", args=[dana.pk]),
        reverse("advocate_answer", args=[1]),
    ]
    for url in urls:
        response = client.post(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_only_the_owner_changes_health_thresholds_and_every_change_is_kept(client, owner, staff):
    url = reverse("health_settings")
    client.force_login(staff)
    assert client.get(url).status_code == 403
    assert client.post(url, {"red_negatives": "1"}).status_code == 403
    client.force_login(owner)
    page = client.get(url).content.decode()
    assert "at least 2 negative reviews in the last 30 days" in page  # the rules, explained
    values = {
        "window_days": "14",
        "red_negatives": "3",
        "yellow_max_rating": "3",
        "advocate_min_rating": "4",
        "ask_again_days": "180",
    }
    assert client.post(url, values).status_code == 302
    assert HealthSettings.current().window_days == 14
    changes = {
        (c.field, c.old_value, c.new_value, c.changed_by)
        for c in HealthSettingsChange.objects.all()
    }
    assert changes == {
        ("Recent means the last (days)", "30", "14", owner),
        ("Red at this many negative reviews", "2", "3", owner),
    }
    page = client.get(url).content.decode()
    assert "alice@example.com changed “Red at this many negative reviews” from 2 to 3" in page
    bad = client.post(url, {**values, "window_days": "0"})
    assert bad.status_code == 200 and HealthSettingsChange.objects.count() == 2


def test_changed_thresholds_judge_every_customer_again(owner_client, make_mention):
    three_stars = make_mention(
        rating=3, author="Dana", label=Label.NEUTRAL, first_seen_at=timezone.now() - timedelta(90)
    )
    sync_records()
    refresh_all(timezone.now())
    dana = record_for_mention(three_stars).customer
    dana.refresh_from_db()
    assert (dana.health, dana.health_reason) == ("yellow", "Latest rating 3★")
    values = {
        "window_days": "30",
        "red_negatives": "2",
        "yellow_max_rating": "2",
        "advocate_min_rating": "4",
        "ask_again_days": "180",
    }
    owner_client.post(reverse("health_settings"), values)
    refresh_all(timezone.now())
    dana.refresh_from_db()
    assert (dana.health, dana.health_reason) == ("green", "No complaints in 30 days")
