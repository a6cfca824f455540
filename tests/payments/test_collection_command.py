"""`ehsaas collect`: a simulated fingerprint or a branch code pays out as the agent would from a device."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from ehsaas.core.choices import Role
from ehsaas.payments.choices import PaymentStatus, PointKind
from ehsaas.payments.collection import services
from ehsaas.payments.models import Payment
from tests.conftest import make_user
from tests.payments.test_collection_services import cnic_of, make_cycle, make_point


@pytest.fixture
def agent(reference_data):
    return make_user("agent", Role.PAYMENT_AGENT)


@pytest.fixture
def cycle(kafaalat, women, finance, second_finance, agent, district_b):
    make_point("shop-1", district_b, agents=[agent])
    make_point("branch-1", district_b, kind=PointKind.BRANCH, agents=[agent])
    return make_cycle(kafaalat, women.active, generator=finance, approver=second_finance)


def collect(*args) -> str:
    out = StringIO()
    call_command("collect", *args, stdout=out)
    return out.getvalue()


def test_a_simulated_match_pays_out(women, cycle):
    out = collect("--cnic", cnic_of(women.cash), "--point", "shop-1", "--user", "agent", "--simulate-match")
    assert out.startswith("paid EP")
    assert Payment.objects.get(cycle=cycle, beneficiary=women.cash).status == PaymentStatus.PAID


def test_misses_then_the_branch_code_pay_out(monkeypatch, women, cycle):
    monkeypatch.setattr(services.secrets, "randbelow", lambda n: 246810)
    base = ("--cnic", cnic_of(women.cash), "--user", "agent")
    assert collect(*base, "--point", "shop-1", "--simulate-no-match").startswith("not_matched")
    collect(*base, "--point", "shop-1", "--simulate-no-match")
    assert collect(*base, "--point", "shop-1", "--simulate-no-match").startswith("fallback")
    assert collect(*base, "--point", "branch-1", "--code", "246810").startswith("paid")


def test_a_refusal_is_an_error(women, cycle):
    with pytest.raises(CommandError, match="nothing_to_collect"):
        collect("--cnic", cnic_of(women.bank), "--point", "shop-1", "--user", "agent", "--simulate-match")


def test_a_user_who_is_not_the_point_s_agent_is_refused(women, cycle, finance):
    with pytest.raises(CommandError, match="not an agent"):
        collect(
            "--cnic", cnic_of(women.cash), "--point", "shop-1", "--user", finance.username, "--simulate-match"
        )
