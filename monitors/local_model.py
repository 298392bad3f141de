"""Fit, judge and choose the local adjustment (monitors/classify/adjustment.py).

Local examples are this installation's own mentions with words: those a person corrected (their
label, weighing CORRECTION_WEIGHT) and star-rated ones (1-2★ negative, 4-5★ not; 3★ is mixed and
left out). A quarter of each label is held back, the same quarter every run (by mention id);
the adjustment is kept only if it beats the shipped model there by MIN_GAIN in F1 of the
negative class. `manage.py train_local` and a daily task run it.
"""

from __future__ import annotations

from functools import lru_cache
from operator import itemgetter

from django.db import connection
from django.db.models import Q
from django.utils import timezone

from monitors.classify import TEXT_NEGATIVE_AT
from monitors.classify.adjustment import AdjustedModel, Adjustment, Example, figures, fit
from monitors.classify.model import TextModel, shipped_model
from monitors.models import BlockedAuthor, ClassificationRules, LocalAdjustment, Mention

MAX_EXAMPLES = 5000  # the newest; fitting stays in seconds
MIN_EXAMPLES = 100
MIN_PER_LABEL = 20
CORRECTION_WEIGHT = 3.0
HELD_BACK_EVERY = 4  # one in four of each label judges the fit
MIN_GAIN = 0.02


def local_examples() -> list[tuple[int, Example]]:
    """(mention id, example), newest first."""
    rows = (
        Mention.objects.filter(
            Q(corrected_negative__isnull=False) | Q(rating__lte=2) | Q(rating__gte=4)
        )
        .exclude(text="", title="")
        .order_by("-id")
        .values_list("id", "title", "text", "rating", "corrected_negative")[:MAX_EXAMPLES]
    )
    examples = []
    for mention_id, title, text, rating, corrected in rows:
        words = f"{title}.\n{text}" if title and text else (title or text)
        if corrected is not None:
            examples.append((mention_id, Example(words, corrected, CORRECTION_WEIGHT)))
        else:
            examples.append((mention_id, Example(words, rating <= 2)))
    return examples


def _split(examples: list[tuple[int, Example]]) -> tuple[list[Example], list[Example]]:
    fitting, judging = [], []
    for negative in (True, False):
        same = sorted(
            (pair for pair in examples if pair[1].negative is negative), key=itemgetter(0)
        )
        for position, (_, example) in enumerate(same):
            (judging if position % HELD_BACK_EVERY == 0 else fitting).append(example)
    return fitting, judging


def train_local() -> LocalAdjustment:
    """Fit and judge one adjustment; the row says what happened either way."""
    examples = local_examples()
    negatives = sum(example.negative for _, example in examples)
    corrections = sum(example.weight == CORRECTION_WEIGHT for _, example in examples)
    row = LocalAdjustment(ran_at=timezone.now(), corrections=corrections)
    if len(examples) < MIN_EXAMPLES or min(negatives, len(examples) - negatives) < MIN_PER_LABEL:
        row.examples = len(examples)
        row.outcome = (
            f"Not enough local examples yet: {len(examples)} ({negatives} negative); it needs "
            f"{MIN_EXAMPLES}, with at least {MIN_PER_LABEL} of each label."
        )
        row.save()
        return row
    fitting, judging = _split(examples)
    shipped = shipped_model()
    adjustment = fit(shipped, fitting)
    before = figures(shipped, judging, TEXT_NEGATIVE_AT)
    after = figures(AdjustedModel(shipped, adjustment), judging, TEXT_NEGATIVE_AT)
    row.examples, row.held_back = len(fitting), len(judging)
    row.shipped_precision, row.shipped_recall = before.precision, before.recall
    row.adjusted_precision, row.adjusted_recall = after.precision, after.recall
    row.kept = after.f1 >= before.f1 + MIN_GAIN
    if row.kept:
        row.weights = adjustment.as_data()
        row.outcome = f"Kept: F1 {before.f1:.2f} → {after.f1:.2f} on {len(judging)} held back."
    else:
        row.outcome = (
            f"Not kept: F1 {before.f1:.2f} → {after.f1:.2f} on {len(judging)} held back; "
            f"it must gain {MIN_GAIN:.2f}. The shipped model reads this business well."
        )
    row.save()
    return row


def in_use(rules: ClassificationRules | None = None) -> LocalAdjustment | None:
    """The adjustment classification uses now: the newest kept one, unless switched off."""
    if not (rules or ClassificationRules.current()).use_local_adjustment:
        return None
    return LocalAdjustment.objects.filter(kept=True).order_by("-ran_at", "-id").first()


def active_model(rules: ClassificationRules | None = None) -> TextModel | AdjustedModel:
    """The model to classify with: one query (given the rules row), and a fit kept in memory
    per adjustment row."""
    row = in_use(rules)
    return shipped_model() if row is None else _adjusted(row.pk)


def rules_model_and_blocked() -> tuple[str, str, TextModel | AdjustedModel, set[str]]:
    """The owner's always-flag and never-flag lines, the model to classify with and the blocked
    authors' names, in one query: what a poll reads before it classifies."""
    quote = connection.ops.quote_name
    rules, kept = ClassificationRules._meta.db_table, LocalAdjustment._meta.db_table
    sql = (
        "SELECT 1, r.always_flag, r.never_flag, r.use_local_adjustment,"
        f" (SELECT a.id FROM {quote(kept)} a WHERE a.kept ORDER BY a.ran_at DESC, a.id DESC"
        f" LIMIT 1) FROM {quote(rules)} r WHERE r.id = 1 UNION ALL"
        f" SELECT 0, b.name, NULL, NULL, NULL FROM {quote(BlockedAuthor._meta.db_table)} b"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        found = cursor.fetchall()
    blocked = {name for is_rules, name, *_ in found if not is_rules}
    row = next((row for row in found if row[0]), None)
    if row is None:  # the first poll of a new installation
        created = ClassificationRules.current()
        return created.always_flag, created.never_flag, active_model(created), blocked
    _, always_flag, never_flag, use_local, kept_id = row
    model = _adjusted(kept_id) if use_local and kept_id is not None else shipped_model()
    return always_flag, never_flag, model, blocked


@lru_cache(maxsize=4)
def _adjusted(row_id: int) -> AdjustedModel:
    weights = LocalAdjustment.objects.values_list("weights", flat=True).get(pk=row_id)
    return AdjustedModel(shipped_model(), Adjustment.from_data(weights))
