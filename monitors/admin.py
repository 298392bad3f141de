"""The Django admin for monitors. Its forms hold to the app's rules: a source address passes
the same SSRF check as the source form, a mention's link is http(s) and its HTML is sanitised."""

from django import forms
from django.conf import settings
from django.contrib import admin

from monitors import models
from monitors.deletion import delete_mentions
from monitors.netguard import UnsafeURL, validate_source_url
from monitors.sanitize import sanitize_html
from monitors.storable import web_link


class SourceAdminForm(forms.ModelForm):
    """The admin builds the Meta (model and fields); this adds the address check."""

    url = forms.CharField(max_length=2000)  # judged by the netguard, as in the source form

    def clean_url(self) -> str:
        try:
            return validate_source_url(
                self.cleaned_data["url"], allow_private=settings.RW_ALLOW_PRIVATE_SOURCES
            )
        except UnsafeURL as error:
            raise forms.ValidationError(str(error)) from None


class MentionAdminForm(forms.ModelForm):
    url = forms.CharField(max_length=2000, required=False)

    def clean_url(self) -> str:
        url = self.cleaned_data["url"].strip()
        if url and not web_link(url):
            raise forms.ValidationError("Only http:// and https:// links can be stored.")
        return url

    def clean_html(self) -> str:
        return sanitize_html(self.cleaned_data["html"])


@admin.register(models.Source)
class SourceAdmin(admin.ModelAdmin):
    form = SourceAdminForm
    list_display = ("name", "kind", "subject", "enabled", "next_poll_at", "consecutive_failures")
    list_filter = ("kind", "subject", "enabled")
    search_fields = ("name", "url")


@admin.register(models.Mention)
class MentionAdmin(admin.ModelAdmin):
    form = MentionAdminForm
    list_display = ("__str__", "source", "author", "rating", "label", "first_seen_at")
    list_filter = ("label", "subject", "source")
    search_fields = ("title", "text", "author")
    raw_id_fields = ("source", "first_seen_poll")

    # A deleted mention is remembered, so the next poll does not bring it back. One with a case
    # is refused here (its case protects it); the owner deletes it from its case page.
    def delete_model(self, request, obj: models.Mention) -> None:
        delete_mentions(models.Mention.objects.filter(pk=obj.pk))

    def delete_queryset(self, request, queryset) -> None:
        delete_mentions(queryset)


@admin.register(models.Connection)
class ConnectionAdmin(admin.ModelAdmin):
    """Credentials are never shown here (nor editable): the connection page replaces them."""

    list_display = ("name", "platform", "status", "checked_at")
    list_filter = ("platform", "status")
    readonly_fields = ("secrets_hint", "status", "status_message", "checked_at", "checks")
    exclude = ("checks_target",)


admin.site.register(models.HostState)
admin.site.register(models.Revision, raw_id_fields=("mention",))
admin.site.register(models.Tombstone)
admin.site.register(models.PollLog, list_display=("source", "started_at", "outcome", "http_status"))
admin.site.register(models.RatingSnapshot)
admin.site.register(models.ClassificationRules)
admin.site.register(models.BlockedAuthor)
admin.site.register(
    models.ReclassifyJob, list_display=("started_at", "done", "total", "finished_at")
)
admin.site.register(
    models.LocalAdjustment, list_display=("ran_at", "kept", "examples", "held_back", "outcome")
)


class DayCountAdmin(admin.ModelAdmin):
    """The daily summary is derived from the mentions (monitors/day_counts.py): shown, never
    edited by hand, or the reports would disagree with the mentions behind them."""

    list_filter = ("zone",)
    date_hierarchy = "day"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


admin.site.register(models.CountedDay, DayCountAdmin, list_display=("day", "zone", "counted_at"))
admin.site.register(
    models.MentionDayCount,
    DayCountAdmin,
    list_display=("day", "zone", "source", "subject", "label", "mentions", "rated"),
)
