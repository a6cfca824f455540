from django.urls import path

from ehsaas.programs import views

app_name = "programs"

urlpatterns = [
    path("programmes/", views.programme_list, name="list"),
    path("programmes/new/", views.programme_new, name="new"),
    path("programmes/runs/<int:pk>/", views.run_detail, name="run"),
    path("programmes/runs/of-job/<int:pk>/", views.run_of_job, name="run_of_job"),
    path("programmes/beneficiaries/<int:pk>/status/", views.beneficiary_status, name="beneficiary_status"),
    path("programmes/<slug:code>/", views.programme_detail, name="detail"),
    path("programmes/<slug:code>/edit/", views.programme_edit, name="edit"),
    path("programmes/<slug:code>/try/", views.programme_try, name="try"),
    path("programmes/<slug:code>/enrol/", views.enrolment_start, name="enrol"),
    path("programmes/<slug:code>/beneficiaries/", views.beneficiaries, name="beneficiaries"),
    path("programmes/<slug:code>/<str:action>/", views.programme_status, name="status"),
]
