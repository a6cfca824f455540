"""DCI clients in the Django admin. Keys are read-only here: a client is registered, and its key
replaced, with `ehsaas dci register-client` so that the key never passes through a browser form."""

from django.contrib import admin

from ehsaas.api.models import DciClient, DciSubscription, DciTransaction


@admin.register(DciClient)
class DciClientAdmin(admin.ModelAdmin):
    list_display = ["sender_id", "name", "nationwide", "personal_data", "active", "created_at"]
    list_filter = ["active", "personal_data", "nationwide"]
    search_fields = ["sender_id", "name"]
    readonly_fields = ["sender_id", "public_key", "created_at"]
    filter_horizontal = ["districts", "provinces"]

    def has_add_permission(self, request):
        return False


@admin.register(DciTransaction)
class DciTransactionAdmin(admin.ModelAdmin):
    list_display = ["client", "action", "transaction_id", "status", "received_at"]
    list_filter = ["action", "status"]
    search_fields = ["transaction_id", "correlation_id", "message_id"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(DciSubscription)
class DciSubscriptionAdmin(admin.ModelAdmin):
    list_display = ["client", "code", "reg_event_type", "status", "created_at", "ended_at"]
    list_filter = ["status", "reg_event_type"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
