"""Negative-mention classification: labels, the reasons an owner reads, and their formats."""

from __future__ import annotations

from decimal import Decimal

import pytest

from monitors.classify import Classification, OwnerRules, classify

LONG_FRIENDLY_REVIEW_WITH_ONE_COMPLAINT = (
    "We have been coming here for years and the staff always greet us by name. "
    "The coffee is excellent and the pastries are fresh every morning. "
    "The new espresso machine is terrible and the last latte was disgusting. "
    "Still our favourite spot in town."
)

GERMAN_COMPLAINT = "Das Essen war nicht gut und der Service war langsam."

CLASSIFICATION_TABLE = [
    # (text, rating, expected label, fragment of the reason)
    ("Love this place, the staff are lovely.", 1, "negative", "rating 1/5"),
    ("Great food and friendly staff!", Decimal("2"), "negative", "rating 2/5"),
    ("Amazing service, will come again.", 5, "positive", "rating 5/5"),
    ("Love it", 4.5, "positive", "rating 4.5/5"),
    ("Terrible food and rude staff.", 3, "negative", "text scores −0.73 overall"),
    ("Great service, love it!", Decimal("3.0"), "positive", "text scores +0.86"),
    ("Visited the new branch downtown today.", 3, "neutral", "no negative signal"),
    (
        "Great app. But it crashes every time I open the camera.",
        5,
        "negative",
        "negative text under 5★: sentence 2 scores",
    ),
    (
        "Lovely staff. The card reader does not work.",
        4,
        "negative",
        "negative text under 4★: keyword: does not work",
    ),
    ("Nothing special.", 5, "positive", "rating 5/5"),
    ("Customer service answered within a day.", 5, "positive", "rating 5/5"),
    (
        "Called customer service three times this week.",
        None,
        "negative",
        "keyword: customer service",
    ),
    ("not good", None, "negative", "text scores −0.34 overall"),
    ("not bad", None, "positive", "text scores +0.43"),
    # VADER counts "truly" and "pretty" as praise; before another word they intensify it.
    ("Truly awful.", None, "negative", "text scores −0.51 overall"),
    ("Pretty bad experience overall.", None, "negative", "text scores"),
    ("Pretty good lamp.", None, "positive", "text scores"),
    ("No crashes at all, works great.", None, "positive", "text scores"),
    ("Never had a problem with them.", None, "positive", "text scores"),
    ("I couldn't be happier with the new app.", None, "positive", "text scores"),
    ("I want a refund.", None, "negative", "keyword: refund"),
    ("They charged twice for one order.", None, "negative", "keyword: charged twice"),
    ("The app doesn’t work since the update.", None, "negative", "keyword: doesn't work"),
    ("It stopped working after two weeks", None, "negative", "keyword: stopped working"),
    ("Customer service put me on hold for an hour.", None, "negative", "keyword: customer service"),
    ("Great customer service!", None, "positive", "text scores"),
    ("Never again.", None, "negative", "keyword: never again"),
    ("Don't waste your money on this one.", None, "negative", "keyword: don't waste"),
    ("The app is not a scam, it is legit.", None, "positive", "text scores"),
    (LONG_FRIENDLY_REVIEW_WITH_ONE_COMPLAINT, None, "negative", "sentence 3 scores −0."),
    ("Acme Bank is in the news today.", None, "negative", "owner rule: always flag 'Acme Bank'"),
    ("Acme Bank is in the news today.", 5, "negative", "owner rule: always flag 'Acme Bank'"),
    ("Waited an hour for our food, lousy.", None, "neutral", "owner rule: never flag 'waited'"),
    ("Waited an hour for our food, lousy.", 2, "negative", "rating 2/5"),
    (
        "Das Essen war nicht gut und der Service war langsam.",
        None,
        "neutral",
        "language not supported",
    ),
    ("Das Essen war nicht gut und der Service war langsam.", 1, "negative", "rating 1/5"),
    ("이 앱은 너무 느리고 자꾸 오류가 납니다", None, "neutral", "language not supported"),
    ("이 앱은 너무 느리고 자꾸 오류가 납니다", Decimal("1.0"), "negative", "rating 1/5"),
    ("C'est une application très lente et pas fiable du tout.", 5, "positive", "rating 5/5"),
    ("", None, "neutral", "no text"),
    ("   ", 5, "positive", "rating 5/5"),
]

OWNER_RULES = OwnerRules(always_flag=("Acme Bank",), never_flag=("waited",))


@pytest.mark.parametrize(("text", "rating", "label", "reason"), CLASSIFICATION_TABLE)
def test_classify_labels_mention_and_says_why(
    text: str, rating: Decimal | float | None, label: str, reason: str
) -> None:
    result = classify(text, rating, rules=OWNER_RULES)
    assert result.label == label
    assert reason in result.reason


@pytest.mark.parametrize(
    ("text", "rating", "strongly_negative"),
    [
        ("Love the food.", 2, True),
        ("Worst meal I have ever had, disgusting and rude.", None, True),
        ("They charged twice for one order.", None, True),
        ("The app does not work since the update.", None, False),
        ("not good", None, False),
        ("Amazing service!", 5, False),
    ],
)
def test_strongly_negative_marks_low_ratings_and_harsh_words(
    text: str, rating: float | None, strongly_negative: bool
) -> None:
    assert classify(text, rating).strongly_negative is strongly_negative


def test_sentence_reason_numbers_scores_with_real_minus_and_quotes_the_sentence() -> None:
    text = "Bought it in May. I liked it at first. It stopped working after two weeks, awful."
    reason = classify(text).reason
    assert reason.startswith("sentence 3 scores −0.")
    assert reason.endswith(": 'It stopped working after two weeks, awful.'")


def test_long_bad_sentence_is_quoted_truncated_to_eighty_characters() -> None:
    bad = "The waiter was rude, the soup was cold, the bill was wrong and " + "awful " * 20
    reason = classify("Nice decor. " + bad + "Bye.").reason
    quote = reason.split(": ", 1)[1]
    assert quote.startswith("'The waiter was rude")
    assert quote.endswith("…'")
    assert len(quote) == 80 + 2


@pytest.mark.parametrize(
    ("text", "rating", "expected_score"),
    [
        ("", 0, -1.0),
        ("", Decimal("2.5"), 0.0),  # 2.5★ leaves the decision to the (empty) text
        ("", 5, 1.0),
    ],
)
def test_score_is_on_minus_one_to_one_scale(
    text: str, rating: float, expected_score: float
) -> None:
    assert classify(text, rating).score == pytest.approx(expected_score)


def test_keyword_reason_and_owner_rule_reason_formats() -> None:
    assert classify("I want a refund.").reason == "keyword: refund"
    rules = OwnerRules(always_flag=("  lawsuit ",))
    assert (
        classify("A LAWSUIT was filed.", rules=rules).reason == "owner rule: always flag 'lawsuit'"
    )


@pytest.mark.parametrize("text", ["See the lawsuits page", "Flawsuit is not a word"])
def test_owner_rules_match_whole_words_only(text: str) -> None:
    reason = classify(text, rules=OwnerRules(always_flag=("lawsuit",))).reason
    assert not reason.startswith("owner rule")


def test_classification_is_frozen() -> None:
    result = classify("fine")
    assert isinstance(result, Classification)
    with pytest.raises(AttributeError):
        result.label = "negative"  # type: ignore[misc]


@pytest.mark.parametrize("rating", [-1, 5.5, float("nan"), Decimal("7")])
def test_rating_outside_zero_to_five_is_refused(rating: float | Decimal) -> None:
    with pytest.raises(ValueError, match="0..5"):
        classify("ok", rating)
