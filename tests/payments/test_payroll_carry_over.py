"""Unpaid amounts carried over: a failed or unclaimed payment is paid again, once, in the next cycle the
programme's rules allow, and waits for a suspended beneficiary."""

from ehsaas.payments.choices import PaymentStatus
from ehsaas.payments.models import Payment
from ehsaas.payments.payroll.services import payment_policy_for, payroll_generate
from ehsaas.programs.choices import BeneficiaryStatus
from tests.payments.conftest import KAFAALAT_AMOUNT
from tests.payments.cycles import approved, end_with, generated


def test_failed_and_unclaimed_payments_are_carried_into_the_next_cycle_once(
    women, kafaalat, finance, second_finance
):
    first = approved(kafaalat, finance, second_finance, "2026-Q1")
    end_with(first, women.bank, PaymentStatus.FAILED)
    end_with(first, women.cash, PaymentStatus.UNCLAIMED)
    end_with(first, women.wallet, PaymentStatus.PAID)
    second = generated(kafaalat, finance, "2026-Q2")
    payments = {p.beneficiary_id: p for p in Payment.objects.filter(cycle=second)}
    for woman in (women.bank, women.cash):
        assert (payments[woman.pk].amount, payments[woman.pk].arrears) == (
            2 * KAFAALAT_AMOUNT,
            KAFAALAT_AMOUNT,
        )
        assert Payment.objects.get(cycle=first, beneficiary=woman).reissued_in == payments[woman.pk]
    assert payments[women.wallet.pk].arrears == 0
    payroll_generate(second, acting_user=finance)  # run again: nothing carried a second time
    assert Payment.objects.get(cycle=second, beneficiary=women.bank).arrears == KAFAALAT_AMOUNT
    assert second.payments.filter(arrears__gt=0).count() == 2
    third = generated(kafaalat, finance, "2026-Q3")
    assert not third.payments.filter(arrears__gt=0).exists()  # carried already, paid or not


def test_unclaimed_payments_stay_when_the_rules_do_not_carry_them(women, kafaalat, finance, second_finance):
    policy = payment_policy_for(kafaalat)
    policy.reissue_unclaimed = False
    policy.save(update_fields=["reissue_unclaimed"])
    first = approved(kafaalat, finance, second_finance, "2026-Q1")
    end_with(first, women.cash, PaymentStatus.UNCLAIMED)
    end_with(first, women.bank, PaymentStatus.FAILED)
    second = generated(kafaalat, finance, "2026-Q2")
    assert Payment.objects.get(cycle=second, beneficiary=women.cash).arrears == 0
    assert Payment.objects.get(cycle=first, beneficiary=women.cash).reissued_in is None
    assert Payment.objects.get(cycle=second, beneficiary=women.bank).arrears == KAFAALAT_AMOUNT


def test_an_amount_is_carried_no_more_often_than_the_rules_allow(women, kafaalat, finance, second_finance):
    policy = payment_policy_for(kafaalat)
    policy.reissue_limit = 1
    policy.save(update_fields=["reissue_limit"])
    first = approved(kafaalat, finance, second_finance, "2026-Q1")
    end_with(first, women.bank, PaymentStatus.FAILED)
    second = approved(kafaalat, finance, second_finance, "2026-Q2")
    assert Payment.objects.get(cycle=second, beneficiary=women.bank).arrears == KAFAALAT_AMOUNT
    end_with(second, women.bank, PaymentStatus.FAILED)  # carried once already: no more
    third = generated(kafaalat, finance, "2026-Q3")
    assert Payment.objects.get(cycle=third, beneficiary=women.bank).arrears == 0
    assert Payment.objects.get(cycle=second, beneficiary=women.bank).reissued_in is None


def test_a_suspended_beneficiarys_unpaid_amount_waits_for_her(women, kafaalat, finance, second_finance):
    first = approved(kafaalat, finance, second_finance, "2026-Q1")
    end_with(first, women.bank, PaymentStatus.FAILED)
    women.bank.status = BeneficiaryStatus.SUSPENDED
    women.bank.save(update_fields=["status"])
    second = generated(kafaalat, finance, "2026-Q2")
    assert not second.payments.filter(beneficiary=women.bank).exists()
    assert Payment.objects.get(cycle=first, beneficiary=women.bank).reissued_in is None
