"""The payroll part's addresses: cycles, one cycle, its generation and approval."""

from django.urls import path

from ehsaas.payments.views import payroll

urlpatterns = [
    path("payments/", payroll.cycle_list, name="cycles"),
    path("payments/cycles/open/", payroll.cycle_open, name="cycle_open"),
    path("payments/cycles/<int:pk>/", payroll.cycle_detail, name="cycle"),
    path("payments/cycles/<int:pk>/generate/", payroll.cycle_generate, name="cycle_generate"),
    path("payments/cycles/<int:pk>/approve/", payroll.cycle_approve, name="cycle_approve"),
    path("payments/cycles/of-job/<int:pk>/", payroll.cycle_of_job_view, name="cycle_of_job"),
]
