"""Complaint words VADER does not know, and a negation-aware matcher for them.

VADER scores "it crashes" or "I want a refund" as 0.0: its lexicon is about feelings, not
about products failing. These terms are the everyday vocabulary of complaints across apps,
shops, restaurants and services. Three tiers:

- SEVERE terms (fraud, charged twice) are complaints that also warrant the fast response;
- DEFECT terms (crashes, doesn't work) are complaints wherever they stand;
- CONTEXTUAL terms (customer service, refund) are only topics: they count as a complaint
  when the sentence around them is not positive ("great customer service" is praise).

A term preceded by a negator in the same clause ("no crashes at all", "never had a
problem", "without any glitches") is not a complaint. The single words are also given to
VADER (see complaint_words_for_vader) so that its scores and its own negation handling hear
them too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from monitors.classify.text import normalise_apostrophes, phrase_pattern

SEVERE_TERMS: tuple[str, ...] = (
    "scam",
    "scammed",
    "scammers",
    "fraud",
    "fraudulent",
    "rip off",
    "ripoff",
    "ripped off",
    "charged twice",
    "double charged",
    "unauthorized charge",
    "unauthorized charges",
    "stolen",
    "food poisoning",
    "made me sick",
    "got sick",
    "lawsuit",
)

DEFECT_TERMS: tuple[str, ...] = (
    "crash",
    "crashes",
    "crashed",
    "crashing",
    "freezes",
    "freezing",
    "froze",
    "glitch",
    "glitches",
    "glitchy",
    "buggy",
    "doesn't work",
    "does not work",
    "didn't work",
    "did not work",
    "don't work",
    "do not work",
    "won't work",
    "will not work",
    "isn't working",
    "not working",
    "stopped working",
    "never works",
    "barely works",
    "no longer works",
    "won't load",
    "will not load",
    "doesn't load",
    "not loading",
    "won't open",
    "will not open",
    "won't let me",
    "will not let me",
    "doesn't let me",
    "does not let me",
    "can't log in",
    "cannot log in",
    "can't login",
    "unable to log in",
    "can't sign in",
    "logs me out",
    "logged me out",
    "log in issues",
    "login issues",
    "timed out",
    "times out",
    "error message",
    "broken",
    "defective",
    "faulty",
    "unusable",
    "unreliable",
    "uninstall",
    "uninstalled",
    "uninstalling",
    "deleted the app",
    "waste of money",
    "waste of time",
    "overcharged",
    "hidden fees",
    "overpriced",
    "never again",
    "never going back",
    "never coming back",
    "won't be back",
    "will not be back",
    "not coming back",
    "would not recommend",
    "wouldn't recommend",
    "do not recommend",
    "don't recommend",
    "stay away",
    "never arrived",
    "never showed up",
    "never delivered",
    "wrong order",
    "never heard back",
    "never responded",
    "no response",
    "no reply",
    "trash",
    "garbage",
    "junk",
    "flimsy",
    "cheaply made",
    "counterfeit",
    "nightmare",
    "inexcusable",
    "mediocre",
    "laggy",
    "falls apart",
    "fell apart",
    "design flaw",
    "please fix",
    "needs to be fixed",
    "reinstall",
    "money back",
    "save your money",
    "buyer beware",
    "steer clear",
    "look elsewhere",
)

# Families of wording too varied for a phrase list: something failing to do its job, advice
# not to buy, and sending the thing back. The matched words become the reason.
DEFECT_PATTERNS: tuple[str, ...] = (
    r"(?:(?:does|do|did|will|would|could|can|is|was|are|were)(?:n'?t|\s+not)|cannot|won'?t"
    r"|never|none\s+of\s+\w+|neither(?:\s+\w+)?)\s+(?:\w+\s+)?(?:get\s+(?:\w+\s+){1,2}to\s+)?"
    r"(?:work|works|worked|working|charge|charging|load|loading|open|connect|pair|sync|fit"
    r"|stay|match|hold|last|respond|recognize|function|save)",
    r"(?:don'?t|do\s+not|never)\s+(?:buy|purchase|bother|waste)",
    r"return(?:ed|ing)?\s+(?:it|them|this|these|my)|(?:send|sending|sent)\s+\w+\s+back",
)

CONTEXTUAL_TERMS: tuple[str, ...] = (
    "customer service",
    "customer support",
    "refund",
    "on hold",
    "waited",
    "slow",
    "expensive",
    "issue",
    "issues",
    "bug",
    "bugs",
    "not enough",
    "poorly",
    "cheaply",
    "cheap plastic",
    "break",
    "breaks",
    "broke",
    "dropped calls",
    "lacking",
    "expected better",
    "hoping for more",
    "never got",
    "never received",
    "still waiting",
    "died",
    "dying",
)

# Inability ("can't upload ringtones") and excess ("too small"), unless the idiom is praise.
CONTEXTUAL_PATTERNS: tuple[str, ...] = (
    r"(?:can'?t|cannot|couldn'?t|could\s+not|unable\s+to)\s+"
    r"(?!wait|beat|go\s+wrong|complain|say\s+enough|recommend|believe|get\s+enough|stop|be\b"
    r"|have\b|ask\b)\w+",
    r"too\s+(?:small|big|large|heavy|light|loud|quiet|short|slow|hot|cold|expensive|pricey"
    r"|salty|sweet|greasy|noisy|dark|thin|tight|loose|complicated|confusing|long\s+to)",
)

# Praise VADER misreads as negative because of the negation in it.
PRAISE_IDIOMS: tuple[tuple[str, str], ...] = (
    (
        r"(?:could(?:n'?t|\s+not)|can'?t|cannot)\s+be\s+(?:any\s+)?(?:happier|better|more\s+\w+)",
        "am very happy",
    ),
)

NEGATORS: frozenset[str] = frozenset(
    {
        "no",
        "not",
        "never",
        "without",
        "zero",
        "none",
        "nothing",
        "hardly",
        "barely",
        "fixed",
        "stopped",
        "longer",
        "less",
    }
)

# Words before a term searched for a negator: "no reception or sound issues" is four back.
NEGATION_WINDOW = 4
# VADER's valence for "problem" is -1.7 and for "bad" -2.5; a complaint word sits between.
VADER_COMPLAINT_VALENCE = -2.0

_CLAUSE_BREAK = re.compile(r"[,;:.!?()]|\bbut\b|\bhowever\b", re.IGNORECASE)
_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?")


@dataclass(frozen=True)
class ComplaintHit:
    """A complaint term found in a text."""

    term: str
    severe: bool
    contextual: bool = False  # a topic word, weaker evidence than a defect


def complaint_words_for_vader() -> dict[str, float]:
    """Single-word complaint terms with the valence VADER should give them."""
    words = (term for term in SEVERE_TERMS + DEFECT_TERMS if " " not in term and "'" not in term)
    return {word: VADER_COMPLAINT_VALENCE for word in words}


def _is_negated(text: str, start: int) -> bool:
    """True when a negator stands in the same clause within a few words before `start`."""
    before = text[:start]
    breaks = list(_CLAUSE_BREAK.finditer(before))
    clause = before[breaks[-1].end() :] if breaks else before
    words = _WORD.findall(clause.lower())[-NEGATION_WINDOW:]
    return any(word in NEGATORS or word.endswith("n't") for word in words)


@cache
def _compiled(tier: tuple[str, ...], patterns: tuple[str, ...] = ()) -> tuple[re.Pattern[str], ...]:
    compiled = [phrase_pattern(term) for term in tier]
    compiled += [re.compile(r"(?<!\w)" + p + r"(?!\w)", re.IGNORECASE) for p in patterns]
    return tuple(compiled)


def _first_unnegated(text: str, patterns: tuple[re.Pattern[str], ...]) -> str | None:
    """The first match not negated in its clause, as lowercase words."""
    for pattern in patterns:
        for match in pattern.finditer(text):
            if not _is_negated(text, match.start()):
                return " ".join(match.group().lower().split())
    return None


def find_complaint(sentence: str, sentence_is_positive: bool) -> ComplaintHit | None:
    """The first complaint term in one sentence, most serious tier first, or None."""
    text = normalise_apostrophes(sentence)
    term = _first_unnegated(text, _compiled(SEVERE_TERMS))
    if term:
        return ComplaintHit(term, severe=True)
    term = _first_unnegated(text, _compiled(DEFECT_TERMS, DEFECT_PATTERNS))
    if term:
        return ComplaintHit(term, severe=False)
    if sentence_is_positive:
        return None
    term = _first_unnegated(text, _compiled(CONTEXTUAL_TERMS, CONTEXTUAL_PATTERNS))
    return ComplaintHit(term, severe=False, contextual=True) if term else None


# Words VADER scores as praise that reviewers mostly use as intensifiers: "truly awful" and
# "pretty bad" are complaints, but VADER adds +1.9 / +2.2 for the first word and calls them
# neutral. Before another word they become "very", which VADER treats as a booster.
INTENSIFIER_BEFORE_WORD = re.compile(r"\b(?:truly|pretty|super|seriously)\s+(?=[^\W\d_])", re.I)


def plain_praise(text: str) -> str:
    """Rewrite what VADER misreads: praise idioms it scores as negative ("couldn't be happier")
    and intensifiers it scores as praise ("truly awful")."""
    text = normalise_apostrophes(text)
    for idiom, plain in PRAISE_IDIOMS:
        text = re.sub(idiom, plain, text, flags=re.IGNORECASE)
    return INTENSIFIER_BEFORE_WORD.sub("very ", text)
