from django.urls import path

from ehsaas.programs import application_views, compliance_views, views

app_name = "programs"

urlpatterns = [
    path("programmes/", views.programme_list, name="list"),
    path("programmes/new/", views.programme_new, name="new"),
    path("programmes/runs/<int:pk>/", views.run_detail, name="run"),
    path("programmes/runs/of-job/<int:pk>/", views.run_of_job, name="run_of_job"),
    path("programmes/beneficiaries/<int:pk>/status/", views.beneficiary_status, name="beneficiary_status"),
    path("programmes/compliance/", compliance_views.compliance_files, name="compliance"),
    path(
        "programmes/compliance/evaluations/of-job/<int:pk>/",
        compliance_views.evaluation_of_job,
        name="evaluation_of_job",
    ),
    path("programmes/applications/", application_views.application_list, name="applications"),
    path("programmes/applications/<int:pk>/", application_views.application_detail, name="application"),
    path(
        "programmes/applications/<int:pk>/documents/<int:document>/",
        application_views.application_document,
        name="application_document",
    ),
    path("programmes/households/<int:pk>/visits/", compliance_views.health_visit_record, name="health_visit"),
    path("programmes/<slug:code>/", views.programme_detail, name="detail"),
    path("programmes/<slug:code>/edit/", views.programme_edit, name="edit"),
    path("programmes/<slug:code>/try/", views.programme_try, name="try"),
    path("programmes/<slug:code>/enrol/", views.enrolment_start, name="enrol"),
    path("programmes/<slug:code>/reevaluate/", views.reevaluation_start, name="reevaluate"),
    path("programmes/<slug:code>/beneficiaries/", views.beneficiaries, name="beneficiaries"),
    path("programmes/<slug:code>/conditions/", compliance_views.condition_evaluations, name="evaluations"),
    path("programmes/<slug:code>/conditions/evaluate/", compliance_views.condition_evaluate, name="evaluate"),
    path(
        "programmes/<slug:code>/conditions/<str:quarter>/",
        compliance_views.condition_evaluation,
        name="evaluation",
    ),
    path(
        "programmes/<slug:code>/applications/new/", application_views.application_new, name="application_new"
    ),
    path("programmes/<slug:code>/applications/rank/", application_views.applications_rank, name="rank"),
    path(
        "programmes/<slug:code>/applications/confirm/",
        application_views.applications_confirm,
        name="confirm_ranking",
    ),
    path("programmes/<slug:code>/quotas/", application_views.quotas, name="quotas"),
    path("programmes/<slug:code>/<str:action>/", views.programme_status, name="status"),
    # The public site: apply without signing in, and follow an application.
    path("apply/<slug:code>/", application_views.apply, name="apply"),
    path("apply/<slug:code>/submitted/", application_views.applied, name="applied"),
    path("track/", application_views.track, name="track"),
]
