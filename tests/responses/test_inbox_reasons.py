"""The inbox says why: each row shows in a few words why the mention is a case (the stars, the
owner's rule, the words that weighed most), the whole stored reason behind it."""

from __future__ import annotations

import html
from decimal import Decimal

import pytest
from django.urls import reverse

from monitors.classify import OwnerRules, classify
from monitors.models import Label
from responses.cases import open_case
from responses.reasons import SHORT_REASON_MAX, reason_says_more, short_reason
from tests.responses.test_cases_opening import make_mention

# Reasons as monitors.classify and monitors.corrections store them, and the column's text.
STORED_REASONS = [
    ("rating 1/5", "1★"),
    ("rating 1.5/5", "1.5★"),
    ("rating 5/5", "5★"),
    ("owner rule: always flag 'charged twice'", "owner rule: always flag 'charged twice'"),
    ("owner rule: never flag 'terrible'", "owner rule: never flag 'terrible'"),
    (
        "'not … work', 'twice', 'was charged' in sentence 1: "
        "'The app did not work and I was charged twice.'",
        "'not … work', 'twice', 'was charged'",
    ),
    (
        "'not', 'don't', 'log' in 'I could not log in for three days and they don't care.'",
        "'not', 'don't', 'log'",
    ),
    ("'terrible' in 'Terrible service.'", "'terrible'"),
    (
        "negative text under 5★: 'worst', 'useless', 'rude' in sentence 2: "
        "'The worst bank ever, they stole my money, scam, never again, useless and rude.'",
        "negative text under 5★ · 'worst', 'useless', 'rude'",
    ),
    (
        "negative text under 4★: 'charged twice' in 'We were charged twice.'",
        "negative text under 4★ · 'charged twice'",
    ),
    (
        "reads as a complaint: sentence 2: 'Nobody at the branch could tell me where it went.'",
        "reads as a complaint: 'Nobody at the branch could tell me…",
    ),
    ("reads positive: 'great', 'love'", "reads positive: 'great', 'love'"),
    ("no negative signal in the text", "no negative signal in the text"),
    ("language not supported", "language not supported"),
    ("corrected by Alice Smith: negative (was neutral)", "corrected by Alice Smith: negative"),
    (
        "corrected by bob@example.com: not negative (was negative)",
        "corrected by bob@example.com: not negative",
    ),
    ("", ""),
]


@pytest.mark.parametrize(("stored", "shown"), STORED_REASONS)
def test_a_stored_reason_reads_in_a_few_words(stored, shown):
    assert short_reason(stored) == shown
    assert len(short_reason(stored)) <= SHORT_REASON_MAX


def test_a_long_reason_is_cut_after_a_whole_word():
    rule = "owner rule: always flag 'the card machine at the Main Street branch is always broken'"
    shown = short_reason(rule)
    assert shown == "owner rule: always flag 'the card machine at the Main…"
    assert len(shown) <= SHORT_REASON_MAX


def test_what_the_classifier_writes_today_keeps_its_words_and_drops_its_sentence():
    flagged = classify("Great app. I was charged twice and nobody refunds me, scam, useless.", 5)
    assert flagged.label == "negative" and " in " in flagged.reason
    shown = short_reason(flagged.reason)
    assert shown.startswith("negative text under 5★ · '") and "nobody refunds" not in shown


def test_the_whole_reason_is_kept_behind_the_short_one_where_it_says_more():
    assert not reason_says_more("rating 1/5")
    assert not reason_says_more("no negative signal in the text")
    assert reason_says_more("'terrible' in 'Terrible service.'")


@pytest.fixture
def flagged_rows(db):
    """Three cases as a poll would open them: a 1★ review, an owner rule, a 5★ review whose
    words complain."""
    rules = OwnerRules(always_flag=("charged twice",))
    readings = {
        "one_star": ("Useless.", Decimal("1")),
        "rule": ("Lovely staff but we were charged twice for one coffee.", Decimal("4")),
        "five_stars": (
            "Great app. The worst bank ever, they stole my money, scam, never again, useless.",
            Decimal("5"),
        ),
    }
    cases = {}
    for name, (text, rating) in readings.items():
        verdict = classify(text, rating, rules=rules)
        assert verdict.label == Label.NEGATIVE, verdict
        mention = make_mention(text=text, rating=rating, reason=verdict.reason)
        cases[name] = open_case(mention)[0]
    return cases


def row_of(body: str, case) -> str:
    start = body.index(f'id="case-row-{case.pk}"')
    return html.unescape(body[start : body.index("</tr>", start)])


@pytest.mark.parametrize("person", ["owner", "staff"])
def test_inbox_rows_say_why_each_mention_is_a_case(client, flagged_rows, person, request):
    client.force_login(request.getfixturevalue(person))
    body = client.get(reverse("home")).content.decode()
    assert '<th scope="col">Why</th>' in body
    one_star = row_of(body, flagged_rows["one_star"])
    assert '<span class="reason" title="rating 1/5">1★</span>' in one_star
    assert "owner rule: always flag 'charged twice'" in row_of(body, flagged_rows["rule"])
    five_stars = row_of(body, flagged_rows["five_stars"])
    assert ">negative text under 5★ · '" in five_stars
    assert 'title="negative text under 5★: ' in five_stars  # the whole reason as the tooltip


def test_a_stranger_sees_no_reasons_but_the_login_page(client, flagged_rows):
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_a_case_opened_by_hand_says_so_rather_than_why_it_was_not_flagged(staff_client, staff):
    mention = make_mention(label=Label.NEUTRAL, reason="no negative signal in the text")
    case = open_case(mention, actor=staff)[0]
    row = row_of(staff_client.get(reverse("home")).content.decode(), case)
    assert ">opened by hand</span>" in row
    assert 'title="opened by hand; read as neutral: no negative signal in the text"' in row
