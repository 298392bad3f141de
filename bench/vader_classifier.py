"""The text reading the shipped model replaced, kept only so `make eval` can compare them.
Ratings and owner rules worked as they do in monitors.classify; only the reading of the text
is kept here, and the "clear complaints only" bar it used under a 4-5★ rating.

The text was read three ways:

- VADER on the whole text (the usual "compound <= -0.05 is negative" convention);
- VADER on each sentence, because one bitter sentence in a long friendly review is a
  complaint the whole-text average hides;
- a complaint lexicon for what VADER cannot hear ("it crashes", "I want a refund").
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from bench.complaint_lexicon import (
    ComplaintHit,
    complaint_words_for_vader,
    find_complaint,
    plain_praise,
)
from monitors.classify import Classification, Label
from monitors.classify.text import is_supported_language, split_sentences

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
QUOTE_MAX_CHARS = 80
MINUS = "\u2212"


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


def _result(label: Label, score: float, reason: str) -> Classification:
    strongly = label == "negative" and score <= STRONGLY_NEGATIVE_AT
    return Classification(label, round(score, 4), reason, strongly)


def classify(text: str, rating: float | None = None) -> Classification:
    """The old reading of a text; under a 4-5★ `rating` only a clear complaint is negative."""
    text = (text or "").strip()
    if not text or not is_supported_language(text):
        return _result("neutral", 0.0, "language not supported" if text else "no text")
    reading = _read_text(text)
    negative = _negative_text(reading, clear_only=rating is not None and rating >= 4)
    if negative:
        return _result("negative", *negative)
    return _not_negative_text(reading)
