"""Payment cycles: opening one, generating its payroll (one payment per active beneficiary, the same
payroll however often it runs or wherever it stopped; carrying over is in test_payroll_carry_over.py),
the review's figures, and the approval by a second finance officer, after which it is frozen."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from ehsaas.core.models import AuditEvent
from ehsaas.core.progress import NoProgress
from ehsaas.messaging.models import Message
from ehsaas.payments.choices import Channel, CycleStatus, PaymentStatus
from ehsaas.payments.models import Payment, PaymentAccount, PaymentCycle
from ehsaas.payments.payroll import generation, services
from ehsaas.payments.payroll.selectors import payroll_review
from ehsaas.payments.payroll.services import (
    MSG_FROZEN,
    MSG_NOT_CASH,
    MSG_NOT_IN_REVIEW,
    MSG_OWN_APPROVAL,
    MSG_PERIOD,
    MSG_PERIOD_TAKEN,
    PayrollRefused,
    cycle_approve,
    cycle_open,
    payment_policy_for,
    payroll_generate,
    payroll_generate_queue,
)
from ehsaas.payments.payroll.tasks import generate_payroll_job
from ehsaas.programs.models import Programme
from tests.payments.conftest import KAFAALAT_AMOUNT, enrol_woman
from tests.payments.cycles import approved, generated, open_cycle


def payroll_of(cycle) -> dict[int, tuple]:
    return {
        p.beneficiary_id: (p.amount, p.arrears, p.channel, p.provider_id, p.account_number, p.district_id)
        for p in Payment.objects.filter(cycle=cycle)
    }


def refusal(error) -> str:
    return " ".join(error.value.messages)


class StopAfterFirstRange(NoProgress):
    """A job killed after its first range was committed."""

    def advance(self, amount, message=None):
        super().advance(amount, message)
        raise KeyboardInterrupt("killed")


# Opening


def test_it_opens_a_cycle_of_an_active_cash_programme(kafaalat, finance):
    cycle = open_cycle(kafaalat, finance, "2026-q3")
    assert (cycle.period, cycle.status, cycle.created_by) == ("2026-Q3", CycleStatus.DRAFT, finance)
    assert AuditEvent.objects.filter(action="payroll.cycle_opened", subject_id=cycle.pk).exists()


@pytest.mark.parametrize("period", ["2026-Q5", "2026-13", "Q3-2026", "2026", ""])
def test_it_refuses_a_period_written_otherwise(kafaalat, finance, period):
    with pytest.raises(PayrollRefused) as error:
        open_cycle(kafaalat, finance, period)
    assert refusal(error) == str(MSG_PERIOD)


def test_it_accepts_a_month_as_the_period(kafaalat, finance):
    assert open_cycle(kafaalat, finance, "2026-07").period == "2026-07"


def test_it_refuses_a_second_cycle_for_the_same_period(kafaalat, finance):
    open_cycle(kafaalat, finance)
    with pytest.raises(PayrollRefused) as error:
        open_cycle(kafaalat, finance)
    assert refusal(error) == str(MSG_PERIOD_TAKEN) % {"programme": kafaalat.name, "period": "2026-Q3"}


def test_it_refuses_a_programme_without_benefit_amounts(kafaalat, finance):
    kafaalat.benefit_rules.all().delete()
    with pytest.raises(PayrollRefused) as error:
        open_cycle(kafaalat, finance)
    assert refusal(error) == str(MSG_NOT_CASH) % {"programme": kafaalat.name}


def test_it_refuses_a_programme_that_is_not_active(shipped, finance):
    draft = Programme.objects.get(code="emergency-cash")
    with pytest.raises(PayrollRefused):
        open_cycle(draft, finance)


def test_it_refuses_a_collection_day_in_the_past(kafaalat, finance):
    with pytest.raises(PayrollRefused):
        cycle_open(
            programme=kafaalat, period="2026-Q3", collect_by=datetime.date(2020, 1, 1), acting_user=finance
        )


def test_only_a_finance_officer_opens_a_cycle(kafaalat, personas):
    with pytest.raises(PermissionDenied):
        open_cycle(kafaalat, personas["auditor"])


def test_the_payment_rules_are_made_with_their_defaults(kafaalat):
    policy = payment_policy_for(kafaalat)
    assert (policy.reissue_failed, policy.reissue_unclaimed, policy.reissue_limit) == (True, True, 2)
    assert payment_policy_for(kafaalat).pk == policy.pk


# Generating


def test_it_pays_each_active_beneficiary_once_and_skips_the_suspended(women, kafaalat, finance):
    cycle = generated(kafaalat, finance)
    payments = {p.beneficiary_id: p for p in Payment.objects.filter(cycle=cycle)}
    assert set(payments) == {b.pk for b in women.active}
    assert all(p.amount == KAFAALAT_AMOUNT and p.arrears == 0 for p in payments.values())
    bank = payments[women.bank.pk]
    assert (bank.channel, bank.provider.code, bank.account_number) == (
        "bank",
        "nbp",
        "PK36NBPA0000001234567890",
    )
    assert (payments[women.cash.pk].channel, payments[women.cash.pk].provider) == (Channel.CASH, None)
    assert payments[women.shared_a.pk].district == women.shared_a.household.district
    assert payments[women.bank.pk].member_id == women.bank.member_id
    assert payments[women.bank.pk].category == "Kafaalat"
    assert not any(p.account_changed for p in payments.values())  # the first cycle
    assert (cycle.status, cycle.generated_by) == (CycleStatus.REVIEW, finance)
    assert (cycle.payments_count, cycle.amount_total) == (5, 5 * KAFAALAT_AMOUNT)


def test_a_beneficiary_without_an_account_is_paid_in_cash(women, kafaalat, finance):
    PaymentAccount.objects.filter(beneficiary=women.wallet).delete()
    cycle = generated(kafaalat, finance)
    payment = Payment.objects.get(cycle=cycle, beneficiary=women.wallet)
    assert (payment.channel, payment.provider, payment.account_number) == (Channel.CASH, None, "")


def test_the_amount_is_the_beneficiarys_own(women, kafaalat, finance):
    women.bank.amount = 16000
    women.bank.save(update_fields=["amount"])
    cycle = generated(kafaalat, finance)
    assert Payment.objects.get(cycle=cycle, beneficiary=women.bank).amount == 16000


def test_running_it_twice_gives_the_same_payroll(women, kafaalat, finance):
    cycle = generated(kafaalat, finance)
    first = payroll_of(cycle)
    again = payroll_generate(cycle, acting_user=finance)
    assert payroll_of(again) == first
    assert (again.payments_count, again.amount_total) == (5, 5 * KAFAALAT_AMOUNT)


def test_running_it_again_adds_only_the_beneficiaries_still_missing(women, kafaalat, finance, district_a):
    cycle = generated(kafaalat, finance)
    first = payroll_of(cycle)
    late = enrol_woman(kafaalat, district_a)
    again = payroll_of(payroll_generate(cycle, acting_user=finance))
    assert set(again) == set(first) | {late.pk}
    assert {k: v for k, v in again.items() if k != late.pk} == first


def test_a_generation_killed_midway_and_run_again_pays_each_beneficiary_once(
    women, kafaalat, finance, monkeypatch
):
    monkeypatch.setattr(generation, "RANGE", 2)
    cycle = open_cycle(kafaalat, finance)
    with pytest.raises(KeyboardInterrupt):
        payroll_generate(cycle, acting_user=finance, progress=StopAfterFirstRange())
    cycle.refresh_from_db()
    assert cycle.status == CycleStatus.GENERATING
    partial = Payment.objects.filter(cycle=cycle).count()
    assert 0 < partial < 5
    payroll_generate(cycle, acting_user=finance)
    counted = Payment.objects.filter(cycle=cycle).values_list("beneficiary_id", flat=True)
    assert sorted(counted) == sorted(b.pk for b in women.active)
    cycle.refresh_from_db()
    assert (cycle.status, cycle.payments_count) == (CycleStatus.REVIEW, 5)


def test_the_database_refuses_a_second_payment_in_a_cycle(women, kafaalat, finance):
    cycle = generated(kafaalat, finance)
    payment = Payment.objects.filter(cycle=cycle).first()
    payment.pk = None
    with pytest.raises(IntegrityError), transaction.atomic():
        payment.save()


def test_queueing_the_generation_makes_a_job_that_the_worker_runs(
    women, kafaalat, finance, django_capture_on_commit_callbacks
):
    cycle = open_cycle(kafaalat, finance)
    with django_capture_on_commit_callbacks() as queued:
        job = payroll_generate_queue(cycle=cycle, acting_user=finance)
    assert len(queued) == 1
    generate_payroll_job.call(job.pk)
    job.refresh_from_db()
    cycle.refresh_from_db()
    assert (job.status, job.result["payments"]) == ("succeeded", 5)
    assert (cycle.job, cycle.status, cycle.generated_by) == (job, CycleStatus.REVIEW, finance)


def test_only_a_finance_officer_generates(women, kafaalat, finance, personas):
    cycle = open_cycle(kafaalat, finance)
    with pytest.raises(PermissionDenied):
        payroll_generate(cycle, acting_user=personas["me_analyst"])
    with pytest.raises(PermissionDenied):
        payroll_generate_queue(cycle=cycle, acting_user=personas["programme_officer"])


# Review


def test_the_review_totals_the_payroll_by_district_channel_and_category(women, kafaalat, finance):
    cycle = generated(kafaalat, finance)
    review = payroll_review(user=finance, cycle=cycle)
    by_district = {row["district"].name: row["payments"] for row in review.by_district}
    assert by_district == {women.bank.household.district.name: 2, women.cash.household.district.name: 3}
    by_channel = {(row["channel"], getattr(row["provider"], "code", None)): row["payments"]
                  for row in review.by_channel}  # fmt: skip
    assert by_channel[("wallet", "easypaisa")] == 2
    assert by_channel[("cash", None)] == 1
    assert review.by_category == [{"category": "Kafaalat", "payments": 5, "amount": 5 * KAFAALAT_AMOUNT,
                                   "arrears": 0}]  # fmt: skip
    assert (review.cash_count, review.cash_total) == (1, KAFAALAT_AMOUNT)


def test_the_review_shows_a_wallet_shared_by_several_beneficiaries(women, kafaalat, finance):
    review = payroll_review(user=finance, cycle=generated(kafaalat, finance))
    assert review.shared_count == 1
    assert (review.shared[0]["account_number"], review.shared[0]["payments"]) == ("03452222222", 2)


def test_the_review_shows_an_account_changed_since_the_previous_cycle(
    women, kafaalat, finance, second_finance
):
    approved(kafaalat, finance, second_finance, "2026-Q1")
    PaymentAccount.objects.filter(beneficiary=women.wallet).update(
        account_number="03019999999", changed_at=timezone.now() + datetime.timedelta(seconds=1)
    )
    review = payroll_review(user=finance, cycle=generated(kafaalat, finance, "2026-Q2"))
    assert review.changed_count == 1
    assert review.changed[0].beneficiary_id == women.wallet.pk


# Approving


def test_it_refuses_an_approval_by_the_generator(women, kafaalat, finance):
    cycle = generated(kafaalat, finance)
    with pytest.raises(PayrollRefused) as error:
        cycle_approve(cycle=cycle, acting_user=finance, note="")
    assert refusal(error) == str(MSG_OWN_APPROVAL)
    cycle.refresh_from_db()
    assert cycle.status == CycleStatus.REVIEW


def test_it_refuses_an_approval_by_anyone_who_ran_part_of_the_generation(
    women, kafaalat, finance, second_finance, monkeypatch
):
    monkeypatch.setattr(generation, "RANGE", 2)
    cycle = open_cycle(kafaalat, finance)
    with pytest.raises(KeyboardInterrupt):
        payroll_generate(cycle, acting_user=second_finance, progress=StopAfterFirstRange())
    payroll_generate(cycle, acting_user=finance)
    with pytest.raises(PayrollRefused) as error:
        cycle_approve(cycle=cycle, acting_user=second_finance, note="")
    assert refusal(error) == str(MSG_OWN_APPROVAL)


def test_the_database_refuses_an_approver_who_generated(women, kafaalat, finance):
    cycle = generated(kafaalat, finance)
    with pytest.raises(IntegrityError), transaction.atomic():
        PaymentCycle.objects.filter(pk=cycle.pk).update(
            status=CycleStatus.APPROVED, approved_by=finance, approved_at=timezone.now()
        )


def test_it_refuses_an_approval_before_the_payroll_is_generated(kafaalat, finance, second_finance):
    cycle = open_cycle(kafaalat, finance)
    with pytest.raises(PayrollRefused) as error:
        cycle_approve(cycle=cycle, acting_user=second_finance, note="")
    assert refusal(error) == str(MSG_NOT_IN_REVIEW) % {"status": CycleStatus.DRAFT.label}


def test_only_a_finance_officer_approves(women, kafaalat, finance, personas):
    cycle = generated(kafaalat, finance)
    with pytest.raises(PermissionDenied):
        cycle_approve(cycle=cycle, acting_user=personas["auditor"], note="")


def test_an_approved_payroll_is_frozen(women, kafaalat, finance, second_finance):
    cycle = approved(kafaalat, finance, second_finance, "2026-Q3")
    assert (cycle.status, cycle.approved_by) == (CycleStatus.APPROVED, second_finance)
    assert AuditEvent.objects.filter(action="payroll.approved", subject_id=cycle.pk).exists()
    for attempt in (
        lambda: payroll_generate(cycle, acting_user=finance),
        lambda: payroll_generate_queue(cycle=cycle, acting_user=finance),
        lambda: cycle_approve(cycle=cycle, acting_user=second_finance, note=""),
    ):
        with pytest.raises(PayrollRefused) as error:
            attempt()
        assert refusal(error) == str(MSG_FROZEN)
    assert cycle.payments.count() == 5


def test_approval_makes_cash_collectable_and_tells_each_cash_beneficiary_once(
    women, kafaalat, finance, second_finance
):
    cycle = approved(kafaalat, finance, second_finance, "2026-Q3")
    statuses = dict(cycle.payments.values_list("beneficiary_id", "status"))
    assert statuses[women.cash.pk] == PaymentStatus.INSTRUCTED
    assert {statuses[b.pk] for b in (women.bank, women.wallet, women.shared_a)} == {PaymentStatus.PENDING}
    messages = Message.objects.filter(event="payment_ready:kafaalat-2026-Q3")
    assert messages.count() == 1
    message = messages.get()
    assert (message.phone[-10:], message.language, message.template) == ("3123456789", "ur", "payment_ready")
    assert "13,500" in message.text and kafaalat.name_ur in message.text
    assert services._ready_messages_queue(cycle) == 0  # told once, whatever happens again
