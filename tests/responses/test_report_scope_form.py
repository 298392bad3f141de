"""The report's period, sources and subject come from the URL; what cannot be read is named
and the last 30 days are shown instead."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

import pytest
from django.http import QueryDict

from monitors.models import Source
from responses.reports.scope_form import ReportScopeForm

pytestmark = pytest.mark.django_db
TODAY = date(2026, 12, 2)
PARIS = ZoneInfo("Europe/Paris")


def scope_of(query: str):
    form = ReportScopeForm(QueryDict(query))
    return form.scope(PARIS, TODAY), form.problems()


@pytest.mark.parametrize(
    "query, first, last",
    [
        ("", date(2026, 11, 3), TODAY),
        ("range=7", date(2026, 11, 26), TODAY),
        ("range=90", date(2026, 9, 4), TODAY),
        ("range=year", date(2026, 1, 1), TODAY),
        ("range=custom&since=2026-10-01&until=2026-10-31", date(2026, 10, 1), date(2026, 10, 31)),
    ],
)
def test_each_period_covers_the_days_it_names(query, first, last):
    scope, problems = scope_of(query)
    assert (scope.first_day, scope.last_day, problems) == (first, last, [])


def test_sources_and_subject_narrow_the_scope():
    kept = Source.objects.create(name="Reviews", url="https://r.example/")
    scope, problems = scope_of(f"source={kept.pk}&subject=competitor")
    assert (scope.source_ids, scope.subject, problems) == ((kept.pk,), "competitor", [])


@pytest.mark.parametrize(
    "query, says",
    [
        ("range=custom&since=2026-10-31&until=2026-10-01", "The last day comes before the first."),
        ("range=custom&since=2026-13-45&until=2026-10-01", "Enter a valid date."),
        ("range=custom", "Choose both dates, or another period."),
        ("range=custom&since=2001-01-01&until=2026-01-01", "Choose at most five years."),
        ("range=forever", "Select a valid choice."),
        ("source=abc", "is not a valid value"),
    ],
)
def test_a_value_that_cannot_be_read_is_named_and_the_last_30_days_shown(query, says):
    scope, problems = scope_of(query)
    assert (scope.first_day, scope.last_day) == (date(2026, 11, 3), TODAY)
    assert any(says.rstrip(".") in problem for problem in problems), problems
