"""How every figure about the classifier is counted — `make train`'s validation, `make eval`
and the local adjustment's judgement: precision, recall and F1 of the negative class."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Figures:
    examples: int
    negative: int
    precision: float
    recall: float
    f1: float

    def rounded(self, places: int = 3) -> Figures:
        return Figures(
            self.examples,
            self.negative,
            round(self.precision, places),
            round(self.recall, places),
            round(self.f1, places),
        )


def count(outcomes: Iterable[tuple[bool, bool]]) -> Figures:
    """From (flagged, truly negative) pairs; 0 where nothing was flagged or nothing is negative."""
    examples = true_pos = false_pos = false_neg = 0
    for flagged, negative in outcomes:
        examples += 1
        true_pos += flagged and negative
        false_pos += flagged and not negative
        false_neg += negative and not flagged
    precision = true_pos / (true_pos + false_pos) if true_pos + false_pos else 0.0
    recall = true_pos / (true_pos + false_neg) if true_pos + false_neg else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Figures(examples, true_pos + false_neg, precision, recall, f1)
