"""Owner forms: a source (with its App Store and address checks), the rules, a blocked author."""

from __future__ import annotations

import re
from decimal import Decimal

from django import forms

from monitors.models import (
    DEFAULT_HISTORY_DAYS,
    MAX_HISTORY_DAYS,
    MIN_POLL_MINUTES,
    BlockedAuthor,
    Platform,
    Source,
    Subject,
)
from monitors.netguard import UnsafeURL, validate_source_url
from monitors.parsers.app_store import app_store_feed_url
from monitors.polling import address_policy

MAX_PHRASE_CHARS = 100
MAX_URL_CHARS = 2000
TOO_LONG_URL = (
    "This address is %(show_value)s characters long; ReviewWatch takes addresses of at most "
    "%(limit_value)s. Copy the address without its tracking part (after ? or #), or use the "
    "page's short address."
)
MAX_POLL_MINUTES = 7 * 24 * 60
# The feed URL we store for an App Store source, read back so the edit form shows id + country.
_APP_STORE_FEED = re.compile(r"itunes\.apple\.com/([a-z]{2})/rss/customerreviews/id=(\d+)/")


class SourceForm(forms.ModelForm):
    """Name, kind and address of a source. For the App Store, `url` takes the app's link or id
    and `country` its store; the stored URL is the reviews feed built from both."""

    url = forms.CharField(
        label="Address",
        max_length=MAX_URL_CHARS,
        help_text="The feed or page address (https://…). For the App Store: the app's link "
        "(https://apps.apple.com/…/id123456789) or its number.",
        error_messages={"required": "Enter the address to watch.", "max_length": TOO_LONG_URL},
    )
    country = forms.CharField(
        label="App Store country",
        max_length=20,
        required=False,
        error_messages={"max_length": "Enter a two-letter country code such as us."},
        initial="us",
        help_text="Two letters, such as us, gb or de.",
    )
    poll_interval_minutes = forms.IntegerField(
        label="Check every (minutes)",
        initial=15,
        help_text=f"At least {MIN_POLL_MINUTES} minutes, so sites are not asked too often.",
        error_messages={
            "invalid": "Enter a whole number of minutes, such as 15.",
            "required": "Enter how often to check, in minutes (15 is a good start).",
        },
    )

    history_days = forms.IntegerField(
        label="Older reviews are history after (days)",
        required=False,
        min_value=0,
        max_value=MAX_HISTORY_DAYS,
        help_text="What the first check finds published longer ago than this is stored and "
        "searchable but opens no case and sets off no alert; the source page offers to open "
        f"cases for it. Leave empty for {DEFAULT_HISTORY_DAYS}.",
        error_messages={
            "invalid": "Enter a whole number of days, such as 7.",
            "min_value": "Enter 0 days or more.",
            "max_value": f"Enter {MAX_HISTORY_DAYS} days or fewer.",
        },
    )

    class Meta:
        model = Source
        fields = [
            "name",
            "kind",
            "url",
            "subject",
            "competitor_name",
            "poll_interval_minutes",
            "history_days",
            "enabled",
        ]
        labels = {
            "kind": "Kind of source",
            "subject": "Whose reviews are these?",
            "competitor_name": "Competitor's name",
            "enabled": "Check this source automatically",
        }
        help_texts = {"competitor_name": "As customers write it, such as “Acme Bank”."}
        error_messages = {"name": {"required": "Give this source a name, such as “Google Alerts”."}}
        widgets = {"subject": forms.RadioSelect}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # No maxlength in the page: a browser would cut a long pasted address silently, where
        # the form says why it is refused.
        self.fields["url"].widget.attrs.pop("maxlength", None)
        # Platform sources are added from their connection (monitors/views/connections.py).
        self.fields["kind"].choices = [
            (value, label) for value, label in Source.Kind.choices if value not in Platform.values
        ]
        if self.instance.pk and self.instance.kind == Source.Kind.APP_STORE and not self.is_bound:
            found = _APP_STORE_FEED.search(self.instance.url)
            if found:
                self.initial["country"], self.initial["url"] = found.group(1), found.group(2)

    def clean_poll_interval_minutes(self) -> int:
        minutes = self.cleaned_data["poll_interval_minutes"]
        if minutes < MIN_POLL_MINUTES:
            raise forms.ValidationError(
                f"Check at most every {MIN_POLL_MINUTES} minutes: enter {MIN_POLL_MINUTES} or more."
            )
        if minutes > MAX_POLL_MINUTES:
            raise forms.ValidationError("Check at least once a week: enter 10080 or fewer.")
        return minutes

    def clean_history_days(self) -> int:
        days = self.cleaned_data["history_days"]
        return DEFAULT_HISTORY_DAYS if days is None else days

    def clean(self) -> dict:
        data = super().clean()
        if data.get("subject") == Subject.COMPETITOR:
            if not data.get("competitor_name", "").strip():
                self.add_error("competitor_name", "Name the competitor these reviews are about.")
        else:
            data["competitor_name"] = ""
        if data.get("kind") != Source.Kind.APP_STORE:
            # The country belongs to App Store sources only: whatever else was typed is ignored.
            self.errors.pop("country", None)
            data["country"] = ""
        if "url" in data and "kind" in data:
            self._clean_address(data)
        return data

    def _clean_address(self, data: dict) -> None:
        address = data["url"].strip()
        if data["kind"] == Source.Kind.APP_STORE:
            try:
                address = app_store_feed_url(address, data.get("country") or "us")
            except ValueError as error:
                field = "country" if str(error).startswith("country") else "url"
                self.add_error(field, _sentence(str(error)))
                return
        demo_address = self.instance.is_demo and address == self.instance.url
        if self.instance.is_demo and not demo_address:
            self.instance.is_demo = False  # a new address: an ordinary source from now on
        try:
            data["url"] = validate_source_url(
                address, allow_private=address_policy(self.instance if demo_address else None)
            )
        except UnsafeURL as error:
            self.add_error("url", str(error))
            return
        if len(data["url"]) > MAX_URL_CHARS:
            too_long = {"show_value": len(data["url"]), "limit_value": MAX_URL_CHARS}
            self.add_error("url", TOO_LONG_URL % too_long)

    def _get_validation_exclusions(self) -> set[str]:
        # The model's URLField would re-judge an address the netguard has already checked.
        exclusions = super()._get_validation_exclusions()
        exclusions.add("url")
        return exclusions


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")


class PhraseListField(forms.CharField):
    """One phrase per line: blanks and repeats dropped, each line at most 100 characters."""

    widget = forms.Textarea(attrs={"rows": 6})

    def clean(self, value: str) -> str:
        text = super().clean(value)
        phrases: list[str] = []
        problems = []
        for number, line in enumerate(text.splitlines(), start=1):
            phrase = " ".join(line.split())
            if len(phrase) > MAX_PHRASE_CHARS:
                problems.append(
                    f"Line {number} has {len(phrase)} characters; keep each phrase to "
                    f"{MAX_PHRASE_CHARS} or fewer (it starts “{phrase[:30]}…”)."
                )
            elif phrase and phrase.casefold() not in {p.casefold() for p in phrases}:
                phrases.append(phrase)
        if problems:
            raise forms.ValidationError(problems)
        return "\n".join(phrases)


class RulesForm(forms.Form):
    always_flag = PhraseListField(
        label="Always flag",
        required=False,
        help_text="A mention containing any of these words or phrases is flagged as negative. "
        "One per line.",
    )
    never_flag = PhraseListField(
        label="Never flag",
        required=False,
        help_text="Text containing any of these is not flagged for its words (a low star "
        "rating still counts). One per line.",
    )


class TryRulesForm(forms.Form):
    text = forms.CharField(
        label="Text of a review",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Type or paste the text of a review to try."},
    )
    rating = forms.DecimalField(
        label="Stars",
        required=False,
        min_value=Decimal(0),
        max_value=Decimal(5),
        decimal_places=2,
        help_text="0 to 5.",
        error_messages={
            "invalid": "Enter a number of stars from 0 to 5, or leave it empty.",
            "min_value": "Enter a number of stars from 0 to 5, or leave it empty.",
            "max_value": "Enter a number of stars from 0 to 5, or leave it empty.",
        },
    )


class BlockAuthorForm(forms.Form):
    name = forms.CharField(
        label="Author name",
        max_length=300,
        help_text="Exactly as it appears on the review; upper or lower case does not matter.",
        error_messages={"required": "Enter the author's name as it appears on reviews."},
    )
    note = forms.CharField(label="Note", max_length=500, required=False)

    def clean_name(self) -> str:
        # Casefolded and stripped only: ingest compares `author.casefold()` with these names.
        name = self.cleaned_data["name"].strip().casefold()
        if not name:
            raise forms.ValidationError("Enter the author's name as it appears on reviews.")
        if BlockedAuthor.objects.filter(name=name).exists():
            raise forms.ValidationError(f"{name} is already blocked.")
        return name
