"""Tone check for public replies to reviews.

The advice every owner hears: answer in public with humility (thank, apologise, name the
problem, offer a remedy, take the details private) and never argue. This module turns that
into findings with a why and a humbler wording. The phrases live in tone_rules.toml so an
owner can extend them with a file of the same structure; no database, no Django.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

Severity = Literal["problem", "suggestion"]
SEVERITIES: tuple[Severity, ...] = ("problem", "suggestion")
DEFAULT_RULES_PATH = Path(__file__).with_name("tone_rules.toml")


@dataclass(frozen=True)
class Finding:
    code: str  # stable slug, e.g. "missing_thanks", "defensive_phrase"
    severity: Severity
    message: str  # what was found, quoting the phrase
    why: str  # why it matters, one sentence
    suggestion: str  # a humbler wording, or what to add
    start: int | None = None  # offsets into the reply; None for a missing element
    end: int | None = None


@dataclass(frozen=True)
class ToneReport:
    score: int  # 0..100
    findings: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when nothing in the reply would harm the business if posted as is."""
        return not any(finding.severity == "problem" for finding in self.findings)

    @property
    def codes(self) -> set[str]:
        return {finding.code for finding in self.findings}


@dataclass(frozen=True)
class _RequiredElement:
    missing: Finding  # reported as is when no signal is found
    negative_only: bool
    signals: tuple[re.Pattern[str], ...]


@dataclass(frozen=True)
class _AvoidRule:
    pattern: re.Pattern[str]
    found: Finding  # its message is the label; the matched text and offsets are added per match
    exempt_business_contacts: bool


@dataclass(frozen=True)
class ToneRules:
    """The parsed, validated rules; build with load_tone_rules()."""

    weights: dict[str, int]
    required: tuple[_RequiredElement, ...]
    avoid: tuple[_AvoidRule, ...]
    acknowledgement: Finding
    ignored_stems: frozenset[str]
    all_caps: Finding  # message is the label
    all_caps_min_letters: int
    all_caps_allowed: frozenset[str]
    too_long: Finding


# --- Loading and validating the rules file ------------------------------------------------


def load_tone_rules(extra_rules: Path | str | None = None) -> ToneRules:
    """Read the default rules with the owner's extension merged on top.

    Raises ValueError naming the file and the problem when a rules file is invalid.
    """
    document = _read_toml(DEFAULT_RULES_PATH)
    source = DEFAULT_RULES_PATH
    if extra_rules is not None:
        source = Path(extra_rules)
        document = _merge(document, _read_toml(source))
    try:
        return _parse_rules(document)
    except ValueError as error:
        raise ValueError(f"{source}: {error}") from error


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as file:
            return tomllib.load(file)
    except tomllib.TOMLDecodeError as error:
        raise ValueError(f"{path}: not valid TOML: {error}") from error


def _merge(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    """Tables merge key by key, lists are appended, plain values from extra replace the base."""
    merged = dict(base)
    for key, value in extra.items():
        current = merged.get(key)
        if isinstance(value, dict) and isinstance(current, dict):
            merged[key] = _merge(current, value)
        elif isinstance(value, list) and isinstance(current, list):
            merged[key] = current + value
        else:
            merged[key] = value
    return merged


_STRINGS = "list of strings"
_KIND_NAMES = {str: "string", int: "integer", bool: "boolean", list: "list", dict: "table"}
_ADVICE = {"severity": str, "why": str, "suggestion": str}


def _checked(
    table: Any, where: str, required: dict[str, Any], optional: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Check a table's keys and value kinds against a small schema; return the table."""
    allowed = {**required, **(optional or {})}
    if not isinstance(table, dict):
        raise ValueError(f"[{where}] must be a table")
    if unknown := sorted(set(table) - set(allowed)):
        raise ValueError(f"[{where}] has unknown keys {unknown}; allowed: {sorted(allowed)}")
    if missing := sorted(set(required) - set(table)):
        raise ValueError(f"[{where}] is missing {missing}")
    for key, value in table.items():
        kind = allowed[key]
        if kind == _STRINGS:
            valid = isinstance(value, list) and all(isinstance(v, str) and v.strip() for v in value)
        else:
            valid = isinstance(value, kind) and not (kind is int and isinstance(value, bool))
        if not valid:
            raise ValueError(f"[{where}] {key} must be a {_KIND_NAMES.get(kind, kind)}")
    if table.get("severity", SEVERITIES[0]) not in SEVERITIES:
        raise ValueError(f"[{where}] severity must be one of {SEVERITIES}")
    return table


def _template(code: str, table: dict[str, Any], message: str) -> Finding:
    return Finding(code, table["severity"], message, table["why"], table["suggestion"])


def _phrase_pattern(phrase: str) -> str:
    """Whole-word, whitespace-tolerant pattern; a straight apostrophe also matches a curly one."""
    body = r"\s+".join(re.escape(word) for word in phrase.split()).replace("'", "['’]")
    head = r"(?<!\w)" if re.match(r"\w", phrase.strip()) else ""
    tail = r"(?!\w)" if re.search(r"\w$", phrase.strip()) else ""
    return head + body + tail


def _compile(pattern: str, where: str) -> re.Pattern[str]:
    try:
        return re.compile(pattern, re.IGNORECASE)
    except re.error as error:
        raise ValueError(f"[{where}] invalid regex {pattern!r}: {error}") from error


def _parse_rules(document: dict[str, Any]) -> ToneRules:
    sections = ("score", "required", "acknowledgement", "avoid", "all_caps", "too_long")
    _checked(document, "top level", dict.fromkeys(sections, dict))
    weights = _checked(document["score"], "score", dict.fromkeys(SEVERITIES, int))
    ack_schema = {**_ADVICE, "message": str}
    ack = _checked(
        document["acknowledgement"], "acknowledgement", ack_schema, {"ignore_words": _STRINGS}
    )
    caps_schema = {**_ADVICE, "label": str, "min_letters": int}
    all_caps = _checked(document["all_caps"], "all_caps", caps_schema, {"allowed": _STRINGS})
    too_long = _checked(document["too_long"], "too_long", _ADVICE)
    return ToneRules(
        weights=weights,
        required=tuple(
            _parse_required(code, table) for code, table in document["required"].items()
        ),
        avoid=tuple(
            rule for code, table in document["avoid"].items() for rule in _parse_avoid(code, table)
        ),
        acknowledgement=_template("missing_acknowledgement", ack, ack["message"]),
        ignored_stems=frozenset(_stem(word.lower()) for word in ack.get("ignore_words", [])),
        all_caps=_template("all_caps", all_caps, all_caps["label"]),
        all_caps_min_letters=all_caps["min_letters"],
        all_caps_allowed=frozenset(word.upper() for word in all_caps.get("allowed", [])),
        too_long=_template("too_long", too_long, ""),
    )


def _parse_required(code: str, table: Any) -> _RequiredElement:
    where = f"required.{code}"
    schema = {**_ADVICE, "message": str, "when": str}
    _checked(table, where, schema, {"phrases": _STRINGS, "regexes": _STRINGS})
    if table["when"] not in ("always", "negative"):
        raise ValueError(f"[{where}] when must be 'always' or 'negative'")
    signals = [_phrase_pattern(phrase) for phrase in table.get("phrases", [])]
    signals += table.get("regexes", [])
    if not signals:
        raise ValueError(f"[{where}] needs at least one phrase or regex")
    return _RequiredElement(
        missing=_template(code, table, table["message"]),
        negative_only=table["when"] == "negative",
        signals=tuple(_compile(signal, where) for signal in signals),
    )


def _parse_avoid(code: str, table: Any) -> list[_AvoidRule]:
    where = f"avoid.{code}"
    schema = {"severity": str, "label": str, "why": str, "rules": list}
    _checked(table, where, schema, {"exempt_business_contacts": bool})
    if not table["rules"]:
        raise ValueError(f"[{where}] needs at least one rule")
    parsed = []
    for number, rule in enumerate(table["rules"], start=1):
        rule_where = f"{where}.rules #{number}"
        optional = {"phrase": str, "regex": str, "why": str, "label": str}
        _checked(rule, rule_where, {"suggestion": str}, optional)
        if ("phrase" in rule) == ("regex" in rule):
            raise ValueError(f"[{rule_where}] needs exactly one of 'phrase' or 'regex'")
        pattern = _phrase_pattern(rule["phrase"]) if "phrase" in rule else rule["regex"]
        found = {"severity": table["severity"], "why": table["why"], **rule}
        parsed.append(
            _AvoidRule(
                pattern=_compile(pattern, rule_where),
                found=_template(code, found, rule.get("label", table["label"])),
                exempt_business_contacts=table.get("exempt_business_contacts", False),
            )
        )
    return parsed


@lru_cache(maxsize=8)
def _cached_rules(extra_rules: str | None, modified_ns: int | None) -> ToneRules:
    """The modification time is part of the key so an edited owner file is picked up."""
    return load_tone_rules(extra_rules)


# --- Checking a reply -----------------------------------------------------------------------


def check_tone(
    reply: str,
    *,
    mention_text: str = "",
    mention_negative: bool = True,
    max_length: int | None = None,
    extra_rules: Path | str | None = None,
    business_contacts: tuple[str, ...] = (),
) -> ToneReport:
    """Check a draft public reply to a mention (review) and score its tone 0..100.

    business_contacts are the business's own email addresses and phone numbers: they may be
    posted, while any other email address or phone number in the reply is private data.
    """
    if extra_rules is None:
        rules = _cached_rules(None, None)
    else:
        rules = _cached_rules(str(extra_rules), Path(extra_rules).stat().st_mtime_ns)
    span_findings = _avoid_findings(reply, rules.avoid, business_contacts)
    span_findings += _all_caps_findings(reply, rules)
    if max_length is not None and len(reply) > max_length:
        message = f"The reply has {len(reply)} characters; the platform shows {max_length}."
        span_findings.append(
            replace(rules.too_long, message=message, start=max_length, end=len(reply))
        )
    span_findings.sort(key=lambda finding: (finding.start, finding.end))
    harmful_spans = [(f.start, f.end) for f in span_findings if f.severity == "problem"]
    findings = span_findings + _missing_findings(reply, rules, mention_negative, harmful_spans)
    if mention_text.strip():
        findings += _acknowledgement_findings(reply, mention_text, rules)
    penalty = sum(rules.weights[finding.severity] for finding in findings)
    return ToneReport(score=max(0, min(100, 100 - penalty)), findings=findings)


def _avoid_findings(
    reply: str, rules: tuple[_AvoidRule, ...], business_contacts: tuple[str, ...]
) -> list[Finding]:
    matches = [
        (match, rule)
        for rule in rules
        for match in rule.pattern.finditer(reply)
        if match.end() > match.start()
        and not (rule.exempt_business_contacts and _is_business(match[0], business_contacts))
    ]
    matches.sort(key=lambda item: (item[0].start(), -item[0].end()))
    covered_until: dict[str, int] = {}
    findings = []
    for match, rule in matches:
        code = rule.found.code
        if match.start() < covered_until.get(code, -1):
            continue  # overlapping matches of one code ("we're sorry you feel that way") count once
        covered_until[code] = match.end()
        message = f'{rule.found.message}: "{match[0]}"'
        findings.append(replace(rule.found, message=message, start=match.start(), end=match.end()))
    return findings


def _is_business(text: str, business_contacts: tuple[str, ...]) -> bool:
    if "@" in text:
        return text.casefold() in {contact.strip().casefold() for contact in business_contacts}
    digits = re.sub(r"\D", "", text)
    for contact in business_contacts:
        shorter, longer = sorted((digits, re.sub(r"\D", "", contact)), key=len)
        # "+1 555 010 2030" and "555-010-2030" are the same number written two ways
        if len(shorter) >= 7 and longer.endswith(shorter):
            return True
    return False


def _all_caps_findings(reply: str, rules: ToneRules) -> list[Finding]:
    """One finding per run of shouted words, so a shouted sentence is one finding, not ten."""
    word_pattern = re.compile(rf"\b[^\W\d_]{{{rules.all_caps_min_letters},}}\b")
    runs: list[tuple[int, int]] = []
    for match in word_pattern.finditer(reply):
        if not match[0].isupper() or match[0] in rules.all_caps_allowed:
            continue
        gap = reply[runs[-1][1] : match.start()] if runs else "."
        if not any(char.islower() or char in ".!?\n" for char in gap):  # "THANK YOU SO MUCH"
            runs[-1] = (runs[-1][0], match.end())
        else:
            runs.append((match.start(), match.end()))
    label = rules.all_caps.message
    return [
        replace(rules.all_caps, message=f'{label}: "{reply[start:end]}"', start=start, end=end)
        for start, end in runs
    ]


def _missing_findings(
    reply: str, rules: ToneRules, mention_negative: bool, harmful_spans: list[tuple[int, int]]
) -> list[Finding]:
    """A signal inside a harmful phrase does not count: "thanks for nothing" thanks nobody."""

    def present(element: _RequiredElement) -> bool:
        return any(
            not any(match.start() < end and start < match.end() for start, end in harmful_spans)
            for signal in element.signals
            for match in signal.finditer(reply)
        )

    return [
        element.missing
        for element in rules.required
        if (mention_negative or not element.negative_only) and not present(element)
    ]


def _acknowledgement_findings(reply: str, mention_text: str, rules: ToneRules) -> list[Finding]:
    mention_words = _content_words(mention_text, rules.ignored_stems)
    if not mention_words:
        return []  # nothing specific to acknowledge
    if set(mention_words) & set(_content_words(reply, rules.ignored_stems)):
        return []
    examples = ", ".join(list(mention_words.values())[:3])
    suggestion = f"{rules.acknowledgement.suggestion} The review mentions: {examples}."
    return [replace(rules.acknowledgement, suggestion=suggestion)]


def _content_words(text: str, ignored_stems: frozenset[str]) -> dict[str, str]:
    """Stem -> first word with it; skips stopwords, generic words, contractions, addresses."""
    words: dict[str, str] = {}
    # "lamps" in help@lamps.example; the lookbehind keeps this linear on one long word
    text = re.sub(r"(?<!\S)\S+@\S+|https?://\S+", " ", text.lower())
    for token in re.findall(r"[^\W\d_]+(?:['’][^\W\d_]+)*", text):
        token = token.replace("’", "'").removesuffix("'s")
        if "'" in token or len(token) < 3:
            continue
        stem = _stem(token)
        if stem not in ignored_stems:
            words.setdefault(stem, token)
    return words


_SUFFIXES = ("ingly", "edly", "ness", "ing", "ies", "ied", "ed", "es", "en", "er", "s")


def _stem(word: str) -> str:
    """A rough stemmer, enough to match "arrived" with "arrive" and "replies" with "reply"."""
    for _ in range(2):  # twice, so "orders" and "order" meet at the same stem
        for suffix in _SUFFIXES:
            if word.endswith(suffix) and len(word) - len(suffix) >= 3:
                word = word[: -len(suffix)] + ("i" if suffix in ("ies", "ied") else "")
                break
        else:
            break
    if len(word) > 3 and word.endswith("e"):
        word = word[:-1]
    return word[:-1] + "i" if word.endswith("y") else word
