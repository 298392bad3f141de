"""`make train`: rebuild the shipped model from ../shared/corpus/training/ and print how it does
on a held-back validation split, source by source.

Data (see the corpus's MANIFEST for sources and licences): star-rated reviews, 1-2★ negative and
4-5★ not (3★ left out as mixed), and polarity-labelled sentences. 10% of each (source, label)
is held back with a fixed seed. Every source weighs the same in training and both labels weigh
the same within a source, so 78k app reviews do not drown 3k product sentences.

The model: a logistic regression over the words and word pairs of `text.features`, each text
scaled to unit length. It is fitted once on every feature seen three times, then again on the
MAX_FEATURES heaviest ones only, so the shipped file holds exactly the vocabulary it was fitted
on. Needs the `train` extra (scikit-learn); the app itself never imports this module.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import sys
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path

from monitors.classify import TEXT_NEGATIVE_AT
from monitors.classify.model import FORMAT, WEIGHTS_FILE, TextModel
from monitors.classify.scoring import count
from monitors.classify.text import features

SEED = 13
VALIDATION_SHARE = 0.1
MIN_DOCUMENTS = 3
MAX_FEATURES = 80_000
C = 4.0
REPO = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Example:
    source: str
    text: str
    negative: bool


def corpus_root() -> Path:
    return Path(os.environ.get("RW_CORPUS") or REPO.parent / "shared" / "corpus")


def load_examples(root: Path) -> list[Example]:
    examples = []
    with gzip.open(root / "training" / "reviews_stars.jsonl.gz", "rt", encoding="utf-8") as rows:
        for line in rows:
            review = json.loads(line)
            if review["rating"] == 3:
                continue
            text = f"{review['title']}. {review['text']}" if review["title"] else review["text"]
            examples.append(Example(review["source"], text, review["rating"] <= 2))
    with gzip.open(root / "training" / "sentences_polarity.tsv.gz", "rt", encoding="utf-8") as rows:
        next(rows)  # the header
        for line in rows:
            source, label, text = line.rstrip("\n").split("\t", 2)
            source = "sst2" if source.startswith("sst2") else source
            examples.append(Example(source, text, label == "0"))
    return examples


def split(examples: list[Example]) -> tuple[list[Example], list[Example]]:
    """(training, validation): VALIDATION_SHARE of each (source, label), drawn with SEED.

    Plain Python, so `make eval` can rebuild the same validation split without scikit-learn."""
    groups: dict[tuple[str, bool], list[Example]] = {}
    for example in examples:
        groups.setdefault((example.source, example.negative), []).append(example)
    chooser = random.Random(SEED)
    training, validation = [], []
    for key in sorted(groups):
        group = groups[key]
        chooser.shuffle(group)
        held = round(len(group) * VALIDATION_SHARE)
        validation += group[:held]
        training += group[held:]
    return training, validation


def sample_weights(examples: list[Example]) -> list[float]:
    """Each source weighs the same in total, and each label half of its source."""
    per_group = Counter((example.source, example.negative) for example in examples)
    sources = {example.source for example in examples}
    share = len(examples) / len(sources) / 2
    return [share / per_group[(example.source, example.negative)] for example in examples]


def fit(examples: list[Example], vocabulary: list[str] | None = None):
    import numpy as np
    from sklearn.feature_extraction.text import CountVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import normalize

    vectorizer = CountVectorizer(
        analyzer=features, binary=True, min_df=MIN_DOCUMENTS, vocabulary=vocabulary
    )
    matrix = normalize(vectorizer.fit_transform([example.text for example in examples]) * 1.0)
    labels = np.array([example.negative for example in examples])
    model = LogisticRegression(C=C, solver="liblinear", random_state=SEED, max_iter=1000)
    model.fit(matrix, labels, sample_weight=sample_weights(examples))
    return vectorizer.get_feature_names_out(), model.coef_[0], float(model.intercept_[0])


def train(examples: list[Example]) -> dict:
    names, weights, _ = fit(examples)
    heaviest = sorted(range(len(names)), key=lambda i: -abs(weights[i]))[:MAX_FEATURES]
    names, weights, bias = fit(examples, sorted(str(names[i]) for i in heaviest))
    return {
        "format": FORMAT,
        "bias": round(bias, 5),
        "weights": {str(name): round(float(w), 5) for name, w in zip(names, weights, strict=True)},
        "trained_on": dict(sorted(Counter(example.source for example in examples).items())),
        "seed": SEED,
    }


def validate(model: TextModel, examples: list[Example]) -> dict[str, dict[str, float]]:
    """Precision, recall and F1 of the negative class, per source and for all sources."""
    outcomes: dict[str, list[tuple[bool, bool]]] = {}
    for example in examples:
        flagged = model.read(example.text).negative >= TEXT_NEGATIVE_AT
        for group in (example.source, "all"):
            outcomes.setdefault(group, []).append((flagged, example.negative))
    return {group: asdict(count(pairs).rounded()) for group, pairs in sorted(outcomes.items())}


def write(data: dict, path: Path) -> None:
    """Byte-for-byte reproducible: sorted keys, and no time stamp or file name in the gzip
    header."""
    payload = json.dumps(data, sort_keys=True, separators=(",", ":")).encode("utf-8")
    with (
        path.open("wb") as raw,
        gzip.GzipFile(filename="", fileobj=raw, mode="wb", mtime=0) as handle,
    ):
        handle.write(payload)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=corpus_root())
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / WEIGHTS_FILE)
    args = parser.parse_args(argv)
    training, validation = split(load_examples(args.corpus))
    print(f"Training on {len(training):,} examples, validating on {len(validation):,}…")
    data = train(training)
    data["validation"] = validate(TextModel.from_data(data), validation)
    write(data, args.out)
    print(f"Wrote {len(data['weights']):,} weights to {args.out}")
    print(f"{'source':<20} {'examples':>8} {'negative':>8} {'P':>6} {'R':>6} {'F1':>6}")
    for group, row in data["validation"].items():
        print(
            f"{group:<20} {row['examples']:>8,} {row['negative']:>8,} "
            f"{row['precision']:>6.3f} {row['recall']:>6.3f} {row['f1']:>6.3f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
