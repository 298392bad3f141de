from django.contrib import admin

from reviewwatch.models import EmailSend, Heartbeat, TokenBucket


@admin.register(Heartbeat)
class HeartbeatAdmin(admin.ModelAdmin):
    list_display = ("name", "seen_at")


@admin.register(EmailSend)
class EmailSendAdmin(admin.ModelAdmin):
    list_display = ("key", "sent_at", "sending_until")
    search_fields = ("key",)


@admin.register(TokenBucket)
class TokenBucketAdmin(admin.ModelAdmin):
    """Throttled password resets; delete a row to let that address or client try again now."""

    list_display = ("key", "tokens", "updated_at")
    readonly_fields = ("key", "tokens", "updated_at")

    def has_add_permission(self, request) -> bool:
        return False
