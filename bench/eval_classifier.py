"""Measure the negative-mention classifier against labelled real reviews.

Run from the repository root: `python bench/eval_classifier.py [--errors]`.
The corpus lives in ../shared/corpus beside the repository unless RW_CORPUS names it.

For each data set: precision, recall and F1 of the `negative` label for monitors.classify
(text only, never the rating) and for the baseline "plain VADER compound <= 0".
"""

from __future__ import annotations

import ast
import json
import os
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer  # noqa: E402

from monitors.classify import classify  # noqa: E402

LEGEND = """
P / R / F1: precision, recall and F1 of the label `negative`; text only, ratings never shown.
(a) human labels: UCI sentences (0 = negative); Yelp 1-2 stars negative, 4-5 not, 3 skipped.
(b) App Store reviews, title + text: 1-2 stars negative, 4-5 not, 3 skipped; some 5-star
    reviews complain in words, so a few "false alarms" here are real complaints.
These files were in the shared corpus while the classifier was written: not held-out data.
Yelp has 10 reviews: too few to compare anything. `--errors` lists every miss."""


@dataclass(frozen=True)
class Example:
    text: str
    negative: bool


@dataclass(frozen=True)
class Scores:
    precision: float
    recall: float
    f1: float


def corpus_root() -> Path:
    return Path(os.environ.get("RW_CORPUS") or REPO.parent / "shared" / "corpus")


def load_amazon(path: Path) -> list[Example]:
    """UCI labelled sentences: a header line, then `sentence<TAB>label`, 0 = negative."""
    lines = path.read_text(encoding="utf-8").splitlines()[1:]
    rows = (line.rsplit("\t", 1) for line in lines if "\t" in line)
    return [Example(text.strip(), label.strip() == "0") for text, label in rows]


def load_yelp(path: Path) -> list[Example]:
    """Yelp samples kept as a Python literal (LABEL = stars - 1), read without running it.

    1-2★ are negative, 4-5★ are not, 3★ is skipped. Newlines are stored escaped as "\\n".
    """
    module = ast.parse(path.read_text(encoding="utf-8"))
    samples = next(
        ast.literal_eval(node.value)
        for node in module.body
        if isinstance(node, ast.Assign)
        and any(isinstance(t, ast.Name) and t.id == "SAMPLES" for t in node.targets)
    )
    return [
        Example(sample["REVIEW"].replace("\\n", "\n"), sample["LABEL"] <= 1)
        for sample in samples
        if sample["LABEL"] != 2
    ]


def load_app_store(path: Path) -> list[Example]:
    """Apple customer-reviews JSON feed: title + content, 1-2★ negative, 3★ skipped."""
    entries = json.loads(path.read_text(encoding="utf-8"))["feed"]["entry"]
    examples = []
    for entry in entries:
        if "im:rating" not in entry:  # the app's own metadata entry
            continue
        stars = int(entry["im:rating"]["label"])
        if stars == 3:
            continue
        text = f"{entry['title']['label']}\n{entry['content']['label']}"
        examples.append(Example(text, stars <= 2))
    return examples


def score(examples: Iterable[Example], predict: Callable[[str], bool]) -> Scores:
    true_pos = false_pos = false_neg = 0
    for example in examples:
        predicted = predict(example.text)
        true_pos += predicted and example.negative
        false_pos += predicted and not example.negative
        false_neg += example.negative and not predicted
    precision = true_pos / (true_pos + false_pos) if true_pos + false_pos else 0.0
    recall = true_pos / (true_pos + false_neg) if true_pos + false_neg else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Scores(precision, recall, f1)


def classifier_says_negative(text: str) -> bool:
    return classify(text).label == "negative"


@cache
def stock_vader() -> SentimentIntensityAnalyzer:
    return SentimentIntensityAnalyzer()


def baseline_says_negative(text: str) -> bool:
    return stock_vader().polarity_scores(text)["compound"] <= 0


def print_errors(name: str, examples: list[Example]) -> None:
    for example in examples:
        result = classify(example.text)
        if (result.label == "negative") != example.negative:
            kind = "missed" if example.negative else "false alarm"
            text = " ".join(example.text.split())[:110]
            print(f"  {name} {kind}: {text!r} -> {result.label} ({result.reason})")


def main(argv: list[str]) -> int:
    root = corpus_root()
    datasets = {
        "amazon_cells (a)": load_amazon(root / "sentiment" / "amazon_cells_labelled.txt"),
        "yelp_samples (a)": load_yelp(root / "sentiment" / "yelp_review_full_samples.py"),
        "appstore webster (b)": load_app_store(
            root / "appstore" / "webster_bank_us_customerreviews.json"
        ),
    }
    header = (
        f"{'data set':<22}{'n':>5}{'neg':>5}  {'classifier P / R / F1':<24}{'VADER<=0 P / R / F1'}"
    )
    print(header)
    print("-" * len(header))
    for name, examples in datasets.items():
        ours = score(examples, classifier_says_negative)
        base = score(examples, baseline_says_negative)
        negatives = sum(example.negative for example in examples)
        print(
            f"{name:<22}{len(examples):>5}{negatives:>5}  "
            f"{ours.precision:.2f} / {ours.recall:.2f} / {ours.f1:.2f}      "
            f"{base.precision:.2f} / {base.recall:.2f} / {base.f1:.2f}"
        )
    print(LEGEND)
    if "--errors" in argv:
        for name, examples in datasets.items():
            print_errors(name, examples)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
