"""`ehsaas payroll`: a cycle opened, generated, reviewed and approved from the command line, with the
pages' refusals as clear errors."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from ehsaas.payments.choices import CycleStatus
from ehsaas.payments.models import PaymentCycle
from ehsaas.payments.payroll.services import MSG_OWN_APPROVAL


def payroll(*args) -> str:
    out = StringIO()
    call_command("payroll", *args, stdout=out)
    return out.getvalue()


def test_a_cycle_is_opened_generated_reviewed_and_approved(women, kafaalat, finance, second_finance):
    opened = payroll("open", "kafaalat", "2026-Q3", "--collect-by", "2099-12-31", "--user", finance.username)
    cycle = PaymentCycle.objects.get(programme=kafaalat, period="2026-Q3")
    assert f"Cycle {cycle.pk} opened" in opened and str(cycle.collect_by) == "2099-12-31"
    generated = payroll("generate", str(cycle.pk), "--user", finance.username, "--no-progress")
    assert "5 payments, Rs 67,500" in generated
    review = payroll("review", str(cycle.pk))
    assert "accounts or wallets shared by several beneficiaries: 1" in review
    assert "03452222222: 2 payments" in review
    assert women.bank.household.district.name in review
    approved = payroll("approve", str(cycle.pk), "--user", second_finance.username, "--note", "checked")
    assert "approved by finance2" in approved
    cycle.refresh_from_db()
    assert (cycle.status, cycle.approval_note) == (CycleStatus.APPROVED, "checked")
    assert "kafaalat" in payroll("list") and "Approved" in payroll("list")


def test_the_generator_cannot_approve_from_the_command_line(women, kafaalat, finance):
    payroll("open", "kafaalat", "2026-Q3", "--user", finance.username)
    cycle = PaymentCycle.objects.get(period="2026-Q3")
    payroll("generate", str(cycle.pk), "--user", finance.username, "--no-progress")
    with pytest.raises(CommandError, match=str(MSG_OWN_APPROVAL)):
        payroll("approve", str(cycle.pk), "--user", finance.username)


@pytest.mark.parametrize(
    "args, message",
    [
        (["open", "nothing", "2026-Q3", "--user", "finance_officer"], "no programme nothing"),
        (["open", "kafaalat", "2026-Q9", "--user", "finance_officer"], "Write the period"),
        (["open", "kafaalat", "2026-Q3", "--user", "nobody"], "no active user nobody"),
        (["open", "kafaalat", "2026-Q3", "--user", "auditor"], "it takes a finance officer"),
        (["generate", "999", "--user", "finance_officer"], "no payment cycle 999"),
    ],
)
def test_mistakes_are_told_clearly(kafaalat, personas, args, message):
    with pytest.raises(CommandError, match=message):
        payroll(*args)


def test_an_empty_list_says_so(kafaalat):
    assert "No payment cycles yet." in payroll("list")
