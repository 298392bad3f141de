"""Forms for the inbox and Mentions list filters, case actions, bulk actions and the owner's
triage settings."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model

from monitors.models import Label, Source, Subject
from responses.followups import Outcome
from responses.inbox import InboxFilters
from responses.mention_list import MentionFilters
from responses.models import Case, Health, Tag, TriageSettings
from reviewwatch.request_values import whole_number

STATUS_FILTER_CHOICES = [
    ("open", "Open"),
    ("breached", "Breached"),
    *Case.Status.choices,
    ("all", "All"),
]
RATING_CHOICES = [
    ("", "Any rating"),
    ("1", "1★"),
    ("2", "2★ or less"),
    ("3", "3★ or less"),
    ("4", "4★ or less"),
    ("none", "No rating"),
]


def active_people():
    return get_user_model().objects.filter(is_active=True).order_by("email")


def is_active_colleague(value: str) -> bool:
    person_id = whole_number(value)
    return person_id is not None and active_people().filter(pk=person_id).exists()


class MentionFilterFields(forms.Form):
    """The filters the inbox and the Mentions list share, read from GET so any view can be
    bookmarked. A value that is not understood leaves its filter out rather than failing the
    page; ignored_values() says which, in words."""

    q = forms.CharField(required=False, label="Search text", max_length=200)
    source = forms.ModelChoiceField(
        required=False, queryset=Source.objects.all(), empty_label="All sources"
    )
    subject = forms.ChoiceField(required=False, choices=[("", "Any subject"), *Subject.choices])
    rating = forms.ChoiceField(required=False, choices=RATING_CHOICES)
    since = forms.DateField(
        required=False, label="Seen from", widget=forms.DateInput({"type": "date"})
    )
    until = forms.DateField(
        required=False, label="Seen until", widget=forms.DateInput({"type": "date"})
    )

    EXPECTED = {
        "q": "text to search for (at most 200 characters)",
        "source": "one of the sources",
        "subject": "ours or a competitor",
        "rating": "one of the ratings in the list",
        "since": "a date such as 2026-03-31",
        "until": "a date such as 2026-03-31",
    }

    def valid_values(self) -> dict:
        """The cleaned value of every field that was understood."""
        self.is_valid()
        return {
            name: self.cleaned_data.get(name) for name in self.fields if name not in self.errors
        }

    def ignored_values(self) -> list[str]:
        """One sentence per value that was not understood, naming it and what was expected."""
        self.is_valid()
        sentences = []
        for name in self.fields:
            if name not in self.errors:
                continue
            shown = "".join(c for c in str(self.data.get(name, "")) if c.isprintable())
            shown = shown if len(shown) <= 40 else shown[:39] + "…"
            expected = self.EXPECTED.get(name, "a value in the list")
            sentences.append(
                f"{self.fields[name].label or name.title()}: “{shown}” is not {expected}, "
                "so this filter is left out."
            )
        return sentences


class InboxFilterForm(MentionFilterFields):
    """The inbox filters: the mention filters, the case's status, assignee and tag, and the
    health of the customer who wrote it."""

    status = forms.ChoiceField(required=False, choices=STATUS_FILTER_CHOICES)
    assignee = forms.ChoiceField(required=False, label="Assignee")
    tag = forms.ModelChoiceField(required=False, queryset=Tag.objects.all(), empty_label="Any tag")
    health = forms.ChoiceField(
        required=False, label="Customer health", choices=[("", "Any health"), *Health.choices]
    )
    field_order = ["q", "status", "source", "subject", "assignee"]
    field_order += ["rating", "tag", "health", "since", "until"]

    def __init__(self, data, people: list, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["assignee"].choices = [
            ("", "Anyone"),
            ("mine", "Mine"),
            ("unassigned", "Unassigned"),
            *((str(p.pk), p.email) for p in people),
        ]

    def filters(self) -> InboxFilters:
        """The valid filters; an invalid value is ignored rather than failing the page."""
        data = self.valid_values()
        return InboxFilters(
            status=data.get("status") or "open",
            source_id=data["source"].pk if data.get("source") else None,
            subject=data.get("subject") or "",
            assignee=data.get("assignee") or "",
            max_rating=data.get("rating") or "",
            tag_id=data["tag"].pk if data.get("tag") else None,
            since=data.get("since"),
            until=data.get("until"),
            q=data.get("q") or "",
            health=data.get("health") or "",
        )


class MentionFilterForm(MentionFilterFields):
    """The Mentions list filters: the inbox's that apply to mentions, and the label."""

    label = forms.ChoiceField(required=False, choices=[("", "Any label"), *Label.choices])
    field_order = ["q", "source", "subject", "rating", "label", "since", "until"]
    EXPECTED = {**MentionFilterFields.EXPECTED, "label": "negative, neutral or positive"}

    def filters(self) -> MentionFilters:
        data = self.valid_values()
        return MentionFilters(
            source_id=data["source"].pk if data.get("source") else None,
            subject=data.get("subject") or "",
            max_rating=data.get("rating") or "",
            label=data.get("label") or "",
            since=data.get("since"),
            until=data.get("until"),
            q=data.get("q") or "",
        )


class VersionedForm(forms.Form):
    """Carries the version the person saw, for optimistic locking."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class AssignForm(VersionedForm):
    assignee = forms.CharField(label="Assign to")  # "me", "nobody" or a user id

    def clean_assignee(self) -> str:
        value = self.cleaned_data["assignee"]
        if value in ("me", "nobody"):
            return value
        if not is_active_colleague(value):
            raise forms.ValidationError("Choose an active colleague.")
        return value


class StatusForm(VersionedForm):
    """The one way to change a case's status, resolving included (with how it ended)."""

    status = forms.ChoiceField(choices=Case.Status.choices)
    dismiss_reason = forms.ChoiceField(
        required=False, choices=[("", "—"), *Case.DismissReason.choices], label="Reason"
    )
    outcome = forms.ChoiceField(required=False, choices=[("", "—"), *Outcome.CHOICES])
    outcome_note = forms.CharField(required=False, max_length=400)

    def clean(self) -> dict:
        data = super().clean()
        if data.get("status") == Case.Status.DISMISSED and not data.get("dismiss_reason"):
            self.add_error("dismiss_reason", "Say why the case is dismissed.")
        return data


class PriorityForm(VersionedForm):
    priority = forms.TypedChoiceField(choices=Case.Priority.choices, coerce=int)


class TagsForm(VersionedForm):
    tags = forms.ModelMultipleChoiceField(
        required=False,
        queryset=Tag.objects.filter(archived=False),
        widget=forms.CheckboxSelectMultiple,
    )


class NoteForm(forms.Form):
    body = forms.CharField(
        label="Internal note",
        max_length=5000,
        widget=forms.Textarea({"rows": 3}),
        help_text="Only your team sees notes. Write @name to email a colleague.",
    )


class MergeForm(VersionedForm):
    into = forms.IntegerField(label="Merge into case number", min_value=1)

    def clean_into(self) -> Case:
        case = Case.objects.filter(pk=self.cleaned_data["into"]).first()
        if case is None:
            raise forms.ValidationError("There is no case with this number.")
        return case


class BulkForm(forms.Form):
    """Several cases at once; each checkbox value is "id:version" as the person saw it."""

    ACTIONS = [("assign", "Assign"), ("dismiss", "Dismiss"), ("resolve", "Resolve")]
    action = forms.ChoiceField(choices=ACTIONS)
    cases = forms.MultipleChoiceField(required=True)
    assignee = forms.CharField(required=False)
    dismiss_reason = forms.ChoiceField(
        required=False, choices=[("", "—"), *Case.DismissReason.choices], label="Reason"
    )

    def __init__(self, data, **kwargs):
        super().__init__(data, **kwargs)
        values = data.getlist("cases") if data is not None else []
        self.fields["cases"].choices = [(v, v) for v in values]

    def clean_cases(self) -> list[tuple[int, int]]:
        pairs = []
        for value in self.cleaned_data["cases"]:
            case_id, _, version = (whole_number(part) for part in value.partition(":"))
            if case_id is None or version is None:
                raise forms.ValidationError("Reload the inbox and select the cases again.")
            pairs.append((case_id, version))
        return pairs

    def clean(self) -> dict:
        data = super().clean()
        if data.get("action") == "dismiss" and not data.get("dismiss_reason"):
            self.add_error("dismiss_reason", "Say why the cases are dismissed.")
        if data.get("action") == "assign":
            value = data.get("assignee") or ""
            if value not in ("me", "nobody") and not is_active_colleague(value):
                self.add_error("assignee", "Choose an active colleague.")
        return data


class TriageSettingsForm(forms.ModelForm):
    tag_names = forms.CharField(
        label="Root-cause tags",
        widget=forms.Textarea({"rows": 7}),
        help_text="One per line. A removed tag stays on the cases that have it.",
    )

    class Meta:
        model = TriageSettings
        fields = ["urgent_hours", "standard_hours"]
        labels = {
            "urgent_hours": "Urgent target (hours)",
            "standard_hours": "Standard target (hours)",
        }

    def clean_tag_names(self) -> list[str]:
        names: list[str] = []
        for line in self.cleaned_data["tag_names"].splitlines():
            name = " ".join(line.split())[:60]
            if name and name.casefold() not in {n.casefold() for n in names}:
                names.append(name)
        if not names:
            raise forms.ValidationError("Keep at least one tag.")
        return names

    def clean(self) -> dict:
        data = super().clean()
        for field in ("urgent_hours", "standard_hours"):
            if data.get(field) is not None and data[field] <= 0:
                self.add_error(field, "A target must be more than zero hours.")
        return data
