"""The Settings page (account, digest preferences, owner alert thresholds, background work) and
the one-click unsubscribe page that digests link to."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from monitors.classify import LANGUAGES_READ
from monitors.local_model import in_use
from monitors.models import ClassificationRules, LocalAdjustment
from responses.digest_emails import UNSUBSCRIBE_LINK_AGE, ExpiredLink, user_id_from_token
from responses.digests import preference_for
from responses.models import AlertSettings, DigestPreference
from responses.time_zone_choices import grouped_time_zones, next_digest_words
from reviewwatch.models import Heartbeat
from reviewwatch.roles import is_owner, owner_required, role_of


class DigestPreferenceForm(forms.ModelForm):
    time_zone = forms.ChoiceField(
        label="Time zone",
        choices=grouped_time_zones,
        help_text="Daily and weekly digests go out at this local time. Zones are grouped by "
        "region; with the list open, type a city's name to jump to it.",
    )

    class Meta:
        model = DigestPreference
        fields = [
            "frequency",
            "scope",
            "send_time",
            "weekday",
            "time_zone",
            "approval_emails",
            "breach_alerts",
            "monthly_report",
        ]
        labels = {
            "approval_emails": "Email me about reply approvals",
            "frequency": "How often",
            "scope": "What to include",
            "send_time": "Local time (daily, weekly)",
            "weekday": "Day (weekly)",
        }
        widgets = {"send_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M")}
        help_texts = {
            "send_time": "",
            "approval_emails": "At once, not in the digest: when a reply waits for my approval "
            "(owners), and when my reply is approved or returned.",
            "breach_alerts": "At once, once per case: to its assignee, or to every owner when "
            "nobody is assigned.",
            "monthly_report": "On the 1st of each month, in my time zone: last month's figures "
            "and charts, with a link to its report.",
        }

    def __init__(self, *args, owner: bool, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not owner:  # the monthly report goes to owners only
            del self.fields["monthly_report"]


class AlertSettingsForm(forms.ModelForm):
    class Meta:
        model = AlertSettings
        fields = ["spike_count", "spike_multiple"]
        labels = {
            "spike_count": "Negative mentions per hour",
            "spike_multiple": "Times the usual hourly rate",
        }


def _render(
    request: HttpRequest,
    digest_form: DigestPreferenceForm | None = None,
    alert_form: AlertSettingsForm | None = None,
    status: int = 200,
) -> HttpResponse:
    pref = preference_for(request.user)
    owner = is_owner(request.user)
    context = {
        "nav": "settings",
        "role": role_of(request.user),
        "heartbeats": Heartbeat.objects.order_by("name"),
        "pref": pref,
        "next_digest": next_digest_words(pref, timezone.now()),
        "digest_form": digest_form or DigestPreferenceForm(instance=pref, owner=owner),
    }
    if owner:
        context["alert_form"] = alert_form or AlertSettingsForm(instance=AlertSettings.current())
        context["local_run"] = LocalAdjustment.objects.order_by("-ran_at", "-id").first()
        rules = ClassificationRules.current()
        context["local_in_use"] = in_use(rules)
        context["use_local_adjustment"] = rules.use_local_adjustment
        context["languages_read"] = LANGUAGES_READ
        context["digest_errors"] = (
            get_user_model()
            .objects.filter(digest_preference__failures__gt=0)
            .select_related("digest_preference")
            .order_by("email")
        )
    return render(request, "responses/settings.html", context, status=status)


def settings_page(request: HttpRequest) -> HttpResponse:
    if request.htmx and "time_zone" in request.GET:
        return next_digest_preview(request)
    return _render(request)


def next_digest_preview(request: HttpRequest) -> HttpResponse:
    """When the next digest would go out with the choices on the form, before they are saved."""
    pref = preference_for(request.user)
    # Fills `pref`, which is not saved.
    form = DigestPreferenceForm(request.GET, instance=pref, owner=is_owner(request.user))
    if form.is_valid():
        words = next_digest_words(pref, timezone.now(), saved=False)
    else:  # half-filled: keep saying what is saved
        words = next_digest_words(preference_for(request.user), timezone.now())
    return render(request, "responses/partials/next_digest.html", {"next_digest": words})


@require_POST
def save_digest_preferences(request: HttpRequest) -> HttpResponse:
    pref = preference_for(request.user)
    was_off = pref.frequency == DigestPreference.Frequency.OFF
    form = DigestPreferenceForm(request.POST, instance=pref, owner=is_owner(request.user))
    if not form.is_valid():
        return _render(request, digest_form=form, status=400)
    pref = form.save(commit=False)
    now = timezone.now()
    if was_off:
        pref.since = now  # turning digests on does not mail the whole history
    pref.next_due_at = pref.next_due_after(now)
    pref.chosen_at = now
    # Only the preference columns: a worker may hold the claim on this row right now.
    pref.save(update_fields=[*form.fields, "since", "next_due_at", "chosen_at"])
    messages.success(request, "Digest preferences saved.")
    return redirect("settings")


@owner_required
@require_POST
def save_alert_settings(request: HttpRequest) -> HttpResponse:
    form = AlertSettingsForm(request.POST, instance=AlertSettings.current())
    if not form.is_valid():
        return _render(request, alert_form=form, status=400)
    form.save()
    messages.success(request, "Alert settings saved.")
    return redirect("settings")


@login_not_required
@csrf_exempt  # RFC 8058: mail providers POST "List-Unsubscribe=One-Click" without a CSRF token
@never_cache
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET asks for confirmation (link scanners must not unsubscribe anyone); POST turns off.

    The pages never name the account: whoever holds a forwarded digest holds the link.
    """
    try:
        user_id = user_id_from_token(token)
    except ExpiredLink:
        context = {"days": UNSUBSCRIBE_LINK_AGE.days}
        return render(request, "responses/unsubscribe_expired.html", context, status=400)
    pref = DigestPreference.objects.filter(user_id=user_id).first()
    if user_id is None or pref is None:
        return render(request, "responses/unsubscribe_invalid.html", status=400)
    if request.method == "POST":
        DigestPreference.objects.filter(pk=pref.pk).update(
            frequency=DigestPreference.Frequency.OFF, next_due_at=None
        )
        return render(request, "responses/unsubscribe_done.html")
    return render(request, "responses/unsubscribe.html")
