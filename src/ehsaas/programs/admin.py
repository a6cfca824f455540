from django.contrib import admin

from ehsaas.programs.models import Beneficiary, BeneficiaryStatusChange, BenefitRule, ConditionRule, Programme


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
