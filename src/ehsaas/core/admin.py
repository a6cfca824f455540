from django.contrib import admin

from ehsaas.core.models import AuditEvent, District, Division, Job, Province, StaffScope, Tehsil


@admin.register(Province)
class ProvinceAdmin(admin.ModelAdmin):
    list_display = ["code", "name_en", "name_ur"]


@admin.register(Division)
class DivisionAdmin(admin.ModelAdmin):
    list_display = ["code", "name_en", "name_ur", "province"]
    list_filter = ["province"]


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):
    list_display = ["code", "name_en", "name_ur", "division", "province"]
    list_filter = ["province"]
    search_fields = ["name_en", "name_ur", "code"]


@admin.register(Tehsil)
class TehsilAdmin(admin.ModelAdmin):
    list_display = ["code", "name_en", "name_ur", "district"]
    search_fields = ["name_en", "name_ur", "code"]


@admin.register(StaffScope)
class StaffScopeAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation"]
    filter_horizontal = ["districts"]


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Audit events are evidence: readable here, never edited or deleted."""

    list_display = ["at", "actor", "action", "subject_type", "subject_id", "summary"]
    list_filter = ["action", "subject_type"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = ["id", "kind", "status", "created_by", "created_at", "done", "total"]
    list_filter = ["kind", "status"]
