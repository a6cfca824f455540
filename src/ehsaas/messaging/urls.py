from django.urls import path

from ehsaas.messaging import views

app_name = "messaging"

urlpatterns = [
    path("messages/", views.outbox, name="outbox"),
    path("messages/templates/", views.template_list, name="templates"),
    path("messages/templates/<slug:code>/", views.template_edit, name="template_edit"),
    path("messages/campaign/", views.campaign, name="campaign"),
    path("sms/delivery", views.delivery_report, name="delivery"),
]
