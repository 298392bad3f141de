"""A small per-installation adjustment on top of the shipped model, learned from how this
business's own customers write: their star-rated reviews and the staff's corrections.

The adjusted reading is logistic regression with the shipped model's logit as one input and
this installation's words as the others:

    logit = scale * shipped_logit + shift + sum(delta[word]) / sqrt(number of such words)

fitted by plain gradient descent (a few thousand examples fit in seconds, with no numerical
library), with the word deltas held near zero (L2), so a handful of local examples nudges the
shipped model rather than replacing it. Whether to keep it is decided on held-back examples.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from typing import Any

from monitors.classify import TextReader
from monitors.classify.model import Passage, Reading, TextModel, sigmoid
from monitors.classify.scoring import Figures, count
from monitors.classify.text import Lookup, features, tokens

EPOCHS = 40
LEARNING_RATE = 0.05  # per example, stochastic
WORD_PENALTY = 0.01  # L2 on the word deltas, per example
MIN_WORD_EXAMPLES = 3  # a word needs this many local examples to get a delta
SEED = 13


@dataclass(frozen=True)
class Example:
    text: str
    negative: bool
    weight: float = 1.0  # a correction by a person weighs more than a star rating


@dataclass
class Adjustment:
    scale: float = 1.0
    shift: float = 0.0
    deltas: dict[str, float] = field(default_factory=dict)

    def as_data(self) -> dict[str, Any]:
        # Every fitted word stays, even one whose delta rounds to zero: it still counts in the
        # square root that scales the others, as it did in fitting.
        deltas = {word: round(value, 5) for word, value in sorted(self.deltas.items())}
        return {"scale": round(self.scale, 5), "shift": round(self.shift, 5), "deltas": deltas}

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Adjustment:
        return cls(float(data["scale"]), float(data["shift"]), dict(data["deltas"]))


class AdjustedModel:
    """Reads like the shipped model, with this installation's adjustment applied."""

    def __init__(self, shipped: TextModel, adjustment: Adjustment):
        self.shipped = shipped
        self.adjustment = adjustment

    def read(self, text: str) -> Reading:
        return self.passage(tokens(text)).whole()

    def passage(self, words: list[str]) -> Passage:
        lookups = [Lookup(self.shipped.weights, words), Lookup(self.adjustment.deltas, words)]
        return Passage(self.reading, lookups)

    def reading(self, known: frozenset[str], words: frozenset[str]) -> Reading:
        """From the shipped model's known features and this installation's words."""
        adjusted = self.adjustment.scale * self.shipped.logit_of(known) + self.adjustment.shift
        if words:
            adjusted += sum(self.adjustment.deltas[w] for w in words) / math.sqrt(len(words))
        # The reason still names the shipped model's heaviest words on the side it landed on.
        return Reading(sigmoid(adjusted), known, self.shipped)


def fit(model: TextModel, examples: list[Example]) -> Adjustment:
    """Gradient descent on the weighted log loss; deterministic for the same examples."""
    counts: dict[str, int] = {}
    rows = []
    for example in examples:
        words = sorted(features(example.text))
        for word in words:
            counts[word] = counts.get(word, 0) + 1
        rows.append((model.logit(example.text)[0], words, example))
    adjustment = Adjustment()
    mean_weight = sum(example.weight for example in examples) / max(len(examples), 1)
    order = list(range(len(rows)))
    chooser = random.Random(SEED)
    for _ in range(EPOCHS):
        chooser.shuffle(order)
        for index in order:
            logit, words, example = rows[index]
            kept = [word for word in words if counts[word] >= MIN_WORD_EXAMPLES]
            scale = 1 / math.sqrt(len(kept)) if kept else 0.0
            deltas = adjustment.deltas
            guess = adjustment.scale * logit + adjustment.shift
            guess += scale * sum(deltas.get(word, 0.0) for word in kept)
            error = (sigmoid(guess) - example.negative) * example.weight / mean_weight
            # The shipped logit runs to about ±10: its factor moves more gently.
            adjustment.scale -= LEARNING_RATE * 0.1 * error * logit / (1 + abs(logit))
            adjustment.shift -= LEARNING_RATE * error
            for word in kept:
                value = deltas.get(word, 0.0)
                deltas[word] = value - LEARNING_RATE * (error * scale + WORD_PENALTY * value)
    return adjustment


def figures(reader: TextReader, examples: list[Example], negative_at: float) -> Figures:
    """Figures (rounded to 3 places) for anything with `read(text)` at this threshold."""
    outcomes = ((reader.read(e.text).negative >= negative_at, e.negative) for e in examples)
    return count(outcomes).rounded()
