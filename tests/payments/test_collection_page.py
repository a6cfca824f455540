"""The agent's page: the simulator's buttons pay out or count a miss, the branch code pays out, only
the agent's own points are offered, and roles without the collect permission are refused."""

import pytest

from ehsaas.core.choices import Role
from ehsaas.payments.choices import PaymentStatus, PointKind
from ehsaas.payments.collection import services
from ehsaas.payments.models import BiometricAttempt, Payment
from tests.conftest import make_user
from tests.payments.test_collection_services import cnic_of, make_cycle, make_point

URL = "/payments/collect/"


@pytest.fixture
def agent(reference_data):
    return make_user("agent", Role.PAYMENT_AGENT)


@pytest.fixture
def cycle(kafaalat, women, finance, second_finance, agent, district_b):
    make_point("shop-1", district_b, agents=[agent])
    make_point("branch-1", district_b, kind=PointKind.BRANCH, agents=[agent])
    make_point("elsewhere", district_b)
    return make_cycle(kafaalat, women.active, generator=finance, approver=second_finance)


def test_the_page_offers_the_agent_s_points_and_the_simulator(client_as, agent, cycle):
    body = client_as(agent).get(URL).content.decode()
    assert "shop-1" in body and "branch-1" in body and "elsewhere" not in body
    assert "Scan fingerprint (simulator): match" in body


def test_a_simulated_match_pays_out(client_as, agent, women, cycle):
    response = client_as(agent).post(URL, {"point": "shop-1", "cnic": cnic_of(women.cash), "action": "match"})
    assert 'data-testid="answer"' in response.content.decode()
    assert Payment.objects.get(cycle=cycle, beneficiary=women.cash).status == PaymentStatus.PAID


def test_a_simulated_miss_is_counted(client_as, agent, women, cycle):
    response = client_as(agent).post(
        URL, {"point": "shop-1", "cnic": cnic_of(women.cash), "action": "no_match"}
    )
    assert "Attempts left: 2" in response.content.decode()
    assert BiometricAttempt.objects.filter(matched=False).count() == 1


def test_the_branch_code_pays_out(client_as, monkeypatch, agent, women, cycle):
    monkeypatch.setattr(services.secrets, "randbelow", lambda n: 135790)
    client = client_as(agent)
    for _attempt in range(3):
        client.post(URL, {"point": "shop-1", "cnic": cnic_of(women.cash), "action": "no_match"})
    client.post(URL, {"point": "branch-1", "cnic": cnic_of(women.cash), "code": "135790", "action": "code"})
    assert Payment.objects.get(cycle=cycle, beneficiary=women.cash).status == PaymentStatus.PAID


def test_a_refusal_is_shown(client_as, agent, women, cycle):
    body = (
        client_as(agent)
        .post(URL, {"point": "shop-1", "cnic": cnic_of(women.bank), "action": "match"})
        .content
    )
    assert "nothing to collect" in body.decode()


def test_a_point_not_the_agent_s_is_not_accepted(client_as, agent, women, cycle):
    client_as(agent).post(URL, {"point": "elsewhere", "cnic": cnic_of(women.cash), "action": "match"})
    assert Payment.objects.get(cycle=cycle, beneficiary=women.cash).status == PaymentStatus.INSTRUCTED


@pytest.mark.parametrize("role", [r for r in Role if r not in (Role.PAYMENT_AGENT, Role.ADMINISTRATOR)])
def test_roles_without_the_collect_permission_are_refused(client_as, personas, role):
    assert client_as(personas[role.value]).get(URL).status_code == 403


def test_an_anonymous_visitor_is_sent_to_sign_in(client, db):
    assert client.get(URL).status_code == 302
