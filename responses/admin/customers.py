"""Admin for customers, their health settings and advocates (owner only, like the rest)."""

from django.contrib import admin

from responses.models import (
    AdvocateAsk,
    AdvocateThanks,
    Customer,
    CustomerEvent,
    CustomerRecord,
    HealthSettings,
    HealthSettingsChange,
)


class CustomerRecordInline(admin.TabularInline):
    model = CustomerRecord
    raw_id_fields = ("source",)
    extra = 0


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = ("name", "health", "health_reason", "escalated_to")
    list_filter = ("health",)
    search_fields = ("name", "email", "records__author")
    raw_id_fields = ("escalated_to",)
    inlines = [CustomerRecordInline]


@admin.register(CustomerEvent)
class CustomerEventAdmin(admin.ModelAdmin):
    list_display = ("customer", "kind", "actor", "at", "detail")
    raw_id_fields = ("customer", "actor")


@admin.register(AdvocateThanks)
class AdvocateThanksAdmin(admin.ModelAdmin):
    list_display = ("customer", "mention", "tone_score", "thanked_by", "thanked_at")
    raw_id_fields = ("customer", "mention", "thanked_by")


@admin.register(AdvocateAsk)
class AdvocateAskAdmin(admin.ModelAdmin):
    list_display = ("customer", "kind", "asked_at", "answer")
    raw_id_fields = ("customer", "asked_by")


@admin.register(HealthSettingsChange)
class HealthSettingsChangeAdmin(admin.ModelAdmin):
    list_display = ("changed_at", "changed_by", "field", "old_value", "new_value")


admin.site.register(HealthSettings)
