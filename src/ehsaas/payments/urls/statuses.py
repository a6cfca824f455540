from django.urls import path

from ehsaas.payments.views import statuses as views

urlpatterns = [
    path("payments/status-files/", views.status_file_list, name="status_files"),
    path("payments/status-files/<int:pk>/", views.status_file_detail, name="status_file"),
    path("payments/status-files/job/<int:pk>/", views.status_file_of_job, name="status_file_of_job"),
    path("payments/callbacks/<slug:code>/", views.callback, name="status_callback"),
    path("payments/cycles/<int:pk>/reconciliation/", views.reconciliation, name="reconciliation"),
    path("payments/cycles/<int:pk>/close/", views.cycle_close_view, name="cycle_close"),
]
