"""Administrators keep the categories (their SLA days and warning) and the assignment rules here;
complaints themselves change only through the complaint pages, so that every step is recorded."""

from django.contrib import admin

from ehsaas.grievances.models import AssignmentRule, Category


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = (
        "code",
        "name_en",
        "name_ur",
        "sla_days",
        "warn_days",
        "sensitive",
        "registry_follow_up",
        "active",
    )
    list_editable = ("sla_days", "warn_days", "active")
    ordering = ("position", "code")


@admin.register(AssignmentRule)
class AssignmentRuleAdmin(admin.ModelAdmin):
    list_display = ("district", "category", "officer")
    list_filter = ("category",)
    autocomplete_fields = ("district",)
    raw_id_fields = ("officer",)
