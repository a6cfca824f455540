from django.contrib import admin

from ehsaas.programs.models import (
    Beneficiary,
    BeneficiaryStatusChange,
    BenefitRule,
    ComplianceFile,
    ConditionEvaluation,
    ConditionRule,
    HealthVisit,
    Notice,
    Programme,
    SchoolAttendance,
)


class BenefitRuleInline(admin.TabularInline):
    model = BenefitRule
    extra = 0


class ConditionRuleInline(admin.TabularInline):
    model = ConditionRule
    extra = 0


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ("code", "name_en", "unit", "frequency", "status", "starts_on")
    list_filter = ("status", "unit", "frequency")
    inlines = [BenefitRuleInline, ConditionRuleInline]


@admin.register(Beneficiary)
class BeneficiaryAdmin(admin.ModelAdmin):
    list_display = ("programme", "household", "member", "status", "amount", "status_since")
    list_filter = ("programme", "status")
    raw_id_fields = ("household", "member")


@admin.register(BeneficiaryStatusChange)
class BeneficiaryStatusChangeAdmin(admin.ModelAdmin):
    list_display = ("beneficiary", "from_status", "to_status", "changed_at", "changed_by")
    raw_id_fields = ("beneficiary",)


@admin.register(SchoolAttendance)
class SchoolAttendanceAdmin(admin.ModelAdmin):
    list_display = ("member", "quarter", "attendance", "source", "recorded_at")
    list_filter = ("quarter",)
    raw_id_fields = ("member",)


@admin.register(HealthVisit)
class HealthVisitAdmin(admin.ModelAdmin):
    list_display = ("member", "kind", "visited_on", "centre", "recorded_at")
    list_filter = ("kind",)
    raw_id_fields = ("member",)


@admin.register(ComplianceFile)
class ComplianceFileAdmin(admin.ModelAdmin):
    list_display = ("file_name", "kind", "lines", "new", "changed", "unchanged", "imported_at", "imported_by")


@admin.register(ConditionEvaluation)
class ConditionEvaluationAdmin(admin.ModelAdmin):
    list_display = ("programme", "quarter", "judged", "met", "suspended", "resumed", "evaluated_at")
    list_filter = ("programme",)


@admin.register(Notice)
class NoticeAdmin(admin.ModelAdmin):
    """The outbox: what waits to be sent, what was sent and what failed."""

    list_display = ("key", "kind", "phone", "language", "status", "created_at", "sent_at", "attempts")
    list_filter = ("status", "kind", "language")
    raw_id_fields = ("beneficiary",)
    search_fields = ("key", "phone")
