"""How the classifier cuts text into sentences and which negated words it sees: the same at
run time as in training (monitors/classify/text.py)."""

from __future__ import annotations

import pytest

from monitors.classify.text import features, split_sentences


@pytest.mark.parametrize(
    ("text", "sentences"),
    [
        ("The soup arrived cold.  \n  Nobody came.", ["The soup arrived cold.", "Nobody came."]),
        (
            "Great phone.Battery life is poor!Really?",
            ["Great phone.", "Battery life is poor!", "Really?"],
        ),
        ("Wait\u2026 what?\tOK", ["Wait\u2026", "what?", "OK"]),
        ("line one\r\nline two", ["line one", "line two"]),
        ("a\u2028b. c", ["a\u2028b.", "c"]),  # only a line feed breaks a line
        ("U.S.A. rules", ["U.", "S.", "A.", "rules"]),
        ("  \n\n ", []),
        ("It wasn't good, but fine", ["It wasn't good, but fine"]),
    ],
)
def test_text_is_cut_into_sentences_at_line_breaks_and_sentence_ends(text, sentences):
    assert split_sentences(text) == sentences


@pytest.mark.parametrize(
    ("text", "negated"),
    [
        ("I don't like it, not at all", ["not:all", "not:at", "not:it", "not:like"]),
        ("not not bad", ["not:bad"]),  # the second negator reaches on from there
        ("no! never good but nice", ["not:good"]),  # "!" and "but" end the reach
        ("It wasn't very good", ["not:good", "not:very"]),
    ],
)
def test_a_negation_turns_the_next_three_words_until_the_clause_turns(text, negated):
    assert sorted(f for f in features(text) if f.startswith("not:")) == negated
    assert "don't like" in features("I don't like it")  # word pairs stay as they were
