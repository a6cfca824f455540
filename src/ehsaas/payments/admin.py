"""Payments in the admin, read-mostly: providers, payment points and each programme's payment rules
are kept here; cycles, payments, accounts and everything providers sent back change only through the
services (a cycle's approval, an account change request decided by a second person, a status file), so
the admin shows them and changes none."""

from django.contrib import admin
from django.db import models

from ehsaas.payments.models import (
    AccountChangeRequest,
    BiometricAttempt,
    Collection,
    CollectionCode,
    InstructionBatch,
    Payment,
    PaymentAccount,
    PaymentCycle,
    PaymentPoint,
    PaymentPolicy,
    Provider,
    ProviderSubmission,
    StatusFile,
    StatusProblem,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Shown, never added, changed or deleted here."""

    # Counting a table of millions of payments for every page would be slow.
    show_full_result_count = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Provider)
class ProviderAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "channel", "instruction_format", "bic", "active")
    list_filter = ("channel", "instruction_format", "active")
    search_fields = ("code", "name")
    # A provider's API is reached over TLS: an address typed without a scheme is taken as https.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def has_delete_permission(self, request, obj=None):
        return False  # payments and accounts name it; switch it off instead


@admin.register(PaymentPoint)
class PaymentPointAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "district", "provider", "active")
    list_filter = ("kind", "active", "provider")
    search_fields = ("code", "name")
    autocomplete_fields = ("agents",)
    list_select_related = ("district", "provider")


@admin.register(PaymentPolicy)
class PaymentPolicyAdmin(admin.ModelAdmin):
    list_display = ("programme", "reissue_failed", "reissue_unclaimed", "reissue_limit", "collect_within_days",
                    "biometric_attempts")  # fmt: skip


@admin.register(PaymentCycle)
class PaymentCycleAdmin(ReadOnlyAdmin):
    list_display = ("programme", "period", "status", "payments_count", "amount_total", "generated_by",
                    "approved_by", "created_at")  # fmt: skip
    list_filter = ("programme", "status")
    list_select_related = ("programme", "generated_by", "approved_by")


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    list_display = ("reference", "cycle", "beneficiary", "district", "channel", "provider", "amount", "arrears",
                    "status")  # fmt: skip
    list_filter = ("status", "channel", "provider")
    list_select_related = ("cycle__programme", "beneficiary__programme", "district", "provider")
    raw_id_fields = ("cycle", "beneficiary", "household", "member", "batch", "reissued_in")


@admin.register(PaymentAccount)
class PaymentAccountAdmin(ReadOnlyAdmin):
    list_display = ("beneficiary", "channel", "provider", "account_number", "changed_at")
    list_filter = ("channel", "provider")
    search_fields = ("account_number",)
    list_select_related = ("beneficiary__programme", "provider")


@admin.register(AccountChangeRequest)
class AccountChangeRequestAdmin(ReadOnlyAdmin):
    list_display = ("beneficiary", "channel", "provider", "account_number", "status")
    list_filter = ("status", "channel")
    list_select_related = ("beneficiary__programme", "provider")


@admin.register(InstructionBatch)
class InstructionBatchAdmin(ReadOnlyAdmin):
    list_display = ("message_id", "cycle", "provider", "transactions", "control_sum", "created_at")
    list_filter = ("provider",)
    list_select_related = ("cycle__programme", "provider")


@admin.register(ProviderSubmission)
class ProviderSubmissionAdmin(ReadOnlyAdmin):
    list_display = ("batch", "status", "attempts", "provider_reference", "accepted_at")
    list_filter = ("status",)


class StatusProblemInline(admin.TabularInline):
    model = StatusProblem
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(StatusFile)
class StatusFileAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "provider", "file_format", "rows", "paid", "failed", "unchanged", "problems",
                    "received_at")  # fmt: skip
    list_filter = ("provider", "file_format")
    inlines = [StatusProblemInline]


@admin.register(Collection)
class CollectionAdmin(ReadOnlyAdmin):
    list_display = ("payment", "point", "agent", "method", "collected_at")
    list_filter = ("method",)
    list_select_related = ("point", "agent")
    raw_id_fields = ("payment",)


@admin.register(BiometricAttempt)
class BiometricAttemptAdmin(ReadOnlyAdmin):
    list_display = ("payment", "point", "agent", "matched", "at")
    list_filter = ("matched",)
    raw_id_fields = ("payment",)


@admin.register(CollectionCode)
class CollectionCodeAdmin(ReadOnlyAdmin):
    list_display = ("payment", "created_at", "expires_at", "attempts", "used_at")
    exclude = ("code_hash",)
    raw_id_fields = ("payment",)


@admin.register(StatusProblem)
class StatusProblemAdmin(ReadOnlyAdmin):
    list_display = ("status_file", "line", "reference", "kind", "detail")
    list_filter = ("kind",)
