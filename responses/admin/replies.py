"""Admin for replies models (owner only, like the rest of the admin)."""

from django.contrib import admin

from responses.models import (
    FollowUp,
    PlatformPost,
    Remedy,
    ReplyDecision,
    ReplyDraft,
    ReplySettings,
    ReplyTemplate,
    ReplyVersion,
    ReviewUpdate,
)


@admin.register(ReplyTemplate)
class ReplyTemplateAdmin(admin.ModelAdmin):
    list_display = ("name", "situation", "archived", "position")
    list_filter = ("archived",)


@admin.register(ReplySettings)
class ReplySettingsAdmin(admin.ModelAdmin):
    list_display = ("business_name", "contact", "approval_required", "max_length")


class ReplyVersionInline(admin.TabularInline):
    model = ReplyVersion
    extra = 0
    raw_id_fields = ("author",)


@admin.register(ReplyDraft)
class ReplyDraftAdmin(admin.ModelAdmin):
    list_display = ("id", "case", "state", "created_by", "created_at", "posted_at")
    list_filter = ("state",)
    raw_id_fields = ("case", "template", "created_by", "approved_version", "posted_by")
    inlines = [ReplyVersionInline]


@admin.register(ReplyDecision)
class ReplyDecisionAdmin(admin.ModelAdmin):
    list_display = ("draft", "kind", "actor", "at")
    raw_id_fields = ("draft", "version", "actor")


@admin.register(Remedy)
class RemedyAdmin(admin.ModelAdmin):
    list_display = ("case", "kind", "amount", "offered_at", "delivered_at")
    list_filter = ("kind",)
    raw_id_fields = ("case", "offered_by", "delivered_by")


@admin.register(FollowUp)
class FollowUpAdmin(admin.ModelAdmin):
    list_display = ("case", "due_at", "note", "done_at")
    raw_id_fields = ("case", "created_by", "done_by")


@admin.register(ReviewUpdate)
class ReviewUpdateAdmin(admin.ModelAdmin):
    list_display = ("case", "old_rating", "new_rating", "suggested_outcome", "seen_at")
    raw_id_fields = ("case", "mention", "revision")


@admin.register(PlatformPost)
class PlatformPostAdmin(admin.ModelAdmin):
    """What was sent to a platform is a record: it is read here, never changed."""

    list_display = ("draft", "action", "state", "requested_at", "confirmed_at", "attempts")
    list_filter = ("action", "state")
    raw_id_fields = ("draft", "version", "requested_by")

    def has_change_permission(self, request, obj=None) -> bool:
        return False
