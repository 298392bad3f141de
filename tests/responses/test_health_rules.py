"""Health colours from a table of histories: each rule and each boundary, with the reason shown.
The rule is a pure function of a customer's history and the owner's thresholds."""

from __future__ import annotations

from decimal import Decimal

import pytest

from responses.customer_health import History, judge
from responses.models import HealthSettings

DEFAULTS = HealthSettings()  # 30 days, red at 2 negatives, yellow at 3★ or less


@pytest.mark.parametrize(
    ("history", "health", "reason"),
    [
        (History(), "green", "No complaints in 30 days"),
        # Repeat complaints: one below the threshold is yellow, the threshold is red.
        (History(negatives_recent=1), "yellow", "1 negative review in 30 days"),
        (History(negatives_recent=2), "red", "2 negative reviews in 30 days"),
        # A case past due with no reply is red on its own; merely open is yellow.
        (History(open_cases=1), "yellow", "1 open case"),
        (History(open_cases=1, overdue_cases=1), "red", "Case overdue"),
        (
            History(negatives_recent=2, open_cases=1, overdue_cases=1),
            "red",
            "2 negative reviews in 30 days, case overdue",
        ),
        # A relapse (a recovered review dropped back) is red.
        (History(relapses_recent=1), "red", "Review dropped back after our reply"),
        # Latest rating: 3★ (the threshold) is yellow, 4★ is green.
        (History(latest_rating=Decimal(3)), "yellow", "Latest rating 3★"),
        (History(latest_rating=Decimal("3.5")), "green", "No complaints in 30 days"),
        # Recovery after our reply, and praise, are named on a green customer.
        (
            History(recoveries=1, latest_rating=Decimal(5)),
            "green",
            "Recovered after our reply",
        ),
        (History(praise_recent=2, latest_rating=Decimal(5)), "green", "2 happy reviews in 30 days"),
    ],
)
def test_each_history_gets_its_colour_and_the_reason_shown(history, health, reason):
    verdict = judge(history, DEFAULTS)
    assert (verdict.health, verdict.reason) == (health, reason)


def test_the_owners_thresholds_move_the_boundaries():
    strict = HealthSettings(window_days=7, red_negatives=1, yellow_max_rating=4)
    assert judge(History(negatives_recent=1), strict).reason == "1 negative review in 7 days"
    assert judge(History(negatives_recent=1), strict).health == "red"
    assert judge(History(latest_rating=Decimal(4)), strict).health == "yellow"
