"""What the replies panel posts, read through forms: any raw value (too long, a NUL, "abc" where
a number belongs) becomes a clear error for the person, never a 500.

Django's CharField already refuses NUL characters, which PostgreSQL cannot store.
"""

from __future__ import annotations

from django import forms
from django.core.validators import URLValidator

from responses.models import LONGEST_PLATFORM_LIMIT, ReplyDraft, ReplyTemplate

TOO_LONG = (
    "The reply has %(show_value)d characters; no review site shows more than %(limit_value)d. "
    "Shorten it."
)
RELOAD = "Reload the page and try again."
_SEEN = {"invalid": RELOAD, "required": RELOAD, "min_value": RELOAD}
MAX_URL_CHARS = ReplyDraft._meta.get_field("posted_url").max_length


class ReplyTextForm(forms.Form):
    text = forms.CharField(
        required=False,
        strip=False,
        max_length=LONGEST_PLATFORM_LIMIT,
        error_messages={"max_length": TOO_LONG},
    )


class StartForm(forms.Form):
    template = forms.ModelChoiceField(
        queryset=ReplyTemplate.objects.filter(archived=False),
        error_messages={
            "required": "Choose a template to start from.",
            "invalid_choice": "That template is no longer offered: choose another one.",
        },
    )


class DecisionForm(forms.Form):
    """Approve or return: carries the number of the version the owner read."""

    reply_version = forms.IntegerField(min_value=1, widget=forms.HiddenInput, error_messages=_SEEN)
    comment = forms.CharField(required=False, max_length=2000)


class PostedForm(forms.Form):
    """Mark as posted: the case version seen and, optionally, the link to the posted reply."""

    version = forms.IntegerField(widget=forms.HiddenInput, error_messages=_SEEN)
    posted_url = forms.CharField(
        required=False,
        max_length=MAX_URL_CHARS,
        validators=[URLValidator(schemes=["http", "https"])],
        error_messages={
            "invalid": "The link must start with https:// or http://.",
            "max_length": f"The link is too long (more than {MAX_URL_CHARS} characters).",
        },
    )


def form_error(form: forms.Form) -> str:
    """Every error of a bound form as one sentence for the panel."""
    return " ".join(str(error) for errors in form.errors.values() for error in errors)
