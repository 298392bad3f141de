"""The Mentions list: why each mention is flagged, when it was seen (in the reader's zone), a
link to the original, its label with the correction control, and the inbox's filters that
apply to mentions, kept in the URL across pages; a value not understood is named, not lost."""

from __future__ import annotations

import html
import re
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from monitors.models import Label, Mention, Subject
from responses.cases import open_case
from responses.mention_list import MENTIONS_PAGE
from responses.models import DigestPreference
from tests.responses.test_cases_opening import make_mention, make_source

pytestmark = pytest.mark.django_db
TOKYO = ZoneInfo("Asia/Tokyo")


@pytest.fixture
def found(db) -> dict[str, Mention]:
    """Mentions that differ in one way each, so every filter has something to narrow."""
    ours, rival = make_source("Google Alerts"), make_source("Rival forum", Subject.COMPETITOR)
    now = timezone.now()
    return {
        "cold_soup": make_mention(
            ours,
            text="The soup was cold and the waiter was rude.",
            rating=Decimal("1"),
            reason="rating 1/5",
            url="https://reviews.example/r/1",
        ),
        "happy": make_mention(
            ours,
            text="Lovely dinner, friendly staff.",
            rating=Decimal("5"),
            label=Label.POSITIVE,
            reason="rating 5/5",
        ),
        "unrated": make_mention(
            ours,
            text="Has anyone tried the new menu?",
            rating=None,
            label=Label.NEUTRAL,
            reason="no negative signal in the text",
        ),
        "rival": make_mention(
            rival,
            text="Their soup is always cold.",
            rating=Decimal("2"),
            reason="rating 2/5",
        ),
        "old": make_mention(
            ours,
            text="Waited an hour for a table.",
            rating=Decimal("3"),
            label=Label.NEUTRAL,
            reason="no negative signal in the text",
            first_seen_at=now - timedelta(days=30),
        ),
    }


def listed(client, **query) -> set[int]:
    body = client.get(reverse("mentions"), query).content.decode()
    return {int(n) for n in re.findall(r'data-mention="(\d+)"', body)}


def ids(found: dict[str, Mention], *names: str) -> set[int]:
    return {found[name].pk for name in names}


@pytest.mark.parametrize("person", ["owner", "staff"])
def test_each_filter_narrows_the_list(client, found, person, request):
    client.force_login(request.getfixturevalue(person))
    assert listed(client) == ids(found, *found)
    assert listed(client, q="cold soup") == ids(found, "cold_soup", "rival")
    assert listed(client, source=found["rival"].source_id) == ids(found, "rival")
    assert listed(client, subject="competitor") == ids(found, "rival")
    assert listed(client, subject="ours") == ids(found, "cold_soup", "happy", "unrated", "old")
    assert listed(client, rating="2") == ids(found, "cold_soup", "rival")
    assert listed(client, rating="none") == ids(found, "unrated")
    assert listed(client, label="negative") == ids(found, "cold_soup", "rival")
    assert listed(client, label="neutral") == ids(found, "unrated", "old")
    a_week_ago = (timezone.localdate() - timedelta(days=7)).isoformat()
    assert listed(client, until=a_week_ago) == ids(found, "old")
    assert listed(client, since=a_week_ago) == ids(found, "cold_soup", "happy", "unrated", "rival")


def test_filters_combine(staff_client, found):
    assert listed(staff_client, subject="ours", label="negative") == ids(found, "cold_soup")
    assert listed(staff_client, q="soup", subject="ours", rating="1") == ids(found, "cold_soup")
    assert listed(staff_client, q="soup", label="positive") == set()
    body = staff_client.get(reverse("mentions"), {"q": "soup", "label": "positive"})
    assert "No mentions match these filters." in body.content.decode()


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ({"rating": "abc"}, "Rating: “abc” is not one of the ratings in the list"),
        ({"since": "2026-13-45"}, "Seen from: “2026-13-45” is not a date such as 2026-03-31"),
        ({"until": "yesterday"}, "Seen until: “yesterday” is not a date such as 2026-03-31"),
        ({"label": "angry"}, "Label: “angry” is not negative, neutral or positive"),
        ({"source": "999999"}, "Source: “999999” is not one of the sources"),
        ({"subject": "them"}, "Subject: “them” is not ours or a competitor"),
    ],
)
def test_a_value_not_understood_is_named_and_the_other_filters_still_apply(
    owner_client, found, bad, message
):
    query = {"q": "soup", "subject": "ours", "rating": "1", **bad}
    response = owner_client.get(reverse("mentions"), query)
    body = html.unescape(response.content.decode())
    assert response.status_code == 200
    assert f"{message}, so this filter is left out." in body
    assert listed(owner_client, **query) == ids(found, "cold_soup")
    assert 'value="soup"' in body  # what was understood stays in the form


def test_the_list_says_why_when_where_and_offers_the_label_control(owner_client, owner, found):
    DigestPreference.objects.update_or_create(user=owner, defaults={"time_zone": "Asia/Tokyo"})
    seen = datetime(2026, 3, 31, 23, 30, tzinfo=ZoneInfo("UTC"))
    Mention.objects.filter(pk=found["cold_soup"].pk).update(first_seen_at=seen)
    found["rival"].reason = "'always cold' in 'Their soup is always cold.'"
    found["rival"].save()
    body = owner_client.get(reverse("mentions")).content.decode()
    assert '<span class="reason" title="rating 1/5">1★</span>' in body
    assert "<summary>&#x27;always cold&#x27;</summary>" in body  # the whole reason opens below
    assert '<time datetime="2026-03-31T23:30:00+00:00">2026-04-01 08:30 JST</time>' in body
    assert 'href="https://reviews.example/r/1" rel="noopener noreferrer"' in body
    assert body.count(">Not negative</button>") == 2  # cold_soup and rival
    assert body.count(">Negative</button>") == 3


def test_a_stranger_is_sent_to_log_in(client, found):
    response = client.get(reverse("mentions"), {"label": "negative"})
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_pages_keep_the_filters_and_cover_every_match_once(staff_client):
    source = make_source()
    matching = {make_mention(source, text="rude waiter").pk for _ in range(MENTIONS_PAGE + 5)}
    for _ in range(3):
        make_mention(source, text="lovely evening", label=Label.POSITIVE)
    first = staff_client.get(reverse("mentions"), {"q": "rude", "label": "negative"})
    body = first.content.decode()
    next_link = re.search(r'href="\?(q=rude&amp;label=negative&amp;before=\d+)" rel="next"', body)
    assert next_link, "the next page link keeps the filters"
    second = staff_client.get(f"{reverse('mentions')}?{html.unescape(next_link[1])}")
    pages = [re.findall(r'data-mention="(\d+)"', r.content.decode()) for r in (first, second)]
    shown = [int(n) for page in pages for n in page]
    assert len(pages[0]) == MENTIONS_PAGE and len(shown) == len(matching)
    assert set(shown) == matching and shown == sorted(shown, reverse=True)
    assert 'rel="next"' not in second.content.decode()


def test_the_list_issues_the_same_number_of_queries_for_10_and_120_mentions(
    owner_client, django_assert_num_queries
):
    source = make_source()

    def add(count: int) -> None:
        for number in range(count):
            mention = make_mention(source, reason="rating 2/5")
            if number % 2:
                open_case(mention)

    add(10)
    owner_client.get(reverse("mentions"))
    with CaptureQueriesContext(connection) as at_ten:
        owner_client.get(reverse("mentions"), {"label": "negative", "q": "parcel"})
    add(110)
    with django_assert_num_queries(len(at_ten.captured_queries)):
        response = owner_client.get(reverse("mentions"), {"label": "negative", "q": "parcel"})
    assert response.content.decode().count("data-mention=") == MENTIONS_PAGE


@pytest.mark.parametrize("zone", ["Asia/Tokyo", "America/Los_Angeles"])
def test_the_first_and_last_days_of_the_calendar_are_dates_like_any_other(
    owner_client, owner, found, zone
):
    DigestPreference.objects.update_or_create(user=owner, defaults={"time_zone": zone})
    everything = ids(found, *found)
    assert listed(owner_client, since="0001-01-01", until="9999-12-31") == everything
    assert listed(owner_client, until="0001-01-01") == set()
    assert listed(owner_client, since="9999-12-31") == set()
