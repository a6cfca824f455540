from django.urls import path

from ehsaas.portal import views

app_name = "portal"
urlpatterns = [
    path("check/", views.check, name="check"),
    path("payment/", views.payment_track, name="payment_track"),
    path("sms/inbound", views.sms_inbound, name="sms_inbound"),
]
