"""Forms of the Customers and Advocates pages and the health settings."""

from __future__ import annotations

from django import forms

from responses.forms import active_people
from responses.models import AdvocateAsk, Customer, Health, HealthSettings, HealthSettingsChange


class CustomerFilterForm(forms.Form):
    q = forms.CharField(required=False, label="Name", max_length=300)
    health = forms.ChoiceField(
        required=False, choices=[("", "Any health"), *Health.choices], label="Health"
    )


class CustomerEmailForm(forms.ModelForm):
    class Meta:
        model = Customer
        fields = ["email"]
        labels = {"email": "Email they gave us"}


class EscalateForm(forms.Form):
    person = forms.ModelChoiceField(
        queryset=active_people(), label="Escalate to", empty_label="Choose someone"
    )


class AskForm(forms.Form):
    kind = forms.ChoiceField(choices=AdvocateAsk.Kind.choices, label="Ask for")


class AnswerForm(forms.Form):
    answer = forms.ChoiceField(
        choices=[(AdvocateAsk.Answer.YES, "Yes"), (AdvocateAsk.Answer.NO, "No")], label="Answer"
    )
    note = forms.CharField(required=False, max_length=500, label="Note (optional)")


class ThankForm(forms.Form):
    text = forms.CharField(widget=forms.Textarea({"rows": 4}), max_length=2000, label="Thank-you")


class HealthSettingsForm(forms.ModelForm):
    class Meta:
        model = HealthSettings
        fields = [
            "window_days",
            "red_negatives",
            "yellow_max_rating",
            "advocate_min_rating",
            "ask_again_days",
        ]
        labels = {
            "window_days": "Recent means the last (days)",
            "red_negatives": "Red at this many negative reviews",
            "yellow_max_rating": "Yellow at a latest rating of at most (stars)",
            "advocate_min_rating": "A happy review has at least (stars)",
            "ask_again_days": "Ask the same person again after (days)",
        }

    def save_audited(self, actor) -> list[HealthSettingsChange]:
        """Save, and record one change row per threshold that changed."""
        changes = [
            HealthSettingsChange(
                changed_by=actor,
                field=self.fields[name].label,
                old_value=str(self.initial[name]),
                new_value=str(self.cleaned_data[name]),
            )
            for name in self.changed_data
        ]
        self.save()
        return HealthSettingsChange.objects.bulk_create(changes)
