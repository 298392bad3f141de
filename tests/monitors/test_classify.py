"""Negative-mention classification: labels, the reasons an owner reads, and their formats."""

from __future__ import annotations

import socket
from decimal import Decimal

import pytest

from monitors.classify import Classification, OwnerRules, classify
from monitors.classify.model import TextModel, shipped_model

LONG_FRIENDLY_REVIEW_WITH_ONE_COMPLAINT = (
    "We have been coming here for years and the staff always greet us by name. "
    "The coffee is excellent and the pastries are fresh every morning. "
    "The new espresso machine is terrible and the last latte was disgusting. "
    "Still our favourite spot in town."
)

# Real complaints from the held-back validation split of ../shared/corpus/training/ (Google
# Play app reviews; `make train` never trains on them), with a word the reason must name.
UNSEEN_COMPLAINTS = [
    ("Unable to log in with new password", "'unable'"),
    ("I am having a hard time sending and receiving messages.", "'hard'"),
    ("Ok if you need it, but a waste otherwise", "'waste'"),
    ("Opening of Word documents doesn't work anymore", "'not … work'"),
    ("I have made two purchases and never received the credit on my account.", "received"),
    ("app keeps crashing in recent times", "'crashing'"),
    ("Wont sync between desktop and phone.", "'wont'"),
    ("My money is been deducted and subscription is failed", "'failed'"),
    ("Cant even log in whats wrong with this", "'wrong'"),
    ("New update with pin system is the worst update of messenger ever.", "'worst'"),
]

# The plain complaints without strong sentiment words that the old classifier let through.
PLAIN_COMPLAINTS = [
    ("The soup arrived lukewarm.", "'lukewarm'"),
    ("Portions were smaller than last time.", "'last'"),
    ("Waited 40 minutes for a table.", "'minutes'"),
]

CLASSIFICATION_TABLE = [
    # (text, rating, expected label, fragment of the reason)
    ("Love this place, the staff are lovely.", 1, "negative", "rating 1/5"),
    ("Great food and friendly staff!", Decimal("2"), "negative", "rating 2/5"),
    ("Amazing service, will come again.", 5, "positive", "rating 5/5"),
    ("Love it", 4.5, "positive", "rating 4.5/5"),
    ("Terrible food and rude staff.", 3, "negative", "'terrible'"),
    ("Great service, love it!", Decimal("3.0"), "positive", "reads positive: 'great'"),
    ("Visited the new branch downtown today.", None, "positive", "reads positive"),
    (
        "Five stars for the staff. The card reader does not work and I was charged twice.",
        5,
        "negative",
        "negative text under 5★: 'not … work'",
    ),
    (
        LONG_FRIENDLY_REVIEW_WITH_ONE_COMPLAINT,
        5,
        "negative",
        "negative text under 5★: 'terrible', 'disgusting'",
    ),
    ("Nothing special.", 5, "positive", "rating 5/5"),
    ("Great app. But it crashes every time I open the camera.", 5, "positive", "rating 5/5"),
    ("not good", None, "negative", "'not … good'"),
    ("not bad", None, "neutral", "no negative signal"),
    ("No crashes at all, works great.", None, "positive", "reads positive"),
    ("Never had a problem with them.", None, "positive", "reads positive"),
    ("I want a refund.", None, "negative", "'a refund'"),
    ("They charged twice for one order.", None, "negative", "'twice'"),
    ("The app doesn’t work since the update.", None, "negative", "'doesn't'"),
    ("Great customer service!", None, "positive", "reads positive"),
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
    assert (result.label, reason in result.reason) == (label, True), result.reason


@pytest.mark.parametrize(("text", "phrase"), UNSEEN_COMPLAINTS + PLAIN_COMPLAINTS)
def test_real_complaints_are_flagged_naming_the_words_and_quoting_them(text, phrase) -> None:
    result = classify(text)
    assert result.label == "negative"
    assert phrase in result.reason
    assert result.reason.endswith(f" in '{text}'")


def test_the_reason_quotes_the_sentence_that_complains_in_a_longer_text() -> None:
    text = "Ordered on Monday. The parcel arrived broken and support never answered. Sigh."
    reason = classify(text).reason
    assert "in sentence 2: 'The parcel arrived broken and support never answered.'" in reason
    assert "'broken'" in reason


def test_a_friendly_five_star_review_is_not_flagged_for_one_mild_word() -> None:
    text = "Lovely hotel, a little small but spotless, and breakfast was great."
    assert classify(text, 5).label == "positive"


@pytest.mark.parametrize(
    ("text", "rating", "strongly_negative"),
    [
        ("Love the food.", 2, True),
        ("Worst meal I have ever had, disgusting and rude.", None, True),
        ("The soup arrived lukewarm.", None, False),
        ("Amazing service!", 5, False),
    ],
)
def test_strongly_negative_marks_low_ratings_and_harsh_words(
    text: str, rating: float | None, strongly_negative: bool
) -> None:
    assert classify(text, rating).strongly_negative is strongly_negative


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


def test_a_text_score_follows_how_sure_the_model_is() -> None:
    harsh = classify("Worst meal I have ever had, disgusting and rude.").score
    mild = classify("The soup arrived lukewarm.").score
    kind = classify("Lovely staff and great coffee.").score
    assert -1 <= harsh < mild < 0 < kind <= 1


def test_owner_rule_reason_format() -> None:
    rules = OwnerRules(always_flag=("  lawsuit ",))
    assert (
        classify("A LAWSUIT was filed.", rules=rules).reason == "owner rule: always flag 'lawsuit'"
    )


def test_the_model_loads_from_the_installed_package_without_the_network(monkeypatch) -> None:
    def no_network(*args, **kwargs):
        raise AssertionError("the model tried to reach the network")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    shipped_model.cache_clear()
    model = shipped_model()
    assert len(model.weights) > 10_000
    assert model.about["validation"]["all"]["recall"] > 0.8
    assert classify("app keeps crashing in recent times").label == "negative"


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


def test_make_train_writes_the_same_bytes_for_the_same_weights_wherever_it_writes(tmp_path):
    from monitors.classify.training import write

    data = {"format": 1, "bias": 0.1, "weights": {"cold": 1.5, "lovely": -2.0}}
    write(data, tmp_path / "a.json.gz")
    (tmp_path / "elsewhere").mkdir()
    write(data, tmp_path / "elsewhere" / "negative_model.json.gz")
    first = (tmp_path / "a.json.gz").read_bytes()
    assert first == (tmp_path / "elsewhere" / "negative_model.json.gz").read_bytes()
    assert TextModel.from_file(tmp_path / "a.json.gz").weights == data["weights"]
