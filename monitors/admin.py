from django.contrib import admin

from monitors import models
from monitors.deletion import delete_mentions


@admin.register(models.Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "subject", "enabled", "next_poll_at", "consecutive_failures")
    list_filter = ("kind", "subject", "enabled")
    search_fields = ("name", "url")


@admin.register(models.Mention)
class MentionAdmin(admin.ModelAdmin):
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
