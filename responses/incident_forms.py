"""Forms for incidents: declaring one (prefilled from a spike alert's proposal), status updates,
the reply for every linked case, the "what we learned" note, and the script library."""

from __future__ import annotations

from datetime import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from monitors.models import Source, Subject
from responses.incidents import offered_scripts
from responses.models import LONGEST_PLATFORM_LIMIT, Incident, IncidentScript
from responses.reply_placeholders import PLACEHOLDERS, placeholders_in

LOCAL_MINUTE = "%Y-%m-%dT%H:%M"
PLACEHOLDER_HELP = "Placeholders: " + ", ".join("{" + name + "}" for name in PLACEHOLDERS) + "."


def _checked_text(text: str) -> str:
    if len(text) > LONGEST_PLATFORM_LIMIT:
        raise ValidationError(
            f"It has {len(text)} characters; no review site shows more than "
            f"{LONGEST_PLATFORM_LIMIT}. Shorten it."
        )
    placeholders_in(text)
    return text


class DeclareForm(forms.ModelForm):
    started_at = forms.DateTimeField(
        label="Started",
        help_text="In your time zone; may be in the past. Mentions seen since then are linked.",
        widget=forms.DateTimeInput({"type": "datetime-local"}, format=LOCAL_MINUTE),
    )
    sources = forms.ModelMultipleChoiceField(
        queryset=Source.objects.filter(subject=Subject.OURS).order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Every negative mention from these is part of it (a status page, an app).",
    )

    class Meta:
        model = Incident
        fields = ["title", "customer_impact", "started_at", "script", "phrases", "staff_note"]
        widgets = {
            "customer_impact": forms.Textarea({"rows": 3}),
            "phrases": forms.Textarea({"rows": 3}),
        }
        labels = {"phrases": "Phrases", "staff_note": "Note for the team"}
        help_texts = {
            "title": "What broke, as the team will call it: \u201cLogin outage\u201d.",
            "script": "Its holding statement becomes the draft of every linked case.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["script"].queryset = offered_scripts()
        self.fields["script"].empty_label = "No script"

    @classmethod
    def proposed(cls, query) -> DeclareForm:
        """A blank form, or one filled from a spike alert's proposal (?phrase=…&started=…)."""
        initial = {"started_at": timezone.localtime().replace(second=0, microsecond=0)}
        phrase = query.get("phrase", "").strip()[:200]
        if phrase:
            initial |= {"phrases": phrase, "title": f"Complaints about \u201c{phrase}\u201d"}
        try:
            started = datetime.fromisoformat(query.get("started", ""))
        except ValueError:
            started = None
        if started is not None and timezone.is_aware(started):
            initial["started_at"] = timezone.localtime(started).replace(second=0, microsecond=0)
        return cls(initial=initial)

    def clean_started_at(self) -> datetime:
        started = self.cleaned_data["started_at"]
        if started > timezone.now():
            raise ValidationError("An incident cannot start in the future.")
        return started


class UpdateForm(forms.Form):
    status = forms.ChoiceField(choices=Incident.Status.choices)
    message = forms.CharField(
        label="What changed",
        max_length=2000,
        widget=forms.Textarea({"rows": 3}),
        help_text="On \u201cResolved\u201d every linked case gets a follow-up.",
    )
    staff_note = forms.CharField(label="Note for the team", max_length=300, required=False)


class IncidentReplyForm(forms.Form):
    text = forms.CharField(
        label="Reply to every linked case",
        max_length=LONGEST_PLATFORM_LIMIT,
        widget=forms.Textarea({"rows": 6}),
        help_text=PLACEHOLDER_HELP,
    )

    def clean_text(self) -> str:
        return _checked_text(self.cleaned_data["text"])


class LearnedForm(forms.Form):
    learned = forms.CharField(
        label="What we learned",
        max_length=5000,
        required=False,
        widget=forms.Textarea({"rows": 4}),
    )
    followup_text = forms.CharField(
        label="What happened and what we changed",
        max_length=LONGEST_PLATFORM_LIMIT,
        required=False,
        widget=forms.Textarea({"rows": 4}),
        help_text="The follow-up message for every linked case. " + PLACEHOLDER_HELP,
    )

    def clean_followup_text(self) -> str:
        return _checked_text(self.cleaned_data["followup_text"])


class IncidentScriptForm(forms.ModelForm):
    class Meta:
        model = IncidentScript
        fields = ["name", "situation", "body", "followup_body", "position"]
        widgets = {
            "body": forms.Textarea({"rows": 6}),
            "followup_body": forms.Textarea({"rows": 6}),
        }
        labels = {"body": "Holding statement", "followup_body": "Follow-up once fixed"}
        help_texts = {"body": PLACEHOLDER_HELP, "followup_body": PLACEHOLDER_HELP}

    def clean_body(self) -> str:
        return _checked_text(self.cleaned_data["body"])

    def clean_followup_body(self) -> str:
        return _checked_text(self.cleaned_data["followup_body"])

    def save(self, commit: bool = True) -> IncidentScript:
        self.instance.updated_at = timezone.now()
        return super().save(commit)
