"""The report filters a person picks (last 7/30/90 days, this year, or their own dates; sources;
our business or the competitors), read from the URL into a ReportScope. A value that cannot be
read is named and the default used instead, so a bad bookmark still shows a report."""

from __future__ import annotations

from datetime import date, timedelta
from zoneinfo import ZoneInfo

from django import forms

from monitors.models import Source, Subject
from responses.reports.scope import DEFAULT_PRESET, PRESETS, ReportScope, last_days

LONGEST_RANGE = timedelta(days=5 * 366)  # a report over more than five years is refused
RANGE_CHOICES = [
    ("7", "Last 7 days"),
    ("30", "Last 30 days"),
    ("90", "Last 90 days"),
    ("year", "This year"),
    ("custom", "Dates I choose"),
]


class ReportScopeForm(forms.Form):
    range = forms.ChoiceField(choices=RANGE_CHOICES, required=False, label="Period")
    since = forms.DateField(required=False, label="From", widget=forms.DateInput({"type": "date"}))
    until = forms.DateField(required=False, label="To", widget=forms.DateInput({"type": "date"}))
    source = forms.ModelMultipleChoiceField(
        queryset=Source.objects.order_by("name"), required=False, label="Sources"
    )
    subject = forms.ChoiceField(
        choices=[("", "Us and competitors"), *Subject.choices], required=False, label="About"
    )

    def clean(self) -> dict:
        data = super().clean()
        if data.get("range") == "custom":
            since, until = data.get("since"), data.get("until")
            if not since or not until:
                self.add_error("since", "Choose both dates, or another period.")
            elif until < since:
                self.add_error("until", "The last day comes before the first.")
            elif until - since > LONGEST_RANGE:
                self.add_error("until", "Choose at most five years.")
        return data

    def scope(self, zone: ZoneInfo, today: date) -> ReportScope:
        """The scope asked for; the last 30 days where the form has errors."""
        data = self.cleaned_data if self.is_valid() else {}
        chosen = data.get("range") or DEFAULT_PRESET
        if chosen == "custom":
            scope = ReportScope(first_day=data["since"], last_day=data["until"], zone=zone)
        elif chosen == "year":
            scope = ReportScope(first_day=today.replace(month=1, day=1), last_day=today, zone=zone)
        else:
            scope = last_days(PRESETS[chosen], today, zone)
        sources = tuple(source.pk for source in data.get("source") or ())
        return ReportScope(
            first_day=scope.first_day,
            last_day=scope.last_day,
            zone=zone,
            source_ids=sources,
            subject=data.get("subject") or "",
        )

    def problems(self) -> list[str]:
        """What could not be read, in words, for a message above the report."""
        if self.is_valid():
            return []
        return [
            f"{self.fields[name].label if name in self.fields else 'Filter'}: {message}"
            for name, messages in self.errors.items()
            for message in messages
        ]
