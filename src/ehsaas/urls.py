from django.contrib import admin
from django.urls import include, path

from ehsaas.registry.views.households import home

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("ehsaas.core.urls")),
    # The public 8171 check and the API are the busiest addresses: resolved before the staff pages.
    path("", include("ehsaas.portal.urls")),
    path("", include("ehsaas.api.urls")),
    path("", include("ehsaas.registry.urls")),
    path("", include("ehsaas.targeting.urls")),
    path("", include("ehsaas.programs.urls")),
    path("", include("ehsaas.payments.urls")),
    path("", include("ehsaas.messaging.urls")),
    path("", include("ehsaas.grievances.urls")),
    path("", include("ehsaas.community.urls")),
    path("", home, name="home"),
]
