"""Admin for digests models."""

from django.contrib import admin

from responses.models import AlertSettings, Delivery, DigestItem, DigestPreference, OwnerAlert


@admin.register(DigestPreference)
class DigestPreferenceAdmin(admin.ModelAdmin):
    list_display = ("user", "frequency", "scope", "time_zone", "next_due_at", "failures")
    list_filter = ("frequency", "scope")
    readonly_fields = ("since", "claim_token", "claimed_until", "last_sent_at")


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ("user", "state", "item_count", "attempts", "created_at", "sent_at")
    list_filter = ("state",)


@admin.register(DigestItem)
class DigestItemAdmin(admin.ModelAdmin):
    list_display = ("user", "mention", "delivery")
    raw_id_fields = ("mention", "delivery")


@admin.register(AlertSettings)
class AlertSettingsAdmin(admin.ModelAdmin):
    list_display = ("spike_count", "spike_multiple", "updated_at")


@admin.register(OwnerAlert)
class OwnerAlertAdmin(admin.ModelAdmin):
    list_display = ("kind", "key", "created_at", "sent_at", "attempts", "last_error")
    list_filter = ("kind",)
