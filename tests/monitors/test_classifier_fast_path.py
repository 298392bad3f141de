"""Long texts classify cheaply and exactly as before: the model looks a text's words up once
(monitors/classify/text.py Lookup) instead of collecting every feature of the text and then of
each sentence again. Checked against the plain computation from `features()` (what training
uses) over real texts: every entry of the fixture feeds, App Store reviews, labelled sentences
and, where ../shared/corpus is present, a sample of its star-rated reviews.
"""

from __future__ import annotations

import gzip
import json
import math
import re
from collections.abc import Callable
from functools import cache
from itertools import chain, islice
from pathlib import Path

import pytest

from monitors.classify import OwnerRules, classify
from monitors.classify.adjustment import AdjustedModel, Adjustment
from monitors.classify.model import Reading, TextModel, shipped_model, sigmoid
from monitors.classify.text import (
    ENGLISH_FUNCTION_WORDS,
    LANGUAGE_SAMPLE_CHARS,
    MIN_WORDS_FOR_LANGUAGE_GUESS,
    OTHER_FUNCTION_WORDS,
    features,
    is_supported_language,
    sentence_lengths,
    split_sentences,
    tokens,
)
from monitors.parsers import parse_feed
from monitors.parsers.base import ParseError

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
CORPUS_REVIEWS = (
    Path(__file__).resolve().parents[3]
    / "shared"
    / "corpus"
    / "training"
    / "reviews_stars.jsonl.gz"
)
CORPUS_SAMPLE = 1500
APP_STORE_REVIEWS = "webster_bank_us_customerreviews.json"


def as_classified(title: str, text: str) -> str:
    """A mention's words as ingest classifies them (monitors/ingest.py classify_mention)."""
    return f"{title}.\n{text}" if title and text else title or text


@cache
def real_texts() -> tuple[str, ...]:
    texts = []
    feeds = (FIXTURES / "feeds").rglob("*")
    for path in sorted(p for p in feeds if p.is_file() and p.name != "LICENSE"):
        json_feed = path.suffix == ".json"
        headers = {"Content-Type": "application/feed+json" if json_feed else "application/xml"}
        try:
            records = parse_feed(path.read_bytes(), headers, "https://example.com/").records
        except ParseError:
            continue  # the ill-formed fixtures that hold no feed at all
        texts += [as_classified(record.title, record.text) for record in records]
    app_store = json.loads((FIXTURES / "appstore" / APP_STORE_REVIEWS).read_text())
    texts += [
        as_classified(entry["title"]["label"], entry["content"]["label"])
        for entry in app_store["feed"]["entry"]
    ]
    sentences = (FIXTURES / "sentiment" / "amazon_cells_labelled.txt").read_text().splitlines()[1:]
    texts += [line.rsplit("\t", 1)[0] for line in sentences]
    if CORPUS_REVIEWS.exists():
        with gzip.open(CORPUS_REVIEWS, "rt", encoding="utf-8") as rows:
            reviews = [json.loads(line) for line in islice(rows, 0, None, 40)][:CORPUS_SAMPLE]
        texts += [f"{r['title']}. {r['text']}" if r["title"] else r["text"] for r in reviews]
    return tuple(text.strip() for text in texts if text and text.strip())


def reference_logit(model: TextModel, text: str) -> tuple[float, frozenset[str]]:
    """The plain way: every feature of the text, then those the model weighs."""
    known = frozenset(model.weights.keys() & features(text))
    if not known:
        return model.bias, known
    return model.bias + sum(model.weights[f] for f in known) / math.sqrt(len(known)), known


def reference_reading(model: TextModel, text: str) -> Reading:
    logit, known = reference_logit(model, text)
    return Reading(sigmoid(logit), known, model)


def reference_adjusted_reading(model: AdjustedModel, text: str) -> Reading:
    """The local adjustment read the plain way."""
    logit, known = reference_logit(model.shipped, text)
    words = model.adjustment.deltas.keys() & features(text)
    adjusted = model.adjustment.scale * logit + model.adjustment.shift
    if words:
        adjusted += sum(model.adjustment.deltas[w] for w in words) / math.sqrt(len(words))
    return Reading(sigmoid(adjusted), known, model.shipped)


class ReferenceReader:
    """A model read the plain way, text by text: a sentence is read from its own words (the
    words of a text, joined by spaces, tokenise back to the same words)."""

    def __init__(self, read: Callable[[str], Reading]):
        self.read = read

    def passage(self, words: list[str]) -> ReferencePassage:
        return ReferencePassage(self.read, words)


class ReferencePassage:
    def __init__(self, read: Callable[[str], Reading], words: list[str]):
        self.read = read
        self.words = words

    def whole(self) -> Reading:
        return self.read(" ".join(self.words))

    def stretch(self, start: int, end: int) -> Reading:
        return self.read(" ".join(self.words[start:end]))


@cache
def local_adjustment() -> AdjustedModel:
    """Deltas on words, word pairs and negated words of real texts, as a fit would leave."""
    vocabulary = sorted(set().union(*map(features, real_texts()[:300])))
    deltas = {feature: (i % 7 - 3) / 10 for i, feature in enumerate(vocabulary[::5])}
    return AdjustedModel(shipped_model(), Adjustment(scale=0.9, shift=-0.2, deltas=deltas))


def reference_sentences(text: str) -> list[str]:
    """split_sentences the plain way: glued punctuation spaced, lines, then sentence ends."""
    spaced = re.sub(r"(?<=[^\W\d_])([.!?,;:\u2026]+)(?=[^\W\d_])", r"\1 ", text)
    return [
        sentence
        for line in spaced.split("\n")
        for part in re.split(r"(?<=[.!?\u2026])\s+", line)
        if (sentence := part.strip())
    ]


def plainly_supported_language(text: str) -> bool:
    """is_supported_language the plain way: the share of Latin letters always counted."""
    text = text[:LANGUAGE_SAMPLE_CHARS].lower()
    words = re.findall(r"[^\W\d_]+", text)
    letters = sum(map(len, words))
    if not letters:
        return True
    latin = re.findall(r"[A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\u1e00-\u1eff]+", text)
    if sum(map(len, latin)) / letters < 0.5:
        return False
    if len(words) < MIN_WORDS_FOR_LANGUAGE_GUESS:
        return True
    english = sum(1 for word in words if word in ENGLISH_FUNCTION_WORDS)
    return sum(1 for word in words if word in OTHER_FUNCTION_WORDS) <= english


def assert_same_reading(fast: Reading, reference: Reading, text: str) -> None:
    assert fast.known == reference.known, text
    # The same numbers summed, perhaps in another order of the set: equal to the last bits.
    assert fast.negative == pytest.approx(reference.negative, rel=1e-12, abs=1e-15), text


def test_there_are_many_long_real_texts_to_compare():
    texts = real_texts()
    assert len(texts) > 1000
    assert sum(len(text) > 2000 for text in texts) >= 25


def test_long_texts_are_cut_into_the_same_sentences_as_the_plain_way():
    for text in real_texts():
        assert split_sentences(text) == reference_sentences(text), text


@pytest.mark.parametrize(
    "other",
    ["Привет, как дела? Всё хорошо", "这是一个测试 with some English", "très bien, c'est la vie"],
)
def test_the_language_check_decides_as_the_plain_way(other):
    for text in (*real_texts(), other, f"{other} {other} ok", f"ok {other}"):
        assert is_supported_language(text) == plainly_supported_language(text), text


def test_a_texts_words_are_its_sentences_words_one_after_another():
    for text in real_texts():
        sentences = split_sentences(text)
        by_sentence = list(map(tokens, sentences))
        assert tokens(text) == list(chain.from_iterable(by_sentence)), text
        assert sentence_lengths(sentences) == list(map(len, by_sentence)), text


def test_a_text_without_sentences_has_no_sentence_lengths():
    assert sentence_lengths(split_sentences(" \n ")) == []


def test_a_text_and_each_of_its_sentences_read_exactly_as_the_plain_computation():
    model = shipped_model()
    for text in real_texts():
        assert_same_reading(model.read(text), reference_reading(model, text), text)
        passage, start = model.passage(tokens(text)), 0
        for sentence in split_sentences(text):
            end = start + len(tokens(sentence))
            assert_same_reading(
                passage.stretch(start, end), reference_reading(model, sentence), sentence
            )
            start = end


def test_every_real_text_classifies_exactly_as_the_plain_computation():
    shipped = shipped_model()
    reference = OwnerRules(model=ReferenceReader(lambda text: reference_reading(shipped, text)))
    for text in real_texts():
        for rating in (None, 5):
            assert classify(text, rating) == classify(text, rating, rules=reference), text


def test_with_a_local_adjustment_every_real_text_classifies_exactly_as_the_plain_computation():
    adjusted = local_adjustment()
    rules = OwnerRules(model=adjusted)
    reference = OwnerRules(
        model=ReferenceReader(lambda text: reference_adjusted_reading(adjusted, text))
    )
    for text in real_texts():
        assert_same_reading(adjusted.read(text), reference_adjusted_reading(adjusted, text), text)
        for rating in (None, 5):
            assert classify(text, rating, rules=rules) == classify(text, rating, rules=reference)
