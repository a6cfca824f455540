from django.urls import path

from ehsaas.targeting import views

app_name = "targeting"

urlpatterns = [
    path("targeting/models/", views.model_list, name="models"),
    path("targeting/models/new/", views.model_new, name="model_new"),
    path("targeting/models/<int:pk>/", views.model_detail, name="model"),
    path("targeting/models/<int:pk>/edit/", views.model_edit, name="model_edit"),
    path("targeting/models/<int:pk>/submit/", views.model_submit, name="model_submit"),
    path("targeting/models/<int:pk>/review/", views.model_review, name="model_review"),
    path("targeting/models/<int:pk>/activate/", views.model_activate, name="model_activate"),
    path("targeting/scoring/", views.scoring, name="scoring"),
    path("targeting/calibration/", views.calibration, name="calibration"),
    path("targeting/calibration/<int:pk>/", views.calibration_report, name="calibration_report"),
    path("targeting/calibration/<int:pk>/chart.png", views.calibration_chart, name="calibration_chart"),
    path("targeting/simulation/", views.simulation, name="simulation"),
    path("targeting/simulation/<int:pk>/", views.simulation_report, name="simulation_report"),
    path(
        "targeting/simulation/<int:pk>/districts.csv", views.simulation_districts, name="simulation_districts"
    ),
]
