from django.urls import path

from ehsaas.community import board_views, survey_views, views

app_name = "community"

urlpatterns = [
    path("community/", views.report, name="report"),
    path("community/report.csv", views.report_download, name="report_csv"),
    path("community/sessions/", views.session_list, name="sessions"),
    path("community/sessions.csv", views.sessions_download, name="sessions_csv"),
    path("community/sessions/new/", views.session_new, name="session_new"),
    path("community/sessions/tehsils/", views.tehsil_options, name="tehsils"),
    path("community/sessions/<int:pk>/", views.session_detail, name="session"),
    path("community/sessions/<int:pk>/edit/", views.session_edit, name="session_edit"),
    path("community/sessions/<int:pk>/actions/", views.action_add, name="action_add"),
    path("community/actions/<int:pk>/follow-up/", views.action_follow_up, name="action_follow_up"),
    path("community/boards/", board_views.board_list, name="boards"),
    path("community/boards/<int:pk>/", board_views.board_detail, name="board"),
    path("community/boards/<int:pk>/members/", board_views.member_add, name="member_add"),
    path("community/boards/<int:pk>/meetings/", board_views.meeting_record, name="meeting_record"),
    path(
        "community/boards/<int:pk>/recommendations/",
        board_views.recommendation_add,
        name="recommendation_add",
    ),
    path("community/board-members/<int:pk>/left/", board_views.member_left, name="member_left"),
    path(
        "community/recommendations/<int:pk>/decision/",
        board_views.recommendation_decide,
        name="recommendation_decide",
    ),
    path("community/surveys/", survey_views.round_list, name="surveys"),
    path("community/surveys/new/", survey_views.round_new, name="survey_new"),
    path("community/surveys/results/", survey_views.results, name="results"),
    path("community/surveys/results.csv", survey_views.results_download, name="results_csv"),
    path("community/surveys/<int:pk>/", survey_views.round_detail, name="survey"),
    path("community/surveys/<int:pk>/edit/", survey_views.round_edit, name="survey_edit"),
]
