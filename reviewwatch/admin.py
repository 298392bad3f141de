from django.contrib import admin

from reviewwatch.models import EmailSend, Heartbeat


@admin.register(Heartbeat)
class HeartbeatAdmin(admin.ModelAdmin):
    list_display = ("name", "seen_at")


@admin.register(EmailSend)
class EmailSendAdmin(admin.ModelAdmin):
    list_display = ("key", "sent_at", "sending_until")
    search_fields = ("key",)
