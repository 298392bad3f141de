"""Forms for the owners' webhook endpoints and for notification channels."""

from __future__ import annotations

from django import forms

from monitors.netguard import UnsafeURL, validate_source_url
from responses.models import Channel, NotifyEvent
from responses.notify.channels import ChannelError, prepared
from responses.notify.webhooks import address_policy

EVENT_HELP = "Sent as they happen, signed; see the README for verifying the signature."


class EndpointForm(forms.Form):
    url = forms.CharField(
        label="Endpoint URL",
        max_length=2000,
        widget=forms.URLInput(attrs={"placeholder": "https://example.com/reviewwatch-hook"}),
        help_text="ReviewWatch POSTs JSON here. Internal addresses are refused, as for sources.",
    )
    description = forms.CharField(max_length=200, required=False)
    event_types = forms.MultipleChoiceField(
        label="Events",
        choices=NotifyEvent.Type.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=EVENT_HELP,
    )

    def clean_url(self) -> str:
        try:
            return validate_source_url(self.cleaned_data["url"], allow_private=address_policy())
        except UnsafeURL as error:
            raise forms.ValidationError(str(error)) from None


class EndpointEventsForm(forms.Form):
    event_types = EndpointForm.base_fields["event_types"]
    description = EndpointForm.base_fields["description"]


class ChannelForm(forms.Form):
    """A channel: its name, its Apprise URL (checked and encrypted), and what it carries:
    a person's alerts, or a team channel's event types."""

    name = forms.CharField(max_length=100, help_text="For you, e.g. “Phone (ntfy)”.")
    url = forms.CharField(
        label="Apprise URL",
        max_length=2000,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text="For example slack://TokenA/TokenB/TokenC, workflows://…, discord://id/token, "
        "tgram://bot-token/chat-id, ntfy://topic, mailto://…: stored encrypted, never shown "
        "in full again.",
    )

    def __init__(self, *args, team: bool = False, owner: bool = True, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.team = team
        if team:
            self.fields["event_types"] = forms.MultipleChoiceField(
                label="Events",
                choices=NotifyEvent.Type.choices,
                widget=forms.CheckboxSelectMultiple,
            )
        else:
            owners_only = {Channel.Alert.INCIDENT}
            self.fields["alerts"] = forms.MultipleChoiceField(
                label="Send me",
                choices=[c for c in Channel.Alert.choices if owner or c[0] not in owners_only],
                widget=forms.CheckboxSelectMultiple,
            )

    def clean_url(self) -> str:
        try:
            self.encrypted, self.hint = prepared(self.cleaned_data["url"])
        except ChannelError as error:
            raise forms.ValidationError(str(error)) from None
        return self.cleaned_data["url"]

    def save(self, user) -> Channel:
        data = self.cleaned_data
        return Channel.objects.create(
            user=None if self.team else user,
            name=data["name"],
            url_encrypted=self.encrypted,
            url_hint=self.hint,
            alerts=data.get("alerts", []),
            event_types=data.get("event_types", []),
        )
