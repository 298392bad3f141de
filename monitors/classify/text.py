"""Text as the classifier reads it: sentences, the language check, and the features the model
weighs. Training (monitors/classify/training.py) uses these same functions, so what the model
learned is exactly what it sees at run time."""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Mapping
from functools import cache, cached_property
from itertools import compress, count, islice

# Sentences end at a line break, or at whitespace after . ! ? or an ellipsis.
_SENTENCE_END = re.compile(r"([.!?\u2026])\s+")
_GLUED_PUNCTUATION = re.compile(r"(?<=[^\W\d_])([.!?,;:\u2026]+)(?=[^\W\d_])")
# Finds quickly whether there is anything for _GLUED_PUNCTUATION to space at all.
_PUNCTUATION_BEFORE_LETTER = re.compile(r"[.!?,;:\u2026](?=[^\W\d_])")
_LETTERS_WORD = re.compile(r"[^\W\d_]+")
# Latin script: Basic Latin, Latin-1, Extended-A and -B, and Extended Additional letters.
_LATIN_LETTERS = re.compile(r"[A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\u1e00-\u1eff]+")
_TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z]+)?|[!?]")
_TOKEN_OR_LINE_BREAK = re.compile(_TOKEN.pattern + r"|\n")
_ALL_BUT_PLAIN_LETTERS = bytes(sorted(set(range(256)) - set(b"abcdefghijklmnopqrstuvwxyz")))
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
NEGATED = "not:"  # the prefix of a negated word's feature
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
    # Its look-behind makes the substitution slow on long text, which mostly has nothing glued.
    glued = _PUNCTUATION_BEFORE_LETTER.search(text)
    spaced = _GLUED_PUNCTUATION.sub(r"\1 ", text) if glued else text
    # [text, its end mark, text, ...]: a look-behind would make the split slow on long text.
    parts = _SENTENCE_END.split(spaced)
    ends = [*parts[1::2], ""]
    return [
        sentence
        for part, end in zip(parts[::2], ends, strict=True)
        for line in (part + end).split("\n")
        if (sentence := line.strip())
    ]


def sentence_lengths(sentences: list[str]) -> list[int]:
    """How many tokens each sentence has (one tokenising pass over all of them: they hold no
    line breaks, so a line break between each marks where one ends)."""
    if not sentences:
        return []
    joined = normalise_apostrophes("\n".join(sentences).lower())
    found = _TOKEN_OR_LINE_BREAK.findall(joined)
    lengths, start = [], 0
    for _ in range(len(sentences) - 1):
        end = found.index("\n", start)
        lengths.append(end - start)
        start = end + 1
    lengths.append(len(found) - start)
    return lengths


def tokens(text: str) -> list[str]:
    """Lower-cased words (keeping "didn't" whole), and ! and ? as tokens of their own."""
    return _TOKEN.findall(normalise_apostrophes(text.lower()))


def features(text: str) -> set[str]:
    """The words and word pairs of a text, and the words a negation reaches ("not:bad" in
    "not bad at all"): what the model has a weight for."""
    words = tokens(text)
    found = set(words)
    negated = [NEGATED + words[reached] for _, reached in negations(words, found)]
    found.update(map(" ".join, zip(words, islice(words, 1, None), strict=False)))
    found.update(negated)
    return found


def negations(words: list[str], unique: set[str]) -> list[tuple[int, int]]:
    """(negator's position, position of a word it reaches), in order; `unique` is set(words)."""
    negating = {word for word in unique if word in NEGATORS or word[-3:] == "n't"}
    reached = []
    for start in compress(count(), map(negating.__contains__, words)):
        for position, word in enumerate(words[start + 1 : start + 1 + NEGATION_REACH], start + 1):
            if word in NEGATION_BREAKS or word in negating:
                break  # the clause turned, or the next negator reaches on from here
            reached.append((start, position))
    return reached


class Lookup:
    """A text's words looked up in a vocabulary (a model's weights): the known features of
    the whole text, and of any stretch of its words (a sentence) read as if on its own."""

    def __init__(self, vocabulary: Mapping[str, object], words: list[str]):
        self.vocabulary = vocabulary
        self.words = words

    @cached_property
    def _unique(self) -> set[str]:
        return set(self.words)

    @cached_property
    def _pairs(self) -> list[str]:
        """Each word with the next, as the feature would read."""
        return list(map(" ".join, zip(self.words, islice(self.words, 1, None), strict=False)))

    @cached_property
    def _negated(self) -> list[tuple[int, int, str]]:
        """(negator's position, negated word's position, feature) of the known negations."""
        words, known = self.words, self.vocabulary.__contains__
        return [
            (negator, reached, feature)
            for negator, reached in negations(words, self._unique)
            if known(feature := NEGATED + words[reached])
        ]

    @cached_property
    def whole(self) -> frozenset[str]:
        """vocabulary & features(text), given the text's tokens: the same features, looked up
        directly instead of first collected into a set of every feature of a long text."""
        keys = self.vocabulary.keys()
        found = keys & self._unique
        found.update(keys & self._pairs)
        found.update(feature for _, _, feature in self._negated)
        return frozenset(found)

    def within(self, start: int, end: int) -> frozenset[str]:
        """The known features of words[start:end]: those found wholly inside it, since in a
        text of its own no pair or negation reaches past its ends."""
        known_words, known_pairs = self._known_at
        found = set(compress(self.words[start:end], known_words[start:end]))
        stop = max(start, end - 1)  # the last pair inside starts at the stretch's last word but one
        found.update(compress(self._pairs[start:stop], known_pairs[start:stop]))
        # Negations are in the order of their negators, and each reaches short of the next.
        negated = self._negated
        for _, word, feature in islice(negated, bisect_left(negated, (start,)), None):
            if word >= end:
                break  # this negation, and any later, reaches past the stretch
            found.add(feature)
        return frozenset(found)

    @cached_property
    def _known_at(self) -> tuple[list[bool], list[bool]]:
        """Whether each word, and each pair from each word, is known: worked out once per text
        from the whole text's (few) known features."""
        known = self.whole.__contains__
        return list(map(known, self.words)), list(map(known, self._pairs))


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
    # Plain a-z letters are Latin: when they are half the letters, the script check passes.
    plain = len(text.encode("ascii", "ignore").translate(None, _ALL_BUT_PLAIN_LETTERS))
    if 2 * plain < letters and sum(map(len, _LATIN_LETTERS.findall(text))) / letters < 0.5:
        return False
    if len(words) < MIN_WORDS_FOR_LANGUAGE_GUESS:
        return True
    english = sum(map(ENGLISH_FUNCTION_WORDS.__contains__, words))
    other = sum(map(OTHER_FUNCTION_WORDS.__contains__, words))
    return other <= english


@cache
def phrase_pattern(phrase: str) -> re.Pattern[str]:
    """Case-insensitive pattern for a phrase on word boundaries.

    Spaces match any run of whitespace and an apostrophe may be left out ("doesnt").
    """
    parts = [re.escape(word).replace("'", "'?") for word in phrase.split()]
    return re.compile(r"(?<!\w)" + r"\s+".join(parts) + r"(?!\w)", re.IGNORECASE)
