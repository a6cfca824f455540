from django.urls import path

from ehsaas.payments.views import instructions as views

urlpatterns = [
    path("payments/cycles/<int:pk>/files/", views.cycle_files, name="cycle_files"),
    path("payments/cycles/<int:pk>/files/export/", views.export, name="instructions_export"),
    path("payments/cycles/<int:pk>/files/send/", views.send, name="instructions_send"),
    path("payments/batches/<int:pk>/download/", views.download, name="batch_download"),
    path("payments/files/job/<int:pk>/", views.files_of_job, name="files_of_job"),
]
