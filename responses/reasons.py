"""Why a mention is flagged, in the few words an inbox row or the Mentions list has room for.

The stored reason (written by monitors.classify, or by a person's correction) stays whole on
the case page and behind the short text; the short text keeps what an owner decides on at a
glance: the stars, the owner's rule, or the words that weighed most, without the quoted sentence.
"""

from __future__ import annotations

import re

SHORT_REASON_MAX = 60

# The shapes monitors.classify and monitors.corrections write.
_RATING = re.compile(r"rating (?P<stars>\d+(?:\.\d+)?)/5")
_UNDER_STARS = re.compile(r"(?P<stars>negative text under \d+(?:\.\d+)?★): (?P<why>.+)")
_WORDS = re.compile(r"(?P<words>'.+?'(?:, '.+?')*) in (?:sentence \d+: )?'.*'")
_COMPLAINT = re.compile(r"reads as a complaint: (?:sentence \d+: )?(?P<quote>'.*')")
_CORRECTED = re.compile(r"(?P<who>corrected by .+): (?P<verdict>(?:not )?negative) \(was \w+\)")


def short_reason(reason: str, limit: int = SHORT_REASON_MAX) -> str:
    """ "rating 1/5" → "1★"; "negative text under 5★: 'charged', 'twice' in sentence 2: '…'" →
    "negative text under 5★ · 'charged', 'twice'"; anything longer than `limit` is cut."""
    return _cut(_essence(" ".join(reason.split())), limit)


def reason_says_more(reason: str) -> bool:
    """Whether the stored reason tells more than its short text (a rating's does not)."""
    reason = " ".join(reason.split())
    return not _RATING.fullmatch(reason) and short_reason(reason) != reason


def _essence(reason: str) -> str:
    if rating := _RATING.fullmatch(reason):
        return f"{rating['stars']}★"
    if under := _UNDER_STARS.fullmatch(reason):
        return f"{under['stars']} · {_essence(under['why'])}"
    if words := _WORDS.fullmatch(reason):
        return words["words"]
    if complaint := _COMPLAINT.fullmatch(reason):
        return f"reads as a complaint: {complaint['quote']}"
    if corrected := _CORRECTED.fullmatch(reason):
        return f"{corrected['who']}: {corrected['verdict']}"
    return reason


def _cut(text: str, limit: int) -> str:
    """At most `limit` characters, cut after a whole word where one ends in the second half."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if text[limit - 1] != " " and space > limit // 2:  # the last word was cut: drop it
        cut = cut[:space]
    return cut.rstrip(" ,·:") + "…"
