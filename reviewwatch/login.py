"""Log-in by e-mail and a throttled password reset."""

from __future__ import annotations

import logging
from datetime import timedelta

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.contrib.auth.views import PasswordResetView
from django.http import HttpResponse, HttpResponseRedirect

from reviewwatch.client_ip import client_ip
from reviewwatch.throttle import allow

log = logging.getLogger(__name__)
RESET_WINDOW = timedelta(hours=1)
RESETS_PER_ADDRESS = 3
RESETS_PER_CLIENT = 10
TOO_MANY = (
    "Too many password reset requests from your network. Wait an hour and try again, or ask "
    "an owner of ReviewWatch to send you an invitation."
)


class EmailLoginForm(AuthenticationForm):
    """Accounts are keyed by email; accept it in any letter case. Django's messages say
    "username", a word this app never shows: every message here says "email"."""

    username = forms.EmailField(
        label="Email",
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
        error_messages={
            "required": "Enter your email address.",
            "invalid": "Enter your email address, such as name@example.com.",
        },
    )
    password = forms.CharField(
        label="Password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": "Enter your password."},
    )
    error_messages = {
        "invalid_login": "Please enter a correct email and password. The password is "
        "case-sensitive.",
        "inactive": "This account is switched off. Ask an owner of ReviewWatch to switch it on.",
    }

    def clean_username(self) -> str:
        return self.cleaned_data["username"].strip().lower()


class ThrottledPasswordResetView(PasswordResetView):
    """Password reset that cannot be used to flood an inbox or the mail server.

    Per address: RESETS_PER_ADDRESS an hour; beyond that the page looks the same (nobody learns
    whether an account exists) but no e-mail goes out. Per client: RESETS_PER_CLIENT an hour,
    then the form says to wait.
    """

    def form_valid(self, form: PasswordResetForm) -> HttpResponse:
        client = client_ip(self.request) or "unknown"
        if not allow("reset-client", client, RESETS_PER_CLIENT, RESET_WINDOW):
            form.add_error(None, TOO_MANY)
            return self.render_to_response(self.get_context_data(form=form), status=429)
        address = form.cleaned_data["email"]
        if not allow("reset-address", address, RESETS_PER_ADDRESS, RESET_WINDOW):
            log.warning("password reset throttled for one address (client %s)", client)
            return HttpResponseRedirect(self.get_success_url())
        return super().form_valid(form)
