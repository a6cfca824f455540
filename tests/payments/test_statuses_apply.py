"""Statuses back from providers: a status file applied once, its lines judged by the rules (paid,
failed with the reason, unchanged, reported), the whole file refused when its checksum fails, and the
payment-ready SMS for paid bank and wallet payments."""

import hashlib
import io
from datetime import timedelta

import pytest
from django.utils import timezone

from ehsaas.messaging.models import Message
from ehsaas.payments.choices import Channel, CycleStatus, InstructionFormat, PaymentStatus, StatusProblemKind
from ehsaas.payments.models import (
    InstructionBatch,
    Payment,
    PaymentCycle,
    Provider,
    StatusFile,
    StatusProblem,
)
from ehsaas.payments.statuses.readers import StatusFileRefused
from ehsaas.payments.statuses.services import StatusRefused, status_file_apply
from ehsaas.payments.statuses.simulator import csv_write, pain002_write


def make_cycle(programme, generated_by, approved_by, *, period="2026-Q3", collect_by=None, approved_at=None):
    """An approved cycle of `programme`."""
    return PaymentCycle.objects.create(
        programme=programme, period=period, status=CycleStatus.APPROVED, collect_by=collect_by,
        created_by=generated_by, generated_by=generated_by, generated_at=timezone.now(),
        approved_by=approved_by, approved_at=approved_at or timezone.now(),
    )  # fmt: skip


def make_payments(cycle, beneficiaries, *, status=PaymentStatus.INSTRUCTED) -> list[Payment]:
    """A payment of `cycle` for each beneficiary through her account, `status`; bank and wallet
    payments in one instruction batch per provider, cash without a batch."""
    payments = []
    for beneficiary in beneficiaries:
        account = beneficiary.payment_account
        batch = None
        if account.channel != Channel.CASH and status != PaymentStatus.PENDING:
            batch, _new = InstructionBatch.objects.get_or_create(
                cycle=cycle, provider=account.provider, sequence=1,
                defaults={"instruction_format": account.provider.instruction_format,
                          "message_id": f"{cycle.pk}-{account.provider.code}", "transactions": 0,
                          "control_sum": 0},
            )  # fmt: skip
        payments.append(
            Payment.objects.create(
                cycle=cycle,
                beneficiary=beneficiary,
                household=beneficiary.household,
                member=beneficiary.member,
                district=beneficiary.household.district,
                amount=beneficiary.amount,
                category=beneficiary.category,
                channel=account.channel,
                provider=account.provider,
                account_number=account.account_number,
                status=status,
                batch=batch,
            )
        )
    return payments


def csv_file(lines: list[str], *, count=None, total=None, sha=None, trailer=True) -> bytes:
    """A provider CSV with `lines` under the header and a TOTAL trailer (right unless told otherwise)."""
    body = ("reference,status,amount,reason,paid_at\n" + "".join(line + "\n" for line in lines)).encode()
    if not trailer:
        return body
    amounts = [int(line.split(",")[2]) for line in lines]
    count = len(lines) if count is None else count
    total = sum(amounts) if total is None else total
    sha = sha or hashlib.sha256(body).hexdigest()
    return body + f"TOTAL,{count},{total},{sha}\n".encode()


def pain002(outcomes, **kwargs) -> bytes:
    out = io.BytesIO()
    pain002_write(out, outcomes, message_id="STS-1", original_message_id="MSG-1", **kwargs)
    return out.getvalue()


@pytest.fixture
def cycle(kafaalat, finance, second_finance):
    return make_cycle(kafaalat, finance, second_finance)


@pytest.fixture
def paid_out(cycle, women):
    """The five active women's payments of the cycle, instructed."""
    bank, wallet, shared_a, shared_b, cash = make_payments(cycle, women.active)
    return {"bank": bank, "wallet": wallet, "shared_a": shared_a, "shared_b": shared_b, "cash": cash}


@pytest.fixture
def nbp():
    return Provider.objects.get(code="nbp")


@pytest.fixture
def jazzcash():
    return Provider.objects.get(code="jazzcash")


def refreshed(payment: Payment) -> Payment:
    payment.refresh_from_db()
    return payment


def test_a_bank_status_file_sets_its_payment_paid_and_tells_her(paid_out, nbp, finance):
    bank = paid_out["bank"]
    content = pain002([(bank.reference, bank.amount, "paid", "")])
    applied = status_file_apply(provider=nbp, content=content, file_name="nbp.xml", acting_user=finance)
    assert refreshed(bank).status == PaymentStatus.PAID
    assert bank.status_at is not None
    assert (applied.status_file.rows, applied.status_file.paid, applied.status_file.problems) == (1, 1, 0)
    message = Message.objects.get()
    assert message.event == "payment_ready:kafaalat-2026-Q3"
    assert message.language == "ur" and "13500" in message.text


def test_a_rejected_transfer_fails_with_the_banks_reason(paid_out, nbp, finance):
    bank = paid_out["bank"]
    content = pain002([(bank.reference, bank.amount, "failed", "AC04")])
    applied = status_file_apply(provider=nbp, content=content, file_name="nbp.xml", acting_user=finance)
    assert refreshed(bank).status == PaymentStatus.FAILED
    assert bank.status_reason == "AC04 Closed account number"
    assert applied.status_file.failed == 1
    assert not Message.objects.exists()


def test_a_wallet_csv_sets_paid_and_failed_with_the_reason(paid_out, jazzcash, finance):
    wallet = paid_out["wallet"]
    content = csv_file([f"{wallet.reference},failed,13500,AC06 Blocked wallet,"])
    status_file_apply(provider=jazzcash, content=content, file_name="jc.csv", acting_user=finance)
    assert refreshed(wallet).status == PaymentStatus.FAILED
    assert wallet.status_reason == "AC06 Blocked wallet"


def test_the_same_file_applied_twice_changes_nothing_the_second_time(paid_out, nbp, finance):
    bank = paid_out["bank"]
    content = pain002([(bank.reference, bank.amount, "paid", "")])
    first = status_file_apply(provider=nbp, content=content, file_name="nbp.xml", acting_user=finance)
    Payment.objects.filter(pk=bank.pk).update(status_at=None)
    again = status_file_apply(provider=nbp, content=content, file_name="again.xml", acting_user=finance)
    assert again.already_applied and again.status_file == first.status_file
    assert StatusFile.objects.count() == 1
    assert refreshed(bank).status_at is None
    assert Message.objects.count() == 1


def test_a_line_repeating_the_payments_status_counts_as_unchanged(paid_out, nbp, finance):
    bank = paid_out["bank"]
    status_file_apply(provider=nbp, content=pain002([(bank.reference, bank.amount, "paid", "")]),
                      file_name="day1.xml", acting_user=finance)  # fmt: skip
    later = status_file_apply(provider=nbp, content=pain002([(bank.reference, bank.amount, "paid", "")],
                              at=timezone.now() + timedelta(days=1)), file_name="day2.xml", acting_user=finance)  # fmt: skip
    assert (later.status_file.unchanged, later.status_file.paid, later.status_file.problems) == (1, 0, 0)


def test_an_unknown_reference_is_reported_not_applied(paid_out, jazzcash, finance):
    wallet = paid_out["wallet"]
    content = csv_file(["EP0099999999,paid,13500,,", f"{wallet.reference},paid,13500,,"])
    applied = status_file_apply(provider=jazzcash, content=content, file_name="jc.csv", acting_user=finance)
    problem = StatusProblem.objects.get()
    assert (problem.line, problem.reference, problem.kind) == (
        2,
        "EP0099999999",
        StatusProblemKind.UNKNOWN_PAYMENT,
    )
    assert refreshed(wallet).status == PaymentStatus.PAID
    assert (applied.status_file.paid, applied.status_file.problems) == (1, 1)


def test_a_line_that_is_no_reference_at_all_is_reported_as_unreadable(paid_out, jazzcash, finance):
    content = csv_file(["12345,paid,13500,,"])
    status_file_apply(provider=jazzcash, content=content, file_name="jc.csv", acting_user=finance)
    problem = StatusProblem.objects.get()
    assert problem.kind == StatusProblemKind.UNREADABLE
    assert "EP and ten digits" in problem.detail


def test_a_wrong_amount_is_reported_and_the_payment_stays_instructed(paid_out, jazzcash, finance):
    wallet = paid_out["wallet"]
    content = csv_file([f"{wallet.reference},paid,13000,,"])
    status_file_apply(provider=jazzcash, content=content, file_name="jc.csv", acting_user=finance)
    problem = StatusProblem.objects.get()
    assert problem.kind == StatusProblemKind.WRONG_AMOUNT
    assert "13000" in problem.detail and "13500" in problem.detail
    assert refreshed(wallet).status == PaymentStatus.INSTRUCTED


def test_a_payment_of_another_provider_is_reported_not_applied(paid_out, jazzcash, finance):
    bank, cash = paid_out["bank"], paid_out["cash"]
    content = csv_file([f"{bank.reference},paid,13500,,", f"{cash.reference},paid,13500,,"])
    status_file_apply(provider=jazzcash, content=content, file_name="jc.csv", acting_user=finance)
    kinds = list(StatusProblem.objects.values_list("kind", "detail"))
    assert kinds == [("provider", "paid through nbp"), ("provider", "paid through cash at points")]
    assert (
        refreshed(bank).status == PaymentStatus.INSTRUCTED
        and refreshed(cash).status == PaymentStatus.INSTRUCTED
    )


def test_repeats_that_agree_apply_once_and_each_repeat_is_reported(paid_out, jazzcash, finance):
    wallet = paid_out["wallet"]
    line = f"{wallet.reference},paid,13500,,"
    applied = status_file_apply(provider=jazzcash, content=csv_file([line, line, line]), file_name="jc.csv",
                                acting_user=finance)  # fmt: skip
    assert refreshed(wallet).status == PaymentStatus.PAID
    assert list(StatusProblem.objects.values_list("line", "kind", "detail")) == [
        (3, "duplicate", "repeats line 2"), (4, "duplicate", "repeats line 2"),
    ]  # fmt: skip
    assert (applied.status_file.paid, applied.status_file.problems) == (1, 2)


def test_repeats_that_disagree_apply_none_and_are_all_reported(paid_out, jazzcash, finance):
    wallet = paid_out["wallet"]
    content = csv_file([f"{wallet.reference},paid,13500,,", f"{wallet.reference},failed,13500,AC04 Closed,"])
    status_file_apply(provider=jazzcash, content=content, file_name="jc.csv", acting_user=finance)
    assert refreshed(wallet).status == PaymentStatus.INSTRUCTED
    assert list(StatusProblem.objects.values_list("line", "kind")) == [(2, "duplicate"), (3, "duplicate")]


def test_a_paid_payment_never_becomes_failed(paid_out, jazzcash, finance):
    wallet = paid_out["wallet"]
    status_file_apply(provider=jazzcash, content=csv_file([f"{wallet.reference},paid,13500,,"]),
                      file_name="day1.csv", acting_user=finance)  # fmt: skip
    later = status_file_apply(provider=jazzcash, content=csv_file([f"{wallet.reference},failed,13500,AC04,"]),
                              file_name="day2.csv", acting_user=finance)  # fmt: skip
    assert refreshed(wallet).status == PaymentStatus.PAID
    problem = later.status_file.problem_lines.get()
    assert (problem.kind, problem.detail) == (StatusProblemKind.CONFLICT, "the payment is already Paid")


def test_a_status_for_a_payment_not_yet_sent_is_reported(cycle, women, jazzcash, finance):
    (wallet,) = make_payments(cycle, [women.wallet], status=PaymentStatus.PENDING)
    status_file_apply(provider=jazzcash, content=csv_file([f"{wallet.reference},paid,13500,,"]),
                      file_name="jc.csv", acting_user=finance)  # fmt: skip
    assert StatusProblem.objects.get().kind == StatusProblemKind.CONFLICT
    assert refreshed(wallet).status == PaymentStatus.PENDING


def test_a_csv_whose_count_is_wrong_is_refused_whole(paid_out, jazzcash, finance):
    wallet = paid_out["wallet"]
    content = csv_file([f"{wallet.reference},paid,13500,,"], count=2)
    with pytest.raises(StatusFileRefused, match="it says 2 transactions but has 1"):
        status_file_apply(provider=jazzcash, content=content, file_name="jc.csv", acting_user=finance)
    assert refreshed(wallet).status == PaymentStatus.INSTRUCTED
    assert not StatusFile.objects.exists()


def test_a_csv_whose_control_sum_is_wrong_is_refused_whole(paid_out, jazzcash, finance):
    wallet = paid_out["wallet"]
    content = csv_file([f"{wallet.reference},paid,13500,,"], total=14000)
    with pytest.raises(StatusFileRefused, match="control sum is Rs 14000"):
        status_file_apply(provider=jazzcash, content=content, file_name="jc.csv", acting_user=finance)
    assert refreshed(wallet).status == PaymentStatus.INSTRUCTED


def test_a_csv_changed_after_its_sha256_was_written_is_refused_whole(paid_out, jazzcash, finance):
    wallet, shared = paid_out["wallet"], paid_out["shared_a"]
    good = csv_file([f"{wallet.reference},paid,13500,,"])
    tampered = good.replace(b",paid,", b",failed,")
    with pytest.raises(StatusFileRefused, match="SHA-256"):
        status_file_apply(provider=jazzcash, content=tampered, file_name="jc.csv", acting_user=finance)
    assert refreshed(wallet).status == PaymentStatus.INSTRUCTED
    assert refreshed(shared).status == PaymentStatus.INSTRUCTED


def test_a_csv_cut_short_without_its_total_line_is_refused(paid_out, jazzcash, finance):
    content = csv_file([f"{paid_out['wallet'].reference},paid,13500,,"], trailer=False)
    with pytest.raises(StatusFileRefused, match="no TOTAL line"):
        status_file_apply(provider=jazzcash, content=content, file_name="jc.csv", acting_user=finance)


def test_a_pain002_whose_totals_disagree_with_its_lines_is_refused_whole(paid_out, nbp, finance):
    bank = paid_out["bank"]
    content = pain002([(bank.reference, bank.amount, "paid", "")]).replace(
        b"<OrgnlNbOfTxs>1<", b"<OrgnlNbOfTxs>2<"
    )
    with pytest.raises(StatusFileRefused, match="it says 2 transactions"):
        status_file_apply(provider=nbp, content=content, file_name="nbp.xml", acting_user=finance)
    assert refreshed(bank).status == PaymentStatus.INSTRUCTED
    assert not Message.objects.exists()


def test_a_pain002_whose_control_sum_disagrees_is_refused(paid_out, nbp, finance):
    bank = paid_out["bank"]
    content = pain002([(bank.reference, bank.amount, "paid", "")]).replace(
        b"<OrgnlCtrlSum>13500.00", b"<OrgnlCtrlSum>1"
    )
    with pytest.raises(StatusFileRefused, match="control sum is Rs 1 "):
        status_file_apply(provider=nbp, content=content, file_name="nbp.xml", acting_user=finance)


def test_a_file_that_is_not_xml_nor_csv_is_refused(paid_out, nbp, finance):
    with pytest.raises(StatusFileRefused, match=r"not a pain\.002 file"):
        status_file_apply(
            provider=nbp, content=b"<Document><unclosed>", file_name="x.xml", acting_user=finance
        )


def test_a_simulated_csv_reads_back_with_its_trailer(paid_out, jazzcash, finance):
    wallet = paid_out["wallet"]
    out = io.BytesIO()
    csv_write(out, [(wallet.reference, 13500, "failed", "AC04")])
    applied = status_file_apply(
        provider=jazzcash, content=out.getvalue(), file_name="sim.csv", acting_user=finance
    )
    assert applied.status_file.failed == 1
    assert refreshed(wallet).status_reason == "AC04 Closed account number"


def test_someone_who_may_not_release_payments_cannot_apply_statuses(paid_out, nbp, personas):
    bank = paid_out["bank"]
    with pytest.raises(StatusRefused):
        status_file_apply(provider=nbp, content=pain002([(bank.reference, bank.amount, "paid", "")]),
                          file_name="nbp.xml", acting_user=personas["auditor"])  # fmt: skip
    assert refreshed(bank).status == PaymentStatus.INSTRUCTED


def test_an_instruction_batch_is_made_for_bank_and_wallet_payments_only(paid_out):
    assert paid_out["cash"].batch is None
    assert paid_out["bank"].batch.instruction_format == InstructionFormat.PAIN001
