"""Admin for incidents and their scripts (owner only, like the rest of the admin)."""

from django.contrib import admin

from responses.models import (
    Incident,
    IncidentEvent,
    IncidentMention,
    IncidentPosting,
    IncidentReply,
    IncidentScript,
)


@admin.register(IncidentScript)
class IncidentScriptAdmin(admin.ModelAdmin):
    list_display = ("name", "situation", "archived", "position")
    list_filter = ("archived",)


class IncidentEventInline(admin.TabularInline):
    model = IncidentEvent
    extra = 0
    raw_id_fields = ("actor",)


@admin.register(Incident)
class IncidentAdmin(admin.ModelAdmin):
    list_display = ("title", "status", "started_at", "resolved_at")
    list_filter = ("status",)
    raw_id_fields = ("declared_by", "script")
    filter_horizontal = ("sources",)
    inlines = [IncidentEventInline]


@admin.register(IncidentMention)
class IncidentMentionAdmin(admin.ModelAdmin):
    list_display = ("incident", "mention", "linked_at", "removed_at")
    raw_id_fields = ("incident", "mention", "linked_by", "removed_by")


class IncidentPostingInline(admin.TabularInline):
    model = IncidentPosting
    extra = 0
    raw_id_fields = ("case", "draft", "version")


@admin.register(IncidentReply)
class IncidentReplyAdmin(admin.ModelAdmin):
    list_display = ("incident", "state", "written_by", "written_at", "approved_at")
    list_filter = ("state",)
    raw_id_fields = ("incident", "written_by", "approved_by")
    inlines = [IncidentPostingInline]
