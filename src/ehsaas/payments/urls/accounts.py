from django.urls import path

from ehsaas.payments.views import accounts

urlpatterns = [
    path("payments/accounts/", accounts.requests_list, name="account_requests"),
    path("payments/accounts/<int:pk>/", accounts.request_detail, name="account_request"),
    path("payments/accounts/new/<int:beneficiary>/", accounts.request_new, name="account_request_new"),
    path(
        "payments/accounts/imports/<int:job>/approve/", accounts.import_approve, name="account_import_approve"
    ),
]
