from django.contrib import admin

from ehsaas.programs.models import (
    Application,
    ApplicationDocument,
    ApplicationQuota,
    ApplicationStatusChange,
    Beneficiary,
    BeneficiaryStatusChange,
    BenefitRule,
    ComplianceFile,
    ConditionEvaluation,
    ConditionRule,
    HealthVisit,
    Programme,
    SchoolAttendance,
)


class BenefitRuleInline(admin.TabularInline):
    model = BenefitRule
    extra = 0


class ConditionRuleInline(admin.TabularInline):
    model = ConditionRule
    extra = 0


class ApplicationQuotaInline(admin.TabularInline):
    model = ApplicationQuota
    extra = 0


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ("code", "name_en", "unit", "frequency", "status", "starts_on")
    list_filter = ("status", "unit", "frequency")
    inlines = [BenefitRuleInline, ConditionRuleInline, ApplicationQuotaInline]


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


class ApplicationDocumentInline(admin.TabularInline):
    model = ApplicationDocument
    extra = 0
    fields = ("name", "content_type", "size", "uploaded_at")
    readonly_fields = fields


class ApplicationStatusChangeInline(admin.TabularInline):
    model = ApplicationStatusChange
    extra = 0
    readonly_fields = ("from_status", "to_status", "reason", "changed_at", "changed_by")


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    """Read here; decided on the application's own page, which records the history and tells the applicant."""

    list_display = ("__str__", "programme", "full_name", "status", "proposal", "rank", "submitted_at")
    list_filter = ("programme", "status", "channel", "language")
    search_fields = ("cnic", "full_name")
    raw_id_fields = ("member", "household")
    readonly_fields = ("status", "decision_reason", "decided_at", "decided_by", "need", "rank_score", "rank",
                       "places", "proposal", "ranked_at")  # fmt: skip
    inlines = [ApplicationDocumentInline, ApplicationStatusChangeInline]
