"""Admin for cases models (owner only, like the rest of the admin)."""

from django.contrib import admin

from responses.models import Case, Event, Note, Tag, TriageSettings


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    list_display = ("id", "status", "priority", "assignee", "due_at", "responded")
    list_filter = ("status", "priority", "severity")
    raw_id_fields = ("mention", "merged_into", "assignee", "opened_by")


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ("case", "kind", "actor", "at", "old_value", "new_value")
    raw_id_fields = ("case", "actor", "note")


@admin.register(Note)
class NoteAdmin(admin.ModelAdmin):
    list_display = ("case", "author", "created_at")
    raw_id_fields = ("case", "author")


admin.site.register(Tag)
admin.site.register(TriageSettings)
