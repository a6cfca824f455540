"""The registry's raw data in the Django admin, for administrators to read.

Read-only on purpose: every change to a household goes through the services, which check the rules,
keep maker-checker and write the audit trail. The lists avoid full counts and pattern searches so that
they stay quick on a national registry."""

from django.contrib import admin

from ehsaas.registry.models import (
    ChangeRequest,
    DuplicateCandidate,
    Household,
    Identifier,
    Member,
    WealthFlag,
    WealthList,
    WealthOverride,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    show_full_result_count = False
    list_per_page = 50

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class MemberInline(admin.TabularInline):
    model = Member
    fields = ["member_no", "full_name", "sex", "date_of_birth", "relationship", "status"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Household)
class HouseholdAdmin(ReadOnlyAdmin):
    list_display = ["household_ref", "district", "area", "survey_date", "updated_at"]
    list_filter = ["province", "area"]
    list_select_related = ["district"]
    search_fields = ["=household_ref"]
    inlines = [MemberInline]


@admin.register(Member)
class MemberAdmin(ReadOnlyAdmin):
    list_display = ["full_name", "household", "member_no", "relationship", "sex", "date_of_birth", "status"]
    list_filter = ["status", "relationship"]
    list_select_related = ["household"]
    search_fields = ["=household__household_ref"]


@admin.register(Identifier)
class IdentifierAdmin(ReadOnlyAdmin):
    list_display = ["number", "id_type", "member", "active"]
    list_filter = ["id_type", "active"]
    list_select_related = ["member"]
    search_fields = ["=number"]


@admin.register(ChangeRequest)
class ChangeRequestAdmin(ReadOnlyAdmin):
    list_display = ["id", "kind", "household", "status", "requested_by", "requested_at", "decided_by"]
    list_filter = ["status", "kind"]
    list_select_related = ["household", "requested_by", "decided_by"]


@admin.register(DuplicateCandidate)
class DuplicateCandidateAdmin(ReadOnlyAdmin):
    list_display = ["id", "member_a", "member_b", "score", "status", "found_at"]
    list_filter = ["status"]
    list_select_related = ["member_a", "member_b"]


@admin.register(WealthList)
class WealthListAdmin(ReadOnlyAdmin):
    list_display = ["id", "source", "agency", "as_of", "status", "lines", "distinct_cnics", "households_flagged",
                    "imported_by", "imported_at"]  # fmt: skip
    list_filter = ["source", "status"]
    list_select_related = ["imported_by"]


@admin.register(WealthFlag)
class WealthFlagAdmin(ReadOnlyAdmin):
    list_display = ["id", "source", "household", "member", "status", "flagged_at", "ended_at"]
    list_filter = ["source", "status"]
    list_select_related = ["household", "member"]
    search_fields = ["=cnic", "=household__household_ref"]


@admin.register(WealthOverride)
class WealthOverrideAdmin(ReadOnlyAdmin):
    list_display = [
        "id",
        "source",
        "household",
        "member",
        "status",
        "requested_by",
        "requested_at",
        "decided_by",
    ]
    list_filter = ["source", "status"]
    list_select_related = ["household", "member", "requested_by", "decided_by"]
