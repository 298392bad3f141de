"""The classifier the shipped model replaced, kept only so `make eval` can compare the two.

Negative-mention classification with a reason in words an owner can check at a glance.

A star rating decides where it is clear (<= 2 negative, >= 4 positive), except that clearly
negative words under a high rating still flag the mention: real reviewers give 5★ and then
complain. Otherwise the text decides, read three ways:

- VADER on the whole text (the usual "compound <= -0.05 is negative" convention);
- VADER on each sentence, because one bitter sentence in a long friendly review is a
  complaint the whole-text average hides;
- a complaint lexicon for what VADER cannot hear ("it crashes", "I want a refund").

Owner rules come first for text: always_flag phrases flag, never_flag phrases keep text from
flagging. Only English is read; other languages get "neutral" unless a rating decides.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass, replace
from decimal import Decimal
from functools import cache
from typing import Literal

from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from bench.complaint_lexicon import (
    ComplaintHit,
    complaint_words_for_vader,
    find_complaint,
    normalise_apostrophes,
    phrase_pattern,
    plain_praise,
)

Label = Literal["negative", "neutral", "positive"]

# VADER's own published cut-offs for a negative / positive compound score.
TEXT_NEGATIVE_AT = -0.05
TEXT_POSITIVE_AT = 0.05
# One sentence this bad flags a text whose overall score is still friendly.
SENTENCE_NEGATIVE_AT = -0.5
# A sentence this positive uses topic words ("customer service", "refund") as praise.
PRAISE_SENTENCE_AT = 0.25
# Under a 4-5★ rating only clearly negative words override the stars.
CLEAR_TEXT_NEGATIVE_AT = -0.5
CLEAR_SENTENCE_NEGATIVE_AT = -0.6
# A score this low asks for the 1-hour response target.
STRONGLY_NEGATIVE_AT = -0.6
# Scores given to lexicon hits, which VADER itself scores 0.
COMPLAINT_SCORE = -0.5
SEVERE_COMPLAINT_SCORE = -0.8
OWNER_RULE_SCORE = -0.5

RATING_NEGATIVE_AT = 2
RATING_POSITIVE_AT = 4
QUOTE_MAX_CHARS = 80
MINUS = "\u2212"

_SENTENCE_END = re.compile(r"(?<=[.!?\u2026])\s+|\s*\n\s*")
_GLUED_PUNCTUATION = re.compile(r"(?<=[^\W\d_])([.!?,;:\u2026]+)(?=[^\W\d_])")
_LETTERS_WORD = re.compile(r"[^\W\d_]+")

ENGLISH_FUNCTION_WORDS = frozenset(
    {"the", "a", "an", "and", "or", "but", "is", "are", "was", "were", "it", "its", "i", "me"}
    | {"my", "you", "your", "we", "our", "this", "that", "these", "to", "of", "in", "on", "at"}
    | {"for", "with", "from", "not", "have", "has", "had", "be", "been", "very", "so", "they"}
)
# Frequent words of other Latin-script languages that are not also English words.
OTHER_FUNCTION_WORDS = frozenset(
    {"der", "das", "und", "nicht", "ist", "ich", "mit", "sehr", "aber", "auch", "ein", "kein"}
    | {"le", "les", "et", "est", "pas", "je", "une", "des", "du", "très", "mais", "avec", "nous"}
    | {"el", "los", "las", "que", "es", "muy", "pero", "por", "una", "y", "del", "con", "está"}
    | {"não", "muito", "é", "uma", "você", "il", "che", "non", "è", "molto", "della", "sono"}
    | {"het", "een", "niet", "en", "ik", "van", "maar", "ook", "zeer"}
)
MIN_WORDS_FOR_LANGUAGE_GUESS = 4


@dataclass(frozen=True)
class OwnerRules:
    """An owner's own words: always flag these, never flag text containing those."""

    always_flag: tuple[str, ...] = ()
    never_flag: tuple[str, ...] = ()


@dataclass(frozen=True)
class Classification:
    label: Label
    score: float  # -1..1, negative = bad
    reason: str
    strongly_negative: bool  # asks for the 1-hour response target


@dataclass(frozen=True)
class _SentenceReading:
    number: int  # 1-based
    text: str
    compound: float


@dataclass(frozen=True)
class _TextReading:
    compound: float
    sentences: tuple[_SentenceReading, ...]
    complaint: ComplaintHit | None

    @property
    def worst_sentence(self) -> _SentenceReading | None:
        return min(self.sentences, key=lambda s: s.compound, default=None)


@cache
def _analyzer() -> SentimentIntensityAnalyzer:
    """Build VADER once per process, taught the complaint words it lacks.

    Knowing "crashes", VADER also reads "no crashes at all" as a negated complaint (it scores
    "no" before an unknown word as -1.2, so the untaught analyzer called that negative).
    """
    analyzer = SentimentIntensityAnalyzer()
    for word, valence in complaint_words_for_vader().items():
        analyzer.lexicon.setdefault(word, valence)
    return analyzer


def compound_score(text: str) -> float:
    """VADER's compound score (-1..1) with this module's analyzer."""
    return _analyzer().polarity_scores(plain_praise(text))["compound"]


def split_sentences(text: str) -> list[str]:
    """Sentences, also where writers leave out the space ("the phone.Battery life").

    The spacing matters to VADER too: it reads "great...no problems" as one word.
    """
    spaced = _GLUED_PUNCTUATION.sub(r"\1 ", text)
    return [part.strip() for part in _SENTENCE_END.split(spaced) if part.strip()]


def is_supported_language(text: str) -> bool:
    """Cheap English check: mostly Latin letters, and not more foreign function words."""
    letters = [char for char in text if char.isalpha()]
    if not letters:
        return True
    latin = sum(1 for char in letters if unicodedata.name(char, "").startswith("LATIN"))
    if latin / len(letters) < 0.5:
        return False
    words = [word.lower() for word in _LETTERS_WORD.findall(text)]
    if len(words) < MIN_WORDS_FOR_LANGUAGE_GUESS:
        return True
    english = sum(1 for word in words if word in ENGLISH_FUNCTION_WORDS)
    other = sum(1 for word in words if word in OTHER_FUNCTION_WORDS)
    return other <= english


def _read_text(text: str) -> _TextReading:
    sentences = tuple(
        _SentenceReading(number, sentence, compound_score(sentence))
        for number, sentence in enumerate(split_sentences(text), start=1)
    )
    complaint = next(
        (
            hit
            for sentence in sentences
            if (hit := find_complaint(sentence.text, sentence.compound >= PRAISE_SENTENCE_AT))
        ),
        None,
    )
    whole = " ".join(sentence.text for sentence in sentences)
    return _TextReading(compound_score(whole), sentences, complaint)


def _signed(value: float) -> str:
    return f"{value:+.2f}".replace("-", MINUS)


def _quote(sentence: str) -> str:
    if len(sentence) > QUOTE_MAX_CHARS:
        sentence = sentence[: QUOTE_MAX_CHARS - 1].rstrip() + "\u2026"
    return f"'{sentence}'"


def _negative_text(reading: _TextReading, *, clear_only: bool) -> tuple[float, str] | None:
    """(score, reason) when the text reads as a complaint, else None.

    The reason names the most concrete evidence: a quoted bad sentence, then a complaint
    word, then the overall score. `clear_only` (under 4-5★) ignores topic words and mild
    scores.
    """
    sentence_at = CLEAR_SENTENCE_NEGATIVE_AT if clear_only else SENTENCE_NEGATIVE_AT
    text_at = CLEAR_TEXT_NEGATIVE_AT if clear_only else TEXT_NEGATIVE_AT
    worst = reading.worst_sentence
    if worst and len(reading.sentences) > 1 and worst.compound <= sentence_at:
        reason = f"sentence {worst.number} scores {_signed(worst.compound)}: {_quote(worst.text)}"
        return min(worst.compound, reading.compound), reason
    if reading.complaint and not (clear_only and reading.complaint.contextual):
        hit_score = SEVERE_COMPLAINT_SCORE if reading.complaint.severe else COMPLAINT_SCORE
        return min(hit_score, reading.compound), f"keyword: {reading.complaint.term}"
    if reading.compound <= text_at:
        return reading.compound, f"text scores {_signed(reading.compound)} overall"
    return None


def _not_negative_text(reading: _TextReading) -> Classification:
    if reading.compound >= TEXT_POSITIVE_AT:
        return _result("positive", reading.compound, f"text scores {_signed(reading.compound)}")
    return _result("neutral", reading.compound, "no negative signal in the text")


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


def _rating_score(rating: float) -> float:
    """Stars on the -1..1 scale: 0★ is -1, 2.5★ is 0, 5★ is 1."""
    return (rating - 2.5) / 2.5


def _rated(stars: float) -> Classification:
    """The decision a clear star rating makes on its own."""
    label: Label = "negative" if stars <= RATING_NEGATIVE_AT else "positive"
    reason = f"rating {_stars(stars)}/5"
    return _result(label, _rating_score(stars), reason, low_rating=label == "negative")


def _result(label: Label, score: float, reason: str, *, low_rating: bool = False) -> Classification:
    strongly = label == "negative" and (low_rating or score <= STRONGLY_NEGATIVE_AT)
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
        return _result("negative", OWNER_RULE_SCORE, f"owner rule: always flag '{flagged}'")
    if not text or not is_supported_language(text):
        if high_stars is not None:
            return _rated(high_stars)
        return _result("neutral", 0.0, "language not supported" if text else "no text")

    reading = _read_text(text)
    allowed = _first_phrase_found(text, rules.never_flag)
    if allowed:
        not_negative = _rated(high_stars) if high_stars is not None else _not_negative_text(reading)
        return replace(not_negative, reason=f"owner rule: never flag '{allowed}'")

    negative = _negative_text(reading, clear_only=high_stars is not None)
    if negative:
        score, reason = negative
        if high_stars is not None:
            reason = f"negative text under {_stars(high_stars)}★: {reason}"
        return _result("negative", score, reason)
    return _rated(high_stars) if high_stars is not None else _not_negative_text(reading)
