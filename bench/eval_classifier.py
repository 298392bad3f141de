"""Measure the negative-mention classifiers against labelled real reviews.

Run from the repository root: `python bench/eval_classifier.py [--errors]` (`make eval`).
The corpus lives in ../shared/corpus beside the repository unless RW_CORPUS names it.

Three classifiers side by side, text only (ratings never shown): the shipped model
(monitors.classify), the classifier it replaced (VADER per sentence plus a complaint lexicon,
kept in bench/vader_classifier.py for this comparison) and plain VADER. For each data set:
precision, recall and F1 of the negative class, and mentions classified per second.
"""

from __future__ import annotations

import ast
import json
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer  # noqa: E402

from bench.vader_classifier import classify as old_classify  # noqa: E402
from monitors.classify import classify  # noqa: E402
from monitors.classify.scoring import Figures, count  # noqa: E402
from monitors.classify.training import Example, corpus_root, load_examples, split  # noqa: E402

LEGEND = """
P / R / F1: precision, recall and F1 of the label `negative`; text only, ratings never shown.
per s: mentions classified per second on one core.
validation: the held-back 10% of each source of ../shared/corpus/training/ (make train never
    trains on it); reviews 1-2 stars negative, 4-5 not; sentences as labelled.
(a) human labels: UCI sentences (0 = negative); Yelp 1-2 stars negative, 4-5 not, 3 skipped.
(b) App Store reviews, title + text: 1-2 stars negative, 4-5 not, 3 skipped; some 5-star
    reviews complain in words, so a few "false alarms" here are real complaints.
(a) and (b) were in the shared corpus while the old classifier was written.
Plain VADER: compound <= -0.05 is negative (VADER's own cut-off). `--errors` lists the shipped
model's misses on (a) and (b)."""


def load_amazon(path: Path) -> list[Example]:
    """UCI labelled sentences: a header line, then `sentence<TAB>label`, 0 = negative."""
    lines = path.read_text(encoding="utf-8").splitlines()[1:]
    rows = (line.rsplit("\t", 1) for line in lines if "\t" in line)
    return [Example("amazon_cells", text.strip(), label.strip() == "0") for text, label in rows]


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
        Example("yelp", sample["REVIEW"].replace("\\n", "\n"), sample["LABEL"] <= 1)
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
        examples.append(Example("appstore", text, stars <= 2))
    return examples


@dataclass(frozen=True)
class Run:
    figures: Figures
    per_second: float


def score(examples: list[Example], predict: Callable[[str], bool]) -> Run:
    started = time.perf_counter()
    outcomes = [(predict(example.text), example.negative) for example in examples]
    elapsed = time.perf_counter() - started
    return Run(count(outcomes), len(examples) / elapsed if elapsed else 0.0)


@cache
def stock_vader() -> SentimentIntensityAnalyzer:
    return SentimentIntensityAnalyzer()


CLASSIFIERS: dict[str, Callable[[str], bool]] = {
    "shipped model": lambda text: classify(text).label == "negative",
    "old classifier": lambda text: old_classify(text).label == "negative",
    "plain VADER": lambda text: stock_vader().polarity_scores(text)["compound"] <= -0.05,
}


def validation_sets(held_back: list[Example]) -> dict[str, list[Example]]:
    sets: dict[str, list[Example]] = {}
    for example in held_back:
        sets.setdefault(f"validation {example.source}", []).append(example)
    return dict(sorted(sets.items()))


def high_star_override(held_back: list[Example]) -> None:
    """How often each classifier flags a held-back 4-5★ review by its words despite the stars
    (real complaints among them), next to how many 1-2★ texts would pass that bar."""
    reviews = [
        example
        for example in held_back
        if example.source not in ("movie_reviews_mr", "product_reviews_cr", "sst2")
    ]
    print("\n'negative text under 5★' on held-back reviews, the rating given as 5:")
    for name, rate in (("shipped model", classify), ("old classifier", old_classify)):
        high = [rate(e.text, 5).label == "negative" for e in reviews if not e.negative]
        low = [rate(e.text, 5).label == "negative" for e in reviews if e.negative]
        print(
            f"  {name:<15} flags {sum(high) / len(high):6.1%} of {len(high):,} 4-5★ reviews; "
            f"the same bar catches {sum(low) / len(low):6.1%} of {len(low):,} 1-2★ texts"
        )


def print_errors(name: str, examples: list[Example]) -> None:
    for example in examples:
        result = classify(example.text)
        if (result.label == "negative") != example.negative:
            kind = "missed" if example.negative else "false alarm"
            text = " ".join(example.text.split())[:110]
            print(f"  {name} {kind}: {text!r} -> {result.label} ({result.reason})")


def main(argv: list[str]) -> int:
    root = corpus_root()
    labelled = {
        "amazon_cells (a)": load_amazon(root / "sentiment" / "amazon_cells_labelled.txt"),
        "yelp_samples (a)": load_yelp(root / "sentiment" / "yelp_review_full_samples.py"),
        "appstore webster (b)": load_app_store(
            root / "appstore" / "webster_bank_us_customerreviews.json"
        ),
    }
    _, held_back = split(load_examples(root))
    datasets = validation_sets(held_back) | labelled
    columns = "".join(f"{name + ' P / R / F1':<26}{'per s':>8}  " for name in CLASSIFIERS)
    header = f"{'data set':<32}{'n':>6}{'neg':>6}  {columns}"
    print(header)
    print("-" * len(header))
    for name, examples in datasets.items():
        negatives = sum(example.negative for example in examples)
        cells = []
        for predict in CLASSIFIERS.values():
            run = score(examples, predict)
            found = run.figures
            figures = f"{found.precision:.2f} / {found.recall:.2f} / {found.f1:.2f}"
            cells.append(f"{figures:<26}{run.per_second:>8,.0f}  ")
        print(f"{name:<32}{len(examples):>6}{negatives:>6}  {''.join(cells)}")
    high_star_override(held_back)
    print(LEGEND)
    if "--errors" in argv:
        for name, examples in labelled.items():
            print_errors(name, examples)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
