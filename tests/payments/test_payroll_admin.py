"""The payments admin: every model listed and shown; cycles and payments read only, providers kept."""

import pytest
from django.apps import apps
from django.urls import reverse

from ehsaas.payments.models import Payment, PaymentCycle
from ehsaas.payments.payroll.services import cycle_open, payroll_generate
from tests.conftest import make_user


@pytest.fixture
def admin_client_(client, reference_data):
    root = make_user("root", None, superuser=True)
    root.is_staff = True
    root.save(update_fields=["is_staff"])
    client.force_login(root)
    return client


@pytest.mark.parametrize("model", [m._meta.model_name for m in apps.get_app_config("payments").get_models()])
def test_every_payments_model_is_listed(admin_client_, women, model):
    assert admin_client_.get(reverse(f"admin:payments_{model}_changelist")).status_code == 200


def test_a_payment_is_shown_but_not_changed_in_the_admin(admin_client_, women, kafaalat, finance):
    cycle = payroll_generate(
        cycle_open(programme=kafaalat, period="2026-Q3", acting_user=finance), acting_user=finance
    )
    payment = Payment.objects.filter(cycle=cycle).first()
    page = admin_client_.get(reverse("admin:payments_payment_change", args=[payment.pk]))
    assert page.status_code == 200 and b'name="amount"' not in page.content
    admin_client_.post(reverse("admin:payments_payment_change", args=[payment.pk]), {"amount": 1})
    payment.refresh_from_db()
    assert payment.amount != 1
    assert admin_client_.get(reverse("admin:payments_paymentcycle_add")).status_code == 403
    assert PaymentCycle.objects.count() == 1


def test_providers_are_kept_in_the_admin(admin_client_):
    assert admin_client_.get(reverse("admin:payments_provider_add")).status_code == 200
