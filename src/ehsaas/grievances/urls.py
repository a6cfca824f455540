from django.urls import path

from ehsaas.grievances import public_views, views

app_name = "grievances"

urlpatterns = [
    # Public, without signing in.
    path("complaints/submit/", public_views.submit, name="submit"),
    path("complaints/submitted/", public_views.submitted, name="submitted"),
    path("complaints/track/", public_views.track, name="track"),
    # Staff.
    path("complaints/", views.queue, name="queue"),
    path("complaints/<int:pk>/", views.detail, name="complaint"),
    path("complaints/receive/", views.receive, name="receive"),
    path("complaints/town-hall/", views.town_hall, name="town_hall"),
    path("complaints/resurveys/", views.resurveys, name="resurveys"),
    path("complaints/resurveys/<int:pk>/done/", views.resurvey_done, name="resurvey_done"),
]
