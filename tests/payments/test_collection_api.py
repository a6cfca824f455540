"""The agent device's API: each answer (paid, not matched, fall back, already collected, nothing to
collect), HTTP Basic and session sign-in, and each role's access."""

import base64

import pytest

from ehsaas.core.choices import Role
from ehsaas.payments.choices import PaymentStatus, PointKind
from ehsaas.payments.collection import services
from ehsaas.payments.collection.adapters import SimulatedBiometricVerifier
from ehsaas.payments.models import Payment, PaymentPolicy
from tests.conftest import make_user
from tests.payments.test_collection_services import cnic_of, make_cycle, make_point

scan = SimulatedBiometricVerifier.scan
COLLECT, WITH_CODE = "/api/v1/collection/collect", "/api/v1/collection/collect-with-code"


@pytest.fixture
def agent(reference_data):
    return make_user("agent", Role.PAYMENT_AGENT)


@pytest.fixture
def point(women, agent, district_b):
    return make_point("shop-1", district_b, agents=[agent])


@pytest.fixture
def cycle(kafaalat, women, finance, second_finance):
    return make_cycle(kafaalat, women.active, generator=finance, approver=second_finance)


def basic(user) -> dict:
    token = base64.b64encode(f"{user.username}:a-long-test-password".encode()).decode()
    return {"HTTP_AUTHORIZATION": f"Basic {token}"}


def post(client, url, body, user):
    return client.post(url, body, content_type="application/json", **basic(user))


def test_a_matching_fingerprint_is_paid_with_amount_and_reference(client, women, point, agent, cycle):
    cnic = cnic_of(women.cash)
    response = post(client, COLLECT, {"cnic": cnic, "point": "shop-1", "verification_reference": scan(cnic, True)},
                    agent)  # fmt: skip
    assert response.status_code == 200
    payment = Payment.objects.get(cycle=cycle, beneficiary=women.cash)
    assert response.json()["outcome"] == "paid"
    assert response.json()["amount"] == payment.amount and response.json()["reference"] == payment.reference
    again = post(client, COLLECT, {"cnic": cnic, "point": "shop-1", "verification_reference": scan(cnic, True)},
                 agent)  # fmt: skip
    assert again.status_code == 409
    assert again.json()["error"] == "already_collected" and again.json()["point"] == point.name
    assert again.json()["collected_at"]


def test_a_miss_says_the_attempts_left_then_the_fallback(client, kafaalat, women, point, agent, cycle):
    PaymentPolicy.objects.update_or_create(programme=kafaalat, defaults={"biometric_attempts": 2})
    cnic = cnic_of(women.cash)
    body = lambda: {"cnic": cnic, "point": "shop-1", "verification_reference": scan(cnic, False)}  # noqa: E731
    first = post(client, COLLECT, body(), agent).json()
    assert (first["outcome"], first["attempts_left"]) == ("not_matched", 1)
    second = post(client, COLLECT, body(), agent).json()
    assert (second["outcome"], second["code_sent"]) == ("fallback", True)


def test_a_branch_pays_with_the_code(client, monkeypatch, women, point, agent, district_b, cycle):
    make_point("branch-1", district_b, kind=PointKind.BRANCH, agents=[agent])
    sent = []
    monkeypatch.setattr(services.secrets, "randbelow", lambda n: sent.append(424242) or 424242)
    cnic = cnic_of(women.cash)
    for _attempt in range(3):
        post(
            client,
            COLLECT,
            {"cnic": cnic, "point": "shop-1", "verification_reference": scan(cnic, False)},
            agent,
        )
    wrong = post(client, WITH_CODE, {"cnic": cnic, "point": "branch-1", "code": "111111"}, agent)
    assert wrong.status_code == 400 and wrong.json()["error"] == "wrong_code"
    paid = post(client, WITH_CODE, {"cnic": cnic, "point": "branch-1", "code": "424242"}, agent)
    assert paid.status_code == 200 and paid.json()["outcome"] == "paid"
    assert Payment.objects.get(cycle=cycle, beneficiary=women.cash).status == PaymentStatus.PAID


def test_nothing_to_collect_is_a_404(client, women, point, agent, cycle):
    cnic = cnic_of(women.bank)
    response = post(client, COLLECT, {"cnic": cnic, "point": "shop-1", "verification_reference": scan(cnic, True)},
                    agent)  # fmt: skip
    assert response.status_code == 404 and response.json()["error"] == "nothing_to_collect"


def test_a_made_up_reference_is_a_400(client, women, point, agent, cycle):
    body = {"cnic": cnic_of(women.cash), "point": "shop-1", "verification_reference": "SIM-1-00-00"}
    response = post(client, COLLECT, body, agent)
    assert response.status_code == 400 and response.json()["error"] == "not_genuine"


def test_an_agent_of_another_point_is_refused(client, women, point, cycle, reference_data):
    stranger = make_user("agent2", Role.PAYMENT_AGENT)
    cnic = cnic_of(women.cash)
    response = post(client, COLLECT, {"cnic": cnic, "point": "shop-1", "verification_reference": scan(cnic, True)},
                    stranger)  # fmt: skip
    assert response.status_code == 403 and response.json()["error"] == "not_agent"


@pytest.mark.parametrize("role", [r for r in Role if r not in (Role.PAYMENT_AGENT, Role.ADMINISTRATOR)])
def test_roles_without_the_collect_permission_are_refused(client, personas, women, point, cycle, role):
    user = personas[role.value]
    point.agents.add(user)
    cnic = cnic_of(women.cash)
    response = post(client, COLLECT, {"cnic": cnic, "point": "shop-1", "verification_reference": scan(cnic, True)},
                    user)  # fmt: skip
    assert response.status_code == 403
    assert Payment.objects.get(cycle=cycle, beneficiary=women.cash).status == PaymentStatus.INSTRUCTED


def test_an_anonymous_or_wrongly_signed_device_is_a_401(client, women, point, cycle):
    body = {"cnic": cnic_of(women.cash), "point": "shop-1", "verification_reference": "x"}
    assert client.post(COLLECT, body, content_type="application/json").status_code == 401
    wrong = base64.b64encode(b"agent:wrong").decode()
    response = client.post(
        COLLECT, body, content_type="application/json", HTTP_AUTHORIZATION=f"Basic {wrong}"
    )
    assert response.status_code == 401


def test_a_signed_in_agent_uses_the_session(client, women, point, agent, cycle):
    client.force_login(agent)
    cnic = cnic_of(women.cash)
    response = client.post(COLLECT, {"cnic": cnic, "point": "shop-1", "verification_reference": scan(cnic, True)},
                           content_type="application/json")  # fmt: skip
    assert response.status_code == 200 and response.json()["outcome"] == "paid"
