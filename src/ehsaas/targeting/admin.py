"""Read-only admin of targeting: models and their weights change only through the services."""

from django.contrib import admin

from ehsaas.targeting.models import PmtModel, PmtWeight, ScoringRun


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class PmtWeightInline(admin.TabularInline):
    model = PmtWeight
    fields = ("indicator", "weight")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(PmtModel)
class PmtModelAdmin(ReadOnlyAdmin):
    list_display = ("version", "name", "status", "is_illustrative", "author", "created_at")
    list_filter = ("status", "is_illustrative")
    inlines = [PmtWeightInline]


@admin.register(ScoringRun)
class ScoringRunAdmin(ReadOnlyAdmin):
    list_display = ("id", "model", "reason", "started_by", "started_at", "finished_at", "households")
    list_filter = ("reason",)
