"""Negative-mention classification with a reason in words an owner can check at a glance.

A star rating decides where it is clear (<= 2 negative, >= 4 positive), except that clearly
negative words under a high rating still flag the mention: real reviewers give 5★ and then
complain. Otherwise the text decides, read by the shipped model (monitors/classify/model.py):
the whole text decides. A complaint is then read sentence by sentence, to quote the sentence
that complains most and name the words that weighed most in it; under a 4-5★ rating the
sentences are read too, as one clearly bitter sentence is enough to flag.

Owner rules come first for text: always_flag phrases flag, never_flag phrases keep text from
flagging. Only English is read; other languages get "neutral" unless a rating decides.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from decimal import Decimal
from itertools import accumulate
from typing import Literal, Protocol

from monitors.classify.model import Reading, shipped_model
from monitors.classify.text import (
    is_supported_language,
    normalise_apostrophes,
    phrase_pattern,
    sentence_lengths,
    split_sentences,
    tokens,
)

__all__ = [
    "LANGUAGES_READ",
    "Classification",
    "Label",
    "OwnerRules",
    "TextReader",
    "classify",
    "unquoted",
]

Label = Literal["negative", "neutral", "positive"]


class Passage(Protocol):
    def whole(self) -> Reading: ...

    def stretch(self, start: int, end: int) -> Reading: ...


class TextReader(Protocol):
    """A model: `read` one text, or take its words as a `passage` to read the whole and then
    sentence by sentence (a sentence is the stretch of words from `start` to `end`)."""

    def read(self, text: str) -> Reading: ...

    def passage(self, words: list[str]) -> Passage: ...


# Probabilities (of a complaint) from the model; see README "Negative or not, and why".
TEXT_NEGATIVE_AT = 0.5  # the whole text, where no clear rating decides
# Under a 4-5★ rating only a clear complaint overrides the stars: the whole text this sure,
# or one sentence surer still (a friendly review with one bitter sentence).
CLEAR_NEGATIVE_AT = 0.95
CLEAR_SENTENCE_NEGATIVE_AT = 0.98
TEXT_POSITIVE_AT = 0.3  # at or below: positive
STRONGLY_NEGATIVE_AT = 0.9  # asks for the 1-hour response target
OWNER_RULE_SCORE = -0.5

LANGUAGES_READ = ("English",)  # other text is "neutral — language not supported" unless rated

RATING_NEGATIVE_AT = 2
RATING_POSITIVE_AT = 4
QUOTE_MAX_CHARS = 80
QUOTE_MARKS = "\"'“”‘’«»„"


@dataclass(frozen=True)
class OwnerRules:
    """What this installation adds to the shipped classifier: the owner's own words (always
    flag these, never flag text containing those), and the model to read text with — the
    shipped one adjusted to this business (monitors/local_model.py), or None for the shipped."""

    always_flag: tuple[str, ...] = ()
    never_flag: tuple[str, ...] = ()
    model: TextReader | None = None


@dataclass(frozen=True)
class Classification:
    label: Label
    score: float  # -1..1, negative = bad
    reason: str
    strongly_negative: bool  # asks for the 1-hour response target


@dataclass(frozen=True)
class _Sentence:
    reading: Reading  # of the sentence most likely a complaint (the whole text if one sentence)
    text: str
    number: int | None  # 1-based, None when the text is one sentence


def _worst_sentence(text: str, whole: Reading, passage: Passage) -> _Sentence:
    """Read sentence by sentence; only done when a complaint needs quoting or must be clear.

    The text's words are its sentences' words one after another (sentences are cut only at
    whitespace, and words never span it), so each sentence is a stretch of the words already
    looked up."""
    sentences = split_sentences(text)
    if len(sentences) < 2:
        return _Sentence(whole, text, None)
    ends = list(accumulate(sentence_lengths(sentences)))
    readings = list(map(passage.stretch, [0, *ends[:-1]], ends))
    number = max(range(len(readings)), key=lambda i: readings[i].negative)
    return _Sentence(readings[number], sentences[number], number + 1)


def unquoted(text: str) -> str:
    """Text without quotes of its own around it, so quoting it does not double them."""
    text = text.strip()
    while len(text) >= 2 and text[0] in QUOTE_MARKS and text[-1] in QUOTE_MARKS:
        text = text[1:-1].strip()
    return text


def _quote(sentence: str) -> str:
    sentence = unquoted(" ".join(sentence.split()))
    if len(sentence) > QUOTE_MAX_CHARS:
        sentence = sentence[: QUOTE_MAX_CHARS - 1].rstrip() + "\u2026"
    return f"'{sentence}'"


def _words(phrases: tuple[str, ...]) -> str:
    return ", ".join(f"'{phrase}'" for phrase in phrases)


def _negative_text(
    text: str, whole: Reading, passage: Passage, *, clear_only: bool
) -> tuple[float, str] | None:
    """(probability, reason) when the text reads as a complaint, else None."""
    if not clear_only and whole.negative < TEXT_NEGATIVE_AT:
        return None
    worst = _worst_sentence(text, whole, passage)
    if clear_only:
        clear_sentence = worst.number and worst.reading.negative >= CLEAR_SENTENCE_NEGATIVE_AT
        if whole.negative < CLEAR_NEGATIVE_AT and not clear_sentence:
            return None
    evidence = worst.reading if worst.reading.phrases else whole
    where = f"sentence {worst.number}: {_quote(worst.text)}" if worst.number else _quote(worst.text)
    words = _words(evidence.phrases)
    reason = f"{words} in {where}" if words else f"reads as a complaint: {where}"
    return max(whole.negative, worst.reading.negative), reason


def _not_negative_text(whole: Reading) -> Classification:
    score = 1 - 2 * whole.negative
    if whole.negative <= TEXT_POSITIVE_AT:
        words = _words(whole.phrases)
        return _result("positive", score, f"reads positive: {words}" if words else "reads positive")
    return _result("neutral", score, "no negative signal in the text")


def _first_phrase_found(text: str, phrases: tuple[str, ...]) -> str | None:
    """The first owner phrase (trimmed) found in the text on word boundaries."""
    trimmed = (phrase.strip() for phrase in phrases)
    text = normalise_apostrophes(text)
    return next(
        (p for p in trimmed if p and phrase_pattern(normalise_apostrophes(p)).search(text)), None
    )


def _checked_rating(rating: Decimal | float | None) -> float | None:
    if rating is None:
        return None
    value = float(rating)
    if not math.isfinite(value) or not 0 <= value <= 5:
        raise ValueError(f"rating must be normalised to 0..5, got {rating!r}")
    return value


def _stars(rating: float) -> str:
    return f"{rating:g}"


def _rated(stars: float) -> Classification:
    """The decision a clear star rating makes on its own; 0★ scores -1, 2.5★ 0, 5★ 1."""
    label: Label = "negative" if stars <= RATING_NEGATIVE_AT else "positive"
    score = (stars - 2.5) / 2.5
    return _result(label, score, f"rating {_stars(stars)}/5", low_rating=label == "negative")


def _result(label: Label, score: float, reason: str, *, low_rating: bool = False) -> Classification:
    strongly = label == "negative" and (low_rating or score <= 1 - 2 * STRONGLY_NEGATIVE_AT)
    return Classification(label, round(score, 4), reason, strongly)


def classify(
    text: str, rating: Decimal | float | None = None, *, rules: OwnerRules | None = None
) -> Classification:
    """Label one mention negative, neutral or positive, with the reason in words.

    `rating` is the mention's star rating normalised to 0..5, if it has one. Competitor
    mentions are classified the same way.
    """
    stars = _checked_rating(rating)
    rules = rules or OwnerRules()
    text = (text or "").strip()

    if stars is not None and stars <= RATING_NEGATIVE_AT:
        return _rated(stars)
    high_stars = stars if stars is not None and stars >= RATING_POSITIVE_AT else None

    flagged = _first_phrase_found(text, rules.always_flag)
    if flagged:
        reason = f"owner rule: always flag '{unquoted(flagged)}'"
        return _result("negative", OWNER_RULE_SCORE, reason)
    if not text or not is_supported_language(text):
        if high_stars is not None:
            return _rated(high_stars)
        return _result("neutral", 0.0, "language not supported" if text else "no text")

    passage = (rules.model or shipped_model()).passage(tokens(text))
    whole = passage.whole()
    allowed = _first_phrase_found(text, rules.never_flag)
    if allowed:
        not_negative = _rated(high_stars) if high_stars is not None else _not_negative_text(whole)
        return replace(not_negative, reason=f"owner rule: never flag '{unquoted(allowed)}'")

    negative = _negative_text(text, whole, passage, clear_only=high_stars is not None)
    if negative:
        probability, reason = negative
        if high_stars is not None:
            reason = f"negative text under {_stars(high_stars)}★: {reason}"
        return _result("negative", 1 - 2 * probability, reason)
    return _rated(high_stars) if high_stars is not None else _not_negative_text(whole)
