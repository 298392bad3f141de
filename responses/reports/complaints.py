"""What customers complain about (issue 15, point 6): root-cause tags over time, the most
frequent complaint phrases this period vs the last, and the remedies offered with their
outcomes.

Complaint phrases are the words the classifier quoted as weighing most in each negative
mention's reason (monitors.classify writes "'charged', 'twice' in sentence 2: '…'"), plus an
owner rule's phrase ("owner rule: always flag 'charged twice'"). They are counted in Python
over at most MAX_MENTIONS_READ of the range's most recent negative mentions: no cloud service,
and memory stays bounded however many mentions the range holds (`capped` says when it was hit).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db.models import Count, F, Q, Window
from django.db.models.functions import RowNumber

from monitors.models import Label, Mention
from responses.models import Case, Remedy
from responses.reports.ratings import local_day
from responses.reports.scope import ReportScope

MAX_MENTIONS_READ = 20_000  # negative mentions read per period for phrases, most recent first
TOP_PHRASES = 10
MENTIONS_PER_PHRASE = 5  # ids kept behind each phrase, most recent first, for a page to link
OUTCOMES_PER_KIND = 5  # resolved cases' outcomes shown per remedy kind, most recent first

_UNDER_STARS = re.compile(r"negative text under \d+(?:\.\d+)?★: ")
_WORDS = re.compile(r"(?P<words>'.+?'(?:, '.+?')*) in (?:sentence \d+: )?'.*'", re.DOTALL)
_OWNER_RULE = re.compile(r"owner rule: always flag '(?P<phrase>.+)'", re.DOTALL)


@dataclass(frozen=True)
class TagCount:
    period_start: date
    tag_id: int | None  # None: cases opened without a tag
    tag_name: str
    cases: int


def phrase_search(phrase: str) -> str:
    """The Mentions list's `q` that finds a phrase's mentions: words that stand together
    quoted, the words around the model's ellipsis apart ("not … work" → `not work`)."""
    parts = (" ".join(part.replace('"', " ").split()) for part in phrase.split("…"))
    return " ".join(f'"{part}"' if " " in part else part for part in parts if part)


@dataclass(frozen=True)
class PhraseCount:
    phrase: str
    count: int
    mention_ids: tuple[int, ...]  # the most recent mentions behind it, at most MENTIONS_PER_PHRASE

    @property
    def search(self) -> str:
        return phrase_search(self.phrase)


@dataclass(frozen=True)
class PhraseTrend:
    phrase: str
    count: int
    previous_count: int
    mention_ids: tuple[int, ...]

    @property
    def change(self) -> int:
        return self.count - self.previous_count

    @property
    def search(self) -> str:
        return phrase_search(self.phrase)


@dataclass(frozen=True)
class ComplaintPhrases:
    rows: list[PhraseTrend]
    mentions_read: int  # negative mentions whose reasons were read this period
    capped: bool  # more negative mentions than MAX_MENTIONS_READ: the oldest were not read


@dataclass(frozen=True)
class RemedyOutcome:
    case_id: int
    outcome: str


@dataclass(frozen=True)
class RemedyRow:
    kind: str
    kind_label: str
    offered: int
    delivered: int
    resolved_cases: int  # cases with this remedy that are resolved now
    outcomes: list[RemedyOutcome]  # the most recent resolved cases' outcome notes

    @property
    def not_delivered(self) -> int:
        return self.offered - self.delivered


def reason_phrases(reason: str) -> list[str]:
    """The complaint phrases a stored reason quotes, lower-cased; [] for a rating's reason,
    "reads as a complaint", a person's correction or anything else."""
    reason = _UNDER_STARS.sub("", " ".join(reason.split()), count=1)
    if rule := _OWNER_RULE.fullmatch(reason):
        return [rule["phrase"].lower()]
    if words := _WORDS.fullmatch(reason):
        return [phrase.lower() for phrase in words["words"][1:-1].split("', '")]
    return []


def count_phrases(reasons: Iterable[tuple[int, str]]) -> list[PhraseCount]:
    """Count each phrase once per mention over (mention id, reason) pairs given most recent
    first; the most frequent first, then alphabetically."""
    counts: Counter[str] = Counter()
    behind: dict[str, list[int]] = {}
    for mention_id, reason in reasons:
        for phrase in dict.fromkeys(reason_phrases(reason)):
            counts[phrase] += 1
            ids = behind.setdefault(phrase, [])
            if len(ids) < MENTIONS_PER_PHRASE:
                ids.append(mention_id)
    return [
        PhraseCount(phrase, count, tuple(behind[phrase]))
        for phrase, count in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    ]


def negative_reasons(scope: ReportScope, *fields: str):
    """(id, reason, *fields) of the scope's negative mentions, most recent first, at most
    MAX_MENTIONS_READ + 1 (one more, to tell when the cap was hit)."""
    return (
        Mention.objects.filter(scope.mentions(), label=Label.NEGATIVE)
        .order_by("-first_seen_at", "-id")
        .values_list("id", "reason", *fields)[: MAX_MENTIONS_READ + 1]
    )


def complaint_phrases(scope: ReportScope, top: int = TOP_PHRASES) -> ComplaintPhrases:
    """The `top` phrases of this period, each with its count in the previous period. Two
    queries."""
    current = list(negative_reasons(scope))
    previous = list(negative_reasons(scope.previous()))
    counted = count_phrases(current[:MAX_MENTIONS_READ])[:top]
    before = {row.phrase: row.count for row in count_phrases(previous[:MAX_MENTIONS_READ])}
    rows = [
        PhraseTrend(row.phrase, row.count, before.get(row.phrase, 0), row.mention_ids)
        for row in counted
    ]
    capped = len(current) > MAX_MENTIONS_READ
    return ComplaintPhrases(rows, min(len(current), MAX_MENTIONS_READ), capped)


def tags_over_time(scope: ReportScope) -> list[TagCount]:
    """Cases opened per root-cause tag per period (a case with two tags counts under each;
    untagged cases under tag None). One query."""
    rows = (
        Case.objects.filter(_cases_opened(scope))
        .annotate(period=scope.truncate("opened_at"))
        .values("period", "tags__id", "tags__name")
        .annotate(cases=Count("id", distinct=True))
        .order_by("period", F("tags__name").asc(nulls_last=True), "tags__id")
    )
    return [
        TagCount(
            local_day(row["period"], scope), row["tags__id"], row["tags__name"] or "", row["cases"]
        )
        for row in rows
    ]


def remedies(scope: ReportScope) -> list[RemedyRow]:
    """Remedies offered in the range per kind: how many, how many delivered, how many of their
    cases are resolved, and the latest resolved cases' outcome notes. Two queries."""
    offered = (
        Remedy.objects.filter(_remedies_offered(scope))
        .values("kind")
        .annotate(
            offered=Count("id"),
            delivered=Count("id", filter=Q(delivered_at__isnull=False)),
            resolved_cases=Count(
                "case", filter=Q(case__status=Case.Status.RESOLVED), distinct=True
            ),
        )
        .order_by("-offered", "kind")
    )
    outcomes = (
        Remedy.objects.filter(
            _remedies_offered(scope), case__status=Case.Status.RESOLVED, case__outcome__gt=""
        )
        .values("kind", "case_id", "case__outcome")
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("kind")],
                order_by=[F("case__resolved_at").desc(nulls_last=True), F("case_id").desc()],
            )
        )
        .filter(rank__lte=OUTCOMES_PER_KIND)
        .order_by("kind", "rank")
    )
    notes: dict[str, list[RemedyOutcome]] = {}
    for row in outcomes:
        outcome = RemedyOutcome(row["case_id"], row["case__outcome"])
        if outcome not in notes.setdefault(row["kind"], []):  # two refunds on one case
            notes[row["kind"]].append(outcome)
    labels = dict(Remedy.Kind.choices)
    return [
        RemedyRow(
            kind=row["kind"],
            kind_label=labels.get(row["kind"], row["kind"]),
            offered=row["offered"],
            delivered=row["delivered"],
            resolved_cases=row["resolved_cases"],
            outcomes=notes.get(row["kind"], []),
        )
        for row in offered
    ]


def _chosen(scope: ReportScope, mention: str) -> Q:
    """The scope's sources and subject, on the mention at path `mention`."""
    chosen = Q()
    if scope.source_ids:
        chosen &= Q(**{f"{mention}source_id__in": scope.source_ids})
    if scope.subject:
        chosen &= Q(**{f"{mention}subject": scope.subject})
    return chosen


def _cases_opened(scope: ReportScope) -> Q:
    return Q(opened_at__gte=scope.since, opened_at__lt=scope.until) & _chosen(scope, "mention__")


def _remedies_offered(scope: ReportScope) -> Q:
    in_range = Q(offered_at__gte=scope.since, offered_at__lt=scope.until)
    return in_range & _chosen(scope, "case__mention__")
