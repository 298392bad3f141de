"""Admin for events, webhooks and channels. Secrets and channel URLs stay encrypted and are
not shown: the owners' pages show the channel's hint."""

from django.contrib import admin

from responses.models import (
    Channel,
    ChannelMessage,
    NotifyEvent,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
)


@admin.register(NotifyEvent)
class NotifyEventAdmin(admin.ModelAdmin):
    list_display = ("type", "msg_id", "created_at", "fanned_out_at")
    list_filter = ("type",)
    search_fields = ("msg_id", "key")


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    list_display = ("url", "active", "consecutive_failures", "failing_since")
    list_filter = ("active",)
    exclude = ("secret_encrypted",)
    raw_id_fields = ("created_by",)


class WebhookAttemptInline(admin.TabularInline):
    model = WebhookAttempt
    extra = 0


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = ("event", "endpoint", "state", "attempts", "next_attempt_at")
    list_filter = ("state",)
    raw_id_fields = ("endpoint", "event")
    inlines = [WebhookAttemptInline]


@admin.register(WebhookAttempt)
class WebhookAttemptAdmin(admin.ModelAdmin):
    list_display = ("delivery", "at", "status_code", "response_ms", "error")
    raw_id_fields = ("delivery",)


@admin.register(Channel)
class ChannelAdmin(admin.ModelAdmin):
    list_display = ("name", "user", "url_hint", "last_sent_at", "last_error")
    exclude = ("url_encrypted",)
    raw_id_fields = ("user",)


@admin.register(ChannelMessage)
class ChannelMessageAdmin(admin.ModelAdmin):
    list_display = ("event", "channel", "sent_at", "attempts", "last_error")
    raw_id_fields = ("channel", "event")
