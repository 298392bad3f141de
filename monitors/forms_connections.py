"""Owner forms for platform sources: which app, location or business unit a connection reads."""

from __future__ import annotations

from django import forms

from monitors.models import DEFAULT_HISTORY_DAYS, MAX_HISTORY_DAYS, MIN_POLL_MINUTES, Source

MAX_POLL_MINUTES = 7 * 24 * 60


class PlatformSourceForm(forms.ModelForm):
    """A source reading one target through a connection; its address is the platform's API."""

    platform_target = forms.CharField(max_length=300, strip=True)
    poll_interval_minutes = forms.IntegerField(
        label="Check every (minutes)",
        initial=30,
        min_value=MIN_POLL_MINUTES,
        max_value=MAX_POLL_MINUTES,
        help_text="Platforms count every call against a quota: 30 minutes is a safe start.",
    )
    history_days = forms.IntegerField(
        label="Older reviews are history after (days)",
        initial=DEFAULT_HISTORY_DAYS,
        min_value=0,
        max_value=MAX_HISTORY_DAYS,
    )

    class Meta:
        model = Source
        fields = ["name", "platform_target", "poll_interval_minutes", "history_days"]

    def __init__(
        self,
        *args,
        target_label: str = "Target",
        targets: list[dict[str, str]] | None = None,
        **kwargs,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["platform_target"].label = target_label
        if self.instance.pk:  # what a source reads is fixed: another target is another source
            del self.fields["platform_target"]
        elif targets:  # what "Test connection" found these credentials can read
            self.fields["platform_target"].widget.attrs["list"] = "platform-targets"
            self.fields["platform_target"].help_text = "Pick one this connection can read."


class TestConnectionForm(forms.Form):
    target = forms.CharField(max_length=300, required=False, strip=True)
