"""The shipped text model: a logistic regression over words and word pairs.

Its weights are a data file in this package (negative_model.json.gz, rebuilt by `make train`
from ../shared/corpus/training/), read once per process. Scoring a text is a set of dictionary
look-ups and one exponential, so a mention costs microseconds, and the words that weighed most
are the reason an owner reads.
"""

from __future__ import annotations

import gzip
import json
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache, cached_property
from importlib import resources
from pathlib import Path
from typing import Any

from monitors.classify.text import Lookup, explains, readable, tokens

WEIGHTS_FILE = "negative_model.json.gz"
FORMAT = 1
MAX_PHRASES = 3
# A word or pair must weigh at least this much to be named as a reason.
MIN_PHRASE_WEIGHT = 0.5


@dataclass(frozen=True)
class Reading:
    negative: float  # the probability that the text is a complaint, 0..1
    known: frozenset[str]  # the text's features the shipped model weighs
    model: TextModel = field(repr=False, compare=False)

    @cached_property
    def phrases(self) -> tuple[str, ...]:
        """The words that weighed most toward the side it landed on, heaviest first; only
        worked out when a reason asks for them."""
        return self.model.phrases(self.known, toward_negative=self.negative >= 0.5)


class Passage:
    """A text's words, to read as a whole and then sentence by sentence: a sentence is a
    stretch of the words (start and end positions), read as if it were a text of its own.
    `reading` takes the known features of each vocabulary looked up, in their order (the
    shipped weights; an adjusted model adds the installation's own words)."""

    def __init__(self, reading: Callable[..., Reading], lookups: list[Lookup]):
        self.reading = reading
        self.lookups = lookups

    def whole(self) -> Reading:
        return self.reading(*(lookup.whole for lookup in self.lookups))

    def stretch(self, start: int, end: int) -> Reading:
        return self.reading(*(lookup.within(start, end) for lookup in self.lookups))


class TextModel:
    def __init__(self, bias: float, weights: dict[str, float], about: dict[str, Any]):
        self.bias = bias
        self.weights = weights
        self.about = about  # where it was trained, and its validation figures

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> TextModel:
        if data.get("format") != FORMAT:
            raise ValueError(f"Unknown model format {data.get('format')!r}; expected {FORMAT}.")
        about = {key: value for key, value in data.items() if key not in ("bias", "weights")}
        return cls(float(data["bias"]), dict(data["weights"]), about)

    @classmethod
    def from_file(cls, path: Path) -> TextModel:
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            return cls.from_data(json.load(handle))

    def read(self, text: str) -> Reading:
        return self.passage(tokens(text)).whole()

    def passage(self, words: list[str]) -> Passage:
        return Passage(self.reading, [Lookup(self.weights, words)])

    def reading(self, known: frozenset[str]) -> Reading:
        return Reading(sigmoid(self.logit_of(known)), known, self)

    def logit(self, text: str) -> tuple[float, frozenset[str]]:
        """The score before the sigmoid, and the text's features this model weighs."""
        known = Lookup(self.weights, tokens(text)).whole
        return self.logit_of(known), known

    def logit_of(self, known: frozenset[str]) -> float:
        """`logit` for the known features already worked out."""
        if not known:
            return self.bias
        # Training scaled each text's features to unit length: 1/sqrt(n) each.
        return self.bias + sum(map(self.weights.__getitem__, known)) / math.sqrt(len(known))

    def phrases(self, known: frozenset[str], *, toward_negative: bool) -> tuple[str, ...]:
        """The heaviest of these features on one side, as words an owner can read."""
        sign = 1 if toward_negative else -1
        weighty = [f for f in known if sign * self.weights[f] >= MIN_PHRASE_WEIGHT]
        ranked = sorted(weighty, key=lambda feature: (-sign * self.weights[feature], feature))
        chosen: list[str] = []
        for feature in ranked:
            if len(chosen) == MAX_PHRASES:
                break
            if not explains(feature) or any(_overlap(feature, named) for named in chosen):
                continue  # "cold" adds nothing once "came cold" is named
            chosen.append(feature)
        return tuple(readable(feature) for feature in chosen)


def _overlap(feature: str, named: str) -> bool:
    """Whether two features share a word ("not:good" and "not" share "not")."""
    return bool(set(feature.replace(":", " ").split()) & set(named.replace(":", " ").split()))


def sigmoid(logit: float) -> float:
    if logit < -40:
        return 0.0
    return 1 / (1 + math.exp(-logit))


@cache
def shipped_model() -> TextModel:
    """The model installed with this package; no network, no download."""
    with resources.as_file(resources.files("monitors.classify") / WEIGHTS_FILE) as path:
        return TextModel.from_file(path)
