"""`manage.py classify`: one tab-separated verdict per non-blank stdin line, owner rules applied."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from monitors.models import ClassificationRules


def run_classify(text: str, *args: str) -> list[list[str]]:
    out = StringIO()
    call_command("classify", *args, stdin=StringIO(text), stdout=out)
    return [line.split("\t") for line in out.getvalue().splitlines()]


@pytest.mark.django_db
def test_each_non_blank_line_gets_label_two_decimal_score_and_reason():
    rows = run_classify("Terrible food and rude staff.\n\n   \nGreat service, love it!\n")
    assert len(rows) == 2
    label, score, reason = rows[0]
    assert label == "negative" and "'terrible'" in reason and "'rude'" in reason
    assert reason.endswith(" in 'Terrible food and rude staff.'")
    assert score.startswith("-0.") and len(score.split(".")[1]) == 2
    assert rows[1][0] == "positive" and float(rows[1][1]) > 0.5


@pytest.mark.django_db
def test_rating_option_applies_to_every_line():
    rows = run_classify("Love this place.\nFriendly staff.\n", "--rating", "1")
    assert [row[0] for row in rows] == ["negative", "negative"]
    assert all(row[2] == "rating 1/5" for row in rows)


@pytest.mark.django_db
def test_owner_always_flag_rule_applies():
    ClassificationRules.objects.update_or_create(pk=1, defaults={"always_flag": "parking"})
    rows = run_classify("The parking was easy to find.\n")
    assert rows == [["negative", "-0.50", "owner rule: always flag 'parking'"]]


@pytest.mark.django_db
def test_rating_outside_zero_to_five_is_refused():
    with pytest.raises(CommandError, match="--rating must be a number from 0 to 5"):
        run_classify("Fine.\n", "--rating", "7")
