"""The demo's payments step: payment points in the districts of Kafaalat's women, the demo agent at the
partner's districts' points, and accounts for the active women approved by a second finance officer."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from ehsaas.core.choices import Role
from ehsaas.core.demo import demo_steps
from ehsaas.payments.accounts.validation import iban_checksum_ok
from ehsaas.payments.choices import AccountRequestStatus, Channel, PointKind
from ehsaas.payments.models import AccountChangeRequest, PaymentAccount, PaymentPoint
from ehsaas.programs.choices import BeneficiaryStatus
from ehsaas.programs.models import Beneficiary

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_output(settings, tmp_path, monkeypatch):
    settings.VAR_DIR = tmp_path
    monkeypatch.setenv("DEMO_PASSWORD", "a-demo-password-1")
    out = io.StringIO()
    call_command("demo-data", "--households", "200", "--seed", "4", stdout=out)
    return out.getvalue()


def test_the_payments_steps_run_after_the_enrolment():
    orders = {step.name: step.order for step in demo_steps()}
    assert orders["payments.points"] == orders["payments.accounts"] == 45 > orders["programs.enrolment"]


def test_every_active_kafaalat_woman_gets_an_account_approved_by_a_second_user(demo_output):
    active = Beneficiary.objects.filter(programme__code="kafaalat", status=BeneficiaryStatus.ACTIVE)
    accounts = PaymentAccount.objects.filter(beneficiary__in=active)
    assert accounts.count() == active.count() > 0
    requests = AccountChangeRequest.objects.filter(beneficiary__in=active)
    assert set(requests.values_list("status", "requested_by__username", "decided_by__username")) == {
        (AccountRequestStatus.APPROVED, "finance", "finance2")
    }
    banks = accounts.filter(channel=Channel.BANK)
    assert banks.count() > accounts.count() / 3 and accounts.filter(channel=Channel.WALLET).exists()
    assert all(iban_checksum_ok(number) for number in banks.values_list("account_number", flat=True))
    assert "Kafaalat women accounts" in demo_output


def test_points_open_in_her_districts_and_the_agent_works_at_some(demo_output):
    districts = set(
        Beneficiary.objects.filter(programme__code="kafaalat").values_list("household__district", flat=True)
    )
    assert set(PaymentPoint.objects.values_list("district", flat=True)) == districts
    assert set(PaymentPoint.objects.values_list("kind", flat=True)) == set(PointKind.values)
    agent = get_user_model().objects.get(username="agent")
    assert agent.groups.filter(name=Role.PAYMENT_AGENT.value).exists()
    assert agent.check_password("a-demo-password-1")
    assert agent.payment_points.exists()
    assert agent.has_perm("payments.collect_payment")
