"""Payments' addresses, each part's in its own module."""

from ehsaas.payments.urls import accounts, collection, instructions, payroll, statuses

app_name = "payments"
urlpatterns = [
    *payroll.urlpatterns,
    *instructions.urlpatterns,
    *statuses.urlpatterns,
    *collection.urlpatterns,
    *accounts.urlpatterns,
]
