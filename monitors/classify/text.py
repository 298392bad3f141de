"""Text as the classifier reads it: sentences, the language check, and the features the model
weighs. Training (monitors/classify/training.py) uses these same functions, so what the model
learned is exactly what it sees at run time."""

from __future__ import annotations

import re
from functools import cache
from itertools import compress, count, islice

# Sentences end at a line break, or at whitespace after . ! ? or an ellipsis.
_AFTER_SENTENCE_END = re.compile(r"(?<=[.!?\u2026])\s+")
_GLUED_PUNCTUATION = re.compile(r"(?<=[^\W\d_])([.!?,;:\u2026]+)(?=[^\W\d_])")
_LETTERS_WORD = re.compile(r"[^\W\d_]+")
# Latin script: Basic Latin, Latin-1, Extended-A and -B, and Extended Additional letters.
_LATIN_LETTERS = re.compile(r"[A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\u1e00-\u1eff]+")
_TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z]+)?|[!?]")
_OTHER_APOSTROPHES = ("\u2019", "\u2018", "\u02bc", "`")

ENGLISH_FUNCTION_WORDS = frozenset(
    {"the", "a", "an", "and", "or", "but", "is", "are", "was", "were", "it", "its", "i", "me"}
    | {"my", "you", "your", "we", "our", "this", "that", "these", "to", "of", "in", "on", "at"}
    | {"for", "with", "from", "not", "have", "has", "had", "be", "been", "very", "so", "they"}
)
# Frequent words of other Latin-script languages that are not also English words.
OTHER_FUNCTION_WORDS = frozenset(
    {"der", "das", "und", "nicht", "ist", "ich", "mit", "sehr", "aber", "auch", "ein", "kein"}
    | {"le", "les", "et", "est", "pas", "je", "une", "des", "du", "très", "mais", "avec", "nous"}
    | {"el", "los", "las", "que", "es", "muy", "pero", "por", "una", "y", "del", "con", "está"}
    | {"não", "muito", "é", "uma", "você", "il", "che", "non", "è", "molto", "della", "sono"}
    | {"het", "een", "niet", "en", "ik", "van", "maar", "ook", "zeer"}
)
MIN_WORDS_FOR_LANGUAGE_GUESS = 4
# Words too common to explain anything on their own; never named as a reason.
PLAIN_WORDS = frozenset(
    {"a", "an", "the", "and", "or", "but", "if", "so", "than", "then", "as", "of", "to", "in"}
    | {"on", "at", "by", "for", "with", "from", "about", "into", "over", "after", "before"}
    | {"i", "me", "my", "we", "us", "our", "you", "your", "he", "she", "it", "its", "they"}
    | {"them", "their", "this", "that", "these", "those", "there", "here", "what", "which"}
    | {"who", "is", "are", "was", "were", "be", "been", "am", "do", "does", "did", "have"}
    | {"has", "had", "will", "would", "can", "could", "just", "also", "all", "one", "time"}
    | {"i'm", "it's", "i've", "get", "got", "out", "up", "!", "?"}
)
NEGATORS = frozenset({"not", "no", "never", "nothing", "nobody", "none", "nor", "without"})
NEGATION_REACH = 3  # words after a negator that it turns around
NEGATION_BREAKS = frozenset({"!", "?", "but"})
# The language check reads this much of a long text: enough to tell, and the cost stays flat.
LANGUAGE_SAMPLE_CHARS = 1500


def normalise_apostrophes(text: str) -> str:
    """Make curly and modifier apostrophes plain, so "doesn’t" matches "doesn't"."""
    for other in _OTHER_APOSTROPHES:
        if other in text:  # a plain scan is far cheaper than str.translate on long text
            text = text.replace(other, "'")
    return text


def split_sentences(text: str) -> list[str]:
    """Sentences, also where writers leave out the space ("the phone.Battery life")."""
    spaced = _GLUED_PUNCTUATION.sub(r"\1 ", text)
    return [
        sentence
        for line in spaced.split("\n")
        for part in _AFTER_SENTENCE_END.split(line)
        if (sentence := part.strip())
    ]


def tokens(text: str) -> list[str]:
    """Lower-cased words (keeping "didn't" whole), and ! and ? as tokens of their own."""
    return _TOKEN.findall(normalise_apostrophes(text.lower()))


def features(text: str) -> set[str]:
    """The words and word pairs of a text, and the words a negation reaches ("not:bad" in
    "not bad at all"): what the model has a weight for."""
    words = tokens(text)
    found = set(words)
    negating = {word for word in found if word in NEGATORS or word[-3:] == "n't"}
    found.update(map(" ".join, zip(words, islice(words, 1, None), strict=False)))
    for start in compress(count(), map(negating.__contains__, words)):
        for word in words[start + 1 : start + 1 + NEGATION_REACH]:
            if word in NEGATION_BREAKS or word in negating:
                break  # the clause turned, or the next negator reaches on from here
            found.add(f"not:{word}")
    return found


def explains(feature: str) -> bool:
    """Whether a feature says something an owner can read: not only plain words."""
    words = feature.removeprefix("not:").split()
    return not all(word in PLAIN_WORDS for word in words)


def readable(feature: str) -> str:
    """A feature as words: "not:work" (a negated word) reads "not … work"."""
    return f"not … {feature[4:]}" if feature.startswith("not:") else feature


def is_supported_language(text: str) -> bool:
    """Cheap English check: mostly Latin letters, and not more foreign function words."""
    text = text[:LANGUAGE_SAMPLE_CHARS].lower()
    words = _LETTERS_WORD.findall(text)
    letters = sum(map(len, words))
    if not letters:
        return True
    latin = sum(map(len, _LATIN_LETTERS.findall(text)))
    if latin / letters < 0.5:
        return False
    if len(words) < MIN_WORDS_FOR_LANGUAGE_GUESS:
        return True
    english = sum(1 for word in words if word in ENGLISH_FUNCTION_WORDS)
    other = sum(1 for word in words if word in OTHER_FUNCTION_WORDS)
    return other <= english


@cache
def phrase_pattern(phrase: str) -> re.Pattern[str]:
    """Case-insensitive pattern for a phrase on word boundaries.

    Spaces match any run of whitespace and an apostrophe may be left out ("doesnt").
    """
    parts = [re.escape(word).replace("'", "'?") for word in phrase.split()]
    return re.compile(r"(?<!\w)" + r"\s+".join(parts) + r"(?!\w)", re.IGNORECASE)
