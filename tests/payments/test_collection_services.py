"""Cash collection at payment points: a fingerprint result confirmed with the provider and counted once,
a match paying out once, the branch fallback with a one-time code sent by SMS, and who may pay where."""

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from ehsaas.core.choices import Role
from ehsaas.core.models import AuditEvent
from ehsaas.messaging.models import Message
from ehsaas.payments.apis import outcome_json
from ehsaas.payments.choices import Channel, CollectionMethod, CycleStatus, PaymentStatus, PointKind
from ehsaas.payments.collection import services
from ehsaas.payments.collection.adapters import SimulatedBiometricVerifier, VerificationNotGenuine
from ehsaas.payments.collection.services import CollectionRefused, collection_by_code, collection_verify
from ehsaas.payments.models import (
    BiometricAttempt,
    Collection,
    CollectionCode,
    Payment,
    PaymentCycle,
    PaymentPoint,
    PaymentPolicy,
)
from tests.conftest import make_user

scan = SimulatedBiometricVerifier.scan


def cnic_of(beneficiary) -> str:
    return beneficiary.member.identifiers.get(active=True).number


def make_cycle(programme, beneficiaries, *, generator, approver, period="2026-Q3",
               cycle_status=CycleStatus.APPROVED, status=PaymentStatus.INSTRUCTED) -> PaymentCycle:  # fmt: skip
    """A cycle of `programme` with one payment per beneficiary through her account, with `status`."""
    now = timezone.now()
    decided = cycle_status in (CycleStatus.APPROVED, CycleStatus.CLOSED)
    cycle = PaymentCycle.objects.create(
        programme=programme, period=period, status=cycle_status, created_by=generator, generated_by=generator,
        generated_at=now, approved_by=approver if decided else None, approved_at=now if decided else None,
    )  # fmt: skip
    for beneficiary in beneficiaries:
        account = beneficiary.payment_account
        Payment.objects.create(
            cycle=cycle, beneficiary=beneficiary, household=beneficiary.household, member=beneficiary.member,
            district=beneficiary.household.district, amount=beneficiary.amount, channel=account.channel,
            provider=account.provider, account_number=account.account_number, status=status, status_at=now,
        )  # fmt: skip
    return cycle


def make_point(code, district, *, kind=PointKind.AGENT, agents=()) -> PaymentPoint:
    point = PaymentPoint.objects.create(code=code, name=f"Point {code}", kind=kind, district=district,
                                        address=f"{code} bazaar")  # fmt: skip
    point.agents.set(agents)
    return point


@pytest.fixture
def agent(reference_data):
    return make_user("agent", Role.PAYMENT_AGENT)


@pytest.fixture
def other_agent(reference_data):
    return make_user("agent2", Role.PAYMENT_AGENT)


@pytest.fixture
def point(women, agent, district_b):
    return make_point("shop-1", district_b, agents=[agent])


@pytest.fixture
def branch(women, agent, district_b):
    return make_point("branch-1", district_b, kind=PointKind.BRANCH, agents=[agent])


@pytest.fixture
def cycle(kafaalat, women, finance, second_finance):
    return make_cycle(kafaalat, women.active, generator=finance, approver=second_finance)


@pytest.fixture
def cash_payment(cycle, women):
    return Payment.objects.get(cycle=cycle, beneficiary=women.cash)


def test_the_simulator_accepts_its_own_scan_and_refuses_a_made_up_reference():
    verifier = SimulatedBiometricVerifier()
    reference = scan("4210112345672", True)
    assert verifier.check(reference=reference, cnic="4210112345672").matched is True
    assert verifier.check(reference=scan("4210112345672", False), cnic="4210112345672").matched is False
    with pytest.raises(VerificationNotGenuine):
        verifier.check(reference=reference, cnic="4210112345674")  # made for another CNIC
    with pytest.raises(VerificationNotGenuine):
        verifier.check(reference=reference.replace("SIM-1", "SIM-0"), cnic="4210112345672")
    with pytest.raises(VerificationNotGenuine):
        verifier.check(reference="NADRA-123456", cnic="4210112345672")


def test_a_matching_fingerprint_pays_the_cash_payment_out_once(women, point, agent, cash_payment):
    cnic = cnic_of(women.cash)
    outcome = collection_verify(cnic=cnic, point=point, agent=agent, reference=scan(cnic, True))
    assert outcome.kind == services.PAID
    cash_payment.refresh_from_db()
    assert cash_payment.status == PaymentStatus.PAID and cash_payment.status_at is not None
    collection = Collection.objects.get(payment=cash_payment)
    assert (collection.point, collection.agent, collection.method) == (
        point,
        agent,
        CollectionMethod.BIOMETRIC,
    )
    assert AuditEvent.objects.filter(action="payment.collected", subject_id=cash_payment.pk).exists()
    with pytest.raises(CollectionRefused) as refused:
        collection_verify(cnic=cnic, point=point, agent=agent, reference=scan(cnic, True))
    assert refused.value.kind == services.ALREADY
    assert point.name in refused.value.text
    assert Collection.objects.filter(payment=cash_payment).count() == 1


def test_a_payment_collected_meanwhile_is_refused_when_paying_out(women, point, agent, cash_payment):
    Collection.objects.create(payment=cash_payment, point=point, agent=agent, method=CollectionMethod.BIOMETRIC,
                              verification_reference="SIM-x", collected_at=timezone.now())  # fmt: skip
    with pytest.raises(CollectionRefused) as refused:
        services._pay_out(payment=cash_payment, point=point, agent=agent, method=CollectionMethod.BIOMETRIC,
                          reference="SIM-y")  # fmt: skip
    assert refused.value.kind == services.ALREADY


def test_a_made_up_reference_is_refused_and_not_counted(women, point, agent, cash_payment):
    with pytest.raises(CollectionRefused) as refused:
        collection_verify(cnic=cnic_of(women.cash), point=point, agent=agent, reference="SIM-1-abc-def")
    assert refused.value.kind == services.NOT_GENUINE
    assert not BiometricAttempt.objects.exists()


def test_a_reference_counts_once(women, point, agent, cash_payment):
    cnic = cnic_of(women.cash)
    reference = scan(cnic, False)
    collection_verify(cnic=cnic, point=point, agent=agent, reference=reference)
    with pytest.raises(CollectionRefused):
        collection_verify(cnic=cnic, point=point, agent=agent, reference=reference)
    assert BiometricAttempt.objects.filter(payment=cash_payment).count() == 1


def test_failed_fingerprints_leave_attempts_then_fall_back_to_a_branch_with_a_code_by_sms(
    women, kafaalat, point, agent, cash_payment
):
    PaymentPolicy.objects.update_or_create(programme=kafaalat, defaults={"biometric_attempts": 2})
    cnic = cnic_of(women.cash)
    first = collection_verify(cnic=cnic, point=point, agent=agent, reference=scan(cnic, False))
    assert (first.kind, first.attempts_left) == (services.NOT_MATCHED, 1)
    second = collection_verify(cnic=cnic, point=point, agent=agent, reference=scan(cnic, False))
    assert (second.kind, second.code_sent) == (services.FALLBACK, True)
    code = CollectionCode.objects.get(payment=cash_payment)
    assert code.expires_at > timezone.now() and len(code.code_hash) == 64
    message = Message.objects.get(template="collection_code")
    assert message.phone.endswith(women.cash.member.phone[-9:] if women.cash.member.phone else "3123456789")
    # A further fingerprint is not taken, and no second code is sent while the first is valid.
    third = collection_verify(cnic=cnic, point=point, agent=agent, reference=scan(cnic, True))
    assert (third.kind, third.code_sent) == (services.FALLBACK, False)
    cash_payment.refresh_from_db()
    assert cash_payment.status == PaymentStatus.INSTRUCTED


def fall_back(monkeypatch, women, point, agent) -> str:
    """Fail her fingerprint until the fallback, and return the code the SMS carried."""
    sent = []
    real = services.secrets.randbelow
    monkeypatch.setattr(services.secrets, "randbelow", lambda n: sent.append(real(n)) or sent[-1])
    cnic = cnic_of(women.cash)
    for _attempt in range(3):
        collection_verify(cnic=cnic, point=point, agent=agent, reference=scan(cnic, False))
    return f"{sent[-1]:06d}"


def test_a_branch_pays_out_with_the_cnic_and_the_code(monkeypatch, women, point, branch, agent, cash_payment):
    code = fall_back(monkeypatch, women, point, agent)
    outcome = collection_by_code(cnic=cnic_of(women.cash), code=code, point=branch, agent=agent)
    assert outcome.kind == services.PAID
    assert Collection.objects.get(payment=cash_payment).method == CollectionMethod.BRANCH_CODE
    assert CollectionCode.objects.get(payment=cash_payment).used_at is not None


def test_a_wrong_code_is_counted_and_spends_the_code_after_the_limit(
    monkeypatch, women, point, branch, agent, cash_payment
):
    code = fall_back(monkeypatch, women, point, agent)
    wrong = "000000" if code != "000000" else "111111"
    for left in range(services.CODE_ATTEMPTS - 1, -1, -1):
        with pytest.raises(CollectionRefused) as refused:
            collection_by_code(cnic=cnic_of(women.cash), code=wrong, point=branch, agent=agent)
        assert refused.value.kind == services.WRONG_CODE and str(left) in refused.value.text
    with pytest.raises(CollectionRefused) as refused:
        collection_by_code(cnic=cnic_of(women.cash), code=code, point=branch, agent=agent)
    assert refused.value.kind == services.NO_CODE


def test_an_expired_code_is_refused(monkeypatch, women, point, branch, agent, cash_payment):
    code = fall_back(monkeypatch, women, point, agent)
    CollectionCode.objects.update(expires_at=timezone.now())
    with pytest.raises(CollectionRefused) as refused:
        collection_by_code(cnic=cnic_of(women.cash), code=code, point=branch, agent=agent)
    assert refused.value.kind == services.NO_CODE


def test_only_a_branch_pays_out_with_a_code(monkeypatch, women, point, agent, cash_payment):
    code = fall_back(monkeypatch, women, point, agent)
    with pytest.raises(CollectionRefused) as refused:
        collection_by_code(cnic=cnic_of(women.cash), code=code, point=point, agent=agent)
    assert refused.value.kind == services.NOT_BRANCH


def test_only_the_agents_of_a_point_pay_there(women, point, other_agent, cash_payment):
    cnic = cnic_of(women.cash)
    with pytest.raises(CollectionRefused) as refused:
        collection_verify(cnic=cnic, point=point, agent=other_agent, reference=scan(cnic, True))
    assert refused.value.kind == services.NOT_AGENT


def test_a_user_without_the_collect_permission_is_refused(women, point, finance, cash_payment):
    point.agents.add(finance)
    cnic = cnic_of(women.cash)
    with pytest.raises(PermissionDenied):
        collection_verify(cnic=cnic, point=point, agent=finance, reference=scan(cnic, True))


@pytest.mark.parametrize("who", ["bank", "suspended"])
def test_nothing_is_collected_for_a_woman_paid_into_an_account_or_not_paid(women, point, agent, cycle, who):
    cnic = cnic_of(getattr(women, who))
    with pytest.raises(CollectionRefused) as refused:
        collection_verify(cnic=cnic, point=point, agent=agent, reference=scan(cnic, True))
    assert refused.value.kind == services.NOTHING


@pytest.mark.parametrize(
    ("cycle_status", "status"),
    [(CycleStatus.REVIEW, PaymentStatus.INSTRUCTED), (CycleStatus.APPROVED, PaymentStatus.PENDING)],
)
def test_a_payment_is_collectable_only_when_instructed_in_an_approved_cycle(
    kafaalat, women, point, agent, finance, second_finance, cycle_status, status
):
    make_cycle(kafaalat, [women.cash], generator=finance, approver=second_finance, cycle_status=cycle_status,
               status=status)  # fmt: skip
    cnic = cnic_of(women.cash)
    with pytest.raises(CollectionRefused) as refused:
        collection_verify(cnic=cnic, point=point, agent=agent, reference=scan(cnic, True))
    assert refused.value.kind == services.NOTHING


def test_a_mistyped_cnic_is_refused(women, point, agent):
    with pytest.raises(CollectionRefused) as refused:
        collection_verify(cnic="123", point=point, agent=agent, reference="x")
    assert refused.value.kind == services.INVALID_CNIC


def test_the_latest_cycle_is_collected_first(kafaalat, women, point, agent, finance, second_finance, cycle):
    later = make_cycle(kafaalat, [women.cash], generator=finance, approver=second_finance, period="2026-Q4")
    cnic = cnic_of(women.cash)
    outcome = collection_verify(cnic=cnic, point=point, agent=agent, reference=scan(cnic, True))
    assert outcome.payment.cycle == later
    assert women.cash.payment_account.channel == Channel.CASH


def test_without_a_phone_no_code_is_made_and_the_agent_is_told(women, kafaalat, point, agent, cash_payment):
    PaymentPolicy.objects.update_or_create(programme=kafaalat, defaults={"biometric_attempts": 1})
    women.cash.member.__class__.objects.filter(pk=women.cash.member_id).update(phone="")
    women.cash.household.__class__.objects.filter(pk=women.cash.household_id).update(phone="")
    cnic = cnic_of(women.cash)
    outcome = collection_verify(cnic=cnic, point=point, agent=agent, reference=scan(cnic, False))
    assert (outcome.kind, outcome.code_sent) == (services.FALLBACK, False)
    assert not CollectionCode.objects.exists() and not Message.objects.exists()
    assert "Ehsaas office" in outcome_json(outcome)["message"]
