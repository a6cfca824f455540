from django.urls import path

from ehsaas.payments.views import collection

urlpatterns = [
    path("payments/collect/", collection.collect, name="collect"),
]
