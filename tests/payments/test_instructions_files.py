"""Instructions out as files: the pain.001 of a bank conforms to the ISO 20022 schema and carries the
right totals and references; the wallet CSV carries its trailer; each file's SHA-256 is recorded and
written beside it; a broken payment refuses the export and marks nothing; an export made twice makes
nothing the second time; a file changed on the server is refused."""

import csv
import hashlib
from decimal import Decimal

import pytest
from django.utils import timezone
from lxml import etree

from ehsaas.core.choices import Role
from ehsaas.core.models import AuditEvent
from ehsaas.payments.choices import Channel, CycleStatus, InstructionFormat, PaymentStatus, SubmissionStatus
from ehsaas.payments.instructions import simulator
from ehsaas.payments.instructions.demo import demo_instructions
from ehsaas.payments.instructions.services import (
    InstructionsRefused,
    batch_file_checked,
    instructions_export,
    message_id_for,
)
from ehsaas.payments.instructions.writers import PAIN001_NS, pain001_schema
from ehsaas.payments.models import InstructionBatch, Payment, PaymentCycle, Provider
from tests.conftest import make_user
from tests.payments.conftest import enrol_woman

NS = {"p": PAIN001_NS}


def approved_cycle(programme, beneficiaries, *, generated_by, approved_by, period="2026-Q3") -> PaymentCycle:
    """An approved cycle with one payment per beneficiary, made directly: bank and wallet payments
    pending, cash ones collectable (as approval leaves them)."""
    now = timezone.now()
    cycle = PaymentCycle.objects.create(
        programme=programme, period=period, status=CycleStatus.APPROVED, created_by=generated_by,
        generated_by=generated_by, generated_at=now, approved_by=approved_by, approved_at=now,
    )  # fmt: skip
    for beneficiary in beneficiaries:
        account = beneficiary.payment_account
        Payment.objects.create(
            cycle=cycle, beneficiary=beneficiary, household=beneficiary.household, member=beneficiary.member,
            district=beneficiary.household.district, amount=beneficiary.amount, category=beneficiary.category,
            channel=account.channel, provider=account.provider, account_number=account.account_number,
            status=PaymentStatus.INSTRUCTED if account.channel == Channel.CASH else PaymentStatus.PENDING,
        )  # fmt: skip
    return cycle


def files_in(settings, tmp_path):
    """Files under a temporary folder, API retries without waiting, the simulated providers fresh."""
    settings.PAYMENT_FILES_DIR = tmp_path / "payments"
    settings.PAYMENT_API_BACKOFF = 0
    simulator.PROVIDERS.clear()
    yield settings.PAYMENT_FILES_DIR
    simulator.PROVIDERS.clear()


@pytest.fixture
def files_dir(settings, tmp_path):
    yield from files_in(settings, tmp_path)


@pytest.fixture
def cycle(kafaalat, women, finance, second_finance, files_dir) -> PaymentCycle:
    return approved_cycle(kafaalat, women.active, generated_by=finance, approved_by=second_finance)


def batch_of(cycle, code) -> InstructionBatch:
    return InstructionBatch.objects.get(cycle=cycle, provider__code=code)


def test_it_makes_one_batch_per_provider_with_payments_and_marks_them_instructed(cycle, women, finance):
    export = instructions_export(cycle=cycle, acting_user=finance)

    assert sorted(b.provider.code for b in export.batches) == ["easypaisa", "jazzcash", "nbp"]
    assert export.transactions == 4
    bank = Payment.objects.get(beneficiary=women.bank)
    assert bank.status == PaymentStatus.INSTRUCTED
    assert bank.batch == batch_of(cycle, "nbp")
    assert Payment.objects.get(beneficiary=women.cash).batch is None
    easypaisa = batch_of(cycle, "easypaisa")
    assert (easypaisa.transactions, easypaisa.control_sum) == (2, 2 * women.shared_a.amount)
    assert easypaisa.file_name == ""
    assert easypaisa.submission.status == SubmissionStatus.WAITING
    assert easypaisa.message_id == f"EHS-{cycle.pk}-easypaisa-1"
    assert AuditEvent.objects.filter(action="payments.instructions_made").count() == 3


def test_the_bank_file_conforms_to_the_pain001_schema_with_the_right_totals_and_references(
    cycle, women, finance, files_dir
):
    instructions_export(cycle=cycle, acting_user=finance)
    batch = batch_of(cycle, "nbp")
    path = files_dir / batch.file_name
    document = etree.parse(str(path))

    assert pain001_schema().validate(document), pain001_schema().error_log
    assert document.findtext(".//p:GrpHdr/p:MsgId", namespaces=NS) == batch.message_id
    assert document.findtext(".//p:GrpHdr/p:NbOfTxs", namespaces=NS) == "1"
    assert Decimal(document.findtext(".//p:GrpHdr/p:CtrlSum", namespaces=NS)) == Decimal(women.bank.amount)
    assert document.findtext(".//p:Dbtr/p:Nm", namespaces=NS) == "Ehsaas programme"
    transaction = document.find(".//p:CdtTrfTxInf", namespaces=NS)
    payment = Payment.objects.get(beneficiary=women.bank)
    assert transaction.findtext("p:PmtId/p:EndToEndId", namespaces=NS) == payment.reference
    amount = transaction.find("p:Amt/p:InstdAmt", namespaces=NS)
    assert (amount.text, amount.get("Ccy")) == (f"{payment.amount}.00", "PKR")
    assert transaction.findtext("p:CdtrAcct/p:Id/p:IBAN", namespaces=NS) == "PK36NBPA0000001234567890"
    assert transaction.findtext("p:CdtrAgt/p:FinInstnId/p:BICFI", namespaces=NS) == "NBPAPKKA"
    assert transaction.findtext("p:Cdtr/p:Nm", namespaces=NS) == women.bank.member.full_name


def test_each_file_has_its_sha256_recorded_and_written_beside_it(cycle, finance, files_dir):
    instructions_export(cycle=cycle, acting_user=finance)

    for batch in InstructionBatch.objects.filter(cycle=cycle).exclude(file_name=""):
        path = files_dir / batch.file_name
        assert batch.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
        assert path.with_name(path.name + ".sha256").read_text() == f"{batch.sha256}  {path.name}\n"
        assert not path.with_name(path.name + ".part").exists()


def test_the_wallet_csv_has_a_line_per_payment_and_a_trailer_with_count_and_control_total(
    cycle, women, finance, files_dir
):
    instructions_export(cycle=cycle, acting_user=finance)
    batch = batch_of(cycle, "jazzcash")
    lines = list(csv.reader((files_dir / batch.file_name).read_text(encoding="utf-8").splitlines()))

    payment = Payment.objects.get(beneficiary=women.wallet)
    assert lines[0] == ["reference", "msisdn", "name", "amount"]
    assert lines[1] == [
        payment.reference,
        "923011111111",
        women.wallet.member.full_name,
        f"{payment.amount}.00",
    ]
    assert lines[-1] == ["TRAILER", "1", batch.message_id, f"{payment.amount}.00"]
    assert len(lines) == 3


def test_it_cuts_a_providers_payments_into_batches_in_payment_id_order(
    kafaalat, district_a, finance, second_finance, files_dir, settings
):
    settings.PAYMENT_BATCH_SIZE = 2
    women = [enrol_woman(kafaalat, district_a, channel=Channel.BANK, provider="hbl",
                         account=f"PK24HABB000000987654321{n}") for n in range(5)]  # fmt: skip
    cycle = approved_cycle(kafaalat, women, generated_by=finance, approved_by=second_finance)

    export = instructions_export(cycle=cycle, acting_user=finance)

    assert [(b.sequence, b.transactions) for b in export.batches] == [(1, 2), (2, 2), (3, 1)]
    ids = list(Payment.objects.filter(cycle=cycle).order_by("pk").values_list("batch__sequence", flat=True))
    assert ids == [1, 1, 2, 2, 3]
    for batch in export.batches:
        assert batch_file_checked(batch=batch).is_file()


def test_exporting_again_makes_no_second_batch_or_file(cycle, finance, files_dir):
    first = instructions_export(cycle=cycle, acting_user=finance)
    files = sorted(p.name for p in files_dir.rglob("*"))

    again = instructions_export(cycle=cycle, acting_user=finance)

    assert again.batches == []
    assert InstructionBatch.objects.filter(cycle=cycle).count() == len(first.batches)
    assert sorted(p.name for p in files_dir.rglob("*")) == files


def test_a_payment_without_an_iban_refuses_the_export_and_nothing_is_marked(cycle, women, finance, files_dir):
    broken = Payment.objects.get(beneficiary=women.bank)
    Payment.objects.filter(pk=broken.pk).update(account_number="")

    with pytest.raises(InstructionsRefused) as refusal:
        instructions_export(cycle=cycle, acting_user=finance)

    assert refusal.value.message == InstructionsRefused.BROKEN_PAYMENTS
    assert f"{broken.reference} (no account number)" in refusal.value.messages[0]
    assert not InstructionBatch.objects.exists()
    assert not Payment.objects.filter(cycle=cycle, status=PaymentStatus.PENDING, batch__isnull=False).exists()
    assert Payment.objects.filter(cycle=cycle, status=PaymentStatus.PENDING).count() == 4
    assert not files_dir.exists() or not any(files_dir.rglob("*.*"))


def test_a_wallet_number_that_is_not_a_mobile_number_refuses_the_export(cycle, women, finance):
    broken = Payment.objects.get(beneficiary=women.wallet)
    Payment.objects.filter(pk=broken.pk).update(account_number="12345")

    with pytest.raises(InstructionsRefused) as refusal:
        instructions_export(cycle=cycle, acting_user=finance)

    assert f"{broken.reference} (wallet number is not a mobile number)" in refusal.value.messages[0]
    assert not InstructionBatch.objects.exists()


def test_a_file_failing_the_schema_is_not_released_and_its_payments_stay_pending(
    cycle, women, finance, files_dir, settings
):
    settings.PAYMENT_DEBTOR_BIC = "not a bic"  # the debtor's agent breaks the schema

    with pytest.raises(InstructionsRefused) as refusal:
        instructions_export(cycle=cycle, acting_user=finance)

    assert refusal.value.message == InstructionsRefused.INVALID_FILE
    assert "BICFI" in refusal.value.messages[0]
    assert not InstructionBatch.objects.filter(provider__code="nbp").exists()
    assert Payment.objects.get(beneficiary=women.bank).status == PaymentStatus.PENDING
    assert not list(files_dir.rglob("*.xml*"))


def test_it_refuses_a_cycle_that_is_not_approved(cycle, finance):
    PaymentCycle.objects.filter(pk=cycle.pk).update(status=CycleStatus.REVIEW)

    with pytest.raises(InstructionsRefused) as refusal:
        instructions_export(cycle=cycle, acting_user=finance)

    assert refusal.value.message == InstructionsRefused.NOT_APPROVED
    assert not InstructionBatch.objects.exists()


def test_a_file_changed_on_the_server_is_refused(cycle, finance, files_dir):
    instructions_export(cycle=cycle, acting_user=finance)
    batch = batch_of(cycle, "jazzcash")
    path = files_dir / batch.file_name
    path.write_text(path.read_text().replace("13500.00", "93500.00"))

    with pytest.raises(InstructionsRefused) as refusal:
        batch_file_checked(batch=batch)

    assert refusal.value.message == InstructionsRefused.FILE_TAMPERED


def test_the_message_id_fits_iso_20022s_35_characters(cycle):
    provider = Provider(
        code="a-provider-with-a-very-long-code"[:20], instruction_format=InstructionFormat.PAIN001
    )
    message_id = message_id_for(cycle, provider, 65535)

    assert len(message_id) <= 35
    assert message_id.startswith(f"EHS-{cycle.pk}-a-provider") and message_id.endswith("-65535")


def test_a_wallet_number_written_in_international_form_goes_out_as_an_msisdn(
    cycle, women, finance, files_dir
):
    Payment.objects.filter(beneficiary=women.wallet).update(account_number="+923011111111")

    instructions_export(cycle=cycle, acting_user=finance)

    lines = (files_dir / batch_of(cycle, "jazzcash").file_name).read_text().splitlines()
    assert lines[1].split(",")[1] == "923011111111"


def test_the_demo_makes_the_instructions_of_approved_cycles_and_sends_the_api_batches(cycle, reference_data):
    make_user("finance", Role.FINANCE_OFFICER)

    line = demo_instructions()

    assert (
        line
        == "Made 3 instruction batches (files for the banks and JazzCash); 1 sent to Easypaisa's API (simulated)."
    )
    assert demo_instructions() == "No approved cycle waits for instructions."
