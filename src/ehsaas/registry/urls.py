from django.urls import path

from ehsaas.registry.views import changes, duplicates, households, imports, wealth_filters

app_name = "registry"

urlpatterns = [
    path("households/", households.search, name="search"),
    path("households/new/", households.register, name="register"),
    path("households/<int:pk>/", households.detail, name="household"),
    path("households/<int:pk>/changes/new/", changes.create, name="change_new"),
    path("changes/", changes.change_list, name="change_list"),
    path("changes/<int:pk>/", changes.detail, name="change_detail"),
    path("duplicates/", duplicates.duplicate_list, name="duplicates"),
    path("duplicates/<int:pk>/", duplicates.detail, name="duplicate_detail"),
    path("imports/", imports.upload, name="import"),
    path("imports/<int:pk>/report.csv", imports.report, name="import_report"),
    path("wealth/", wealth_filters.list_index, name="wealth_lists"),
    path("wealth/import/", wealth_filters.upload, name="wealth_import"),
    path("wealth/lists/<int:pk>/", wealth_filters.list_detail, name="wealth_list"),
    path("wealth/overrides/", wealth_filters.override_queue, name="wealth_overrides"),
    path("wealth/overrides/<int:pk>/", wealth_filters.override_detail, name="wealth_override"),
    path("wealth/flags/<int:flag_pk>/override/", wealth_filters.override_new, name="wealth_override_new"),
]
