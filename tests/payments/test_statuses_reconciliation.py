"""Payments not collected in time become unclaimed; a cycle's reconciliation by provider and district,
with the unpaid payments and the cycle each was carried into; closing a cycle once nothing is open; the
command line."""

import csv
from datetime import date, timedelta

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from ehsaas.core.models import AuditEvent
from ehsaas.payments.choices import CycleStatus, PaymentStatus
from ehsaas.payments.models import Payment, PaymentPolicy, Provider, StatusFile
from ehsaas.payments.statuses.closing import cycle_close, payments_expire
from ehsaas.payments.statuses.selectors import cycle_reconciliation
from ehsaas.payments.statuses.services import StatusRefused
from tests.payments.test_statuses_apply import csv_file, make_cycle, make_payments, refreshed


@pytest.fixture
def cycle(kafaalat, finance, second_finance):
    return make_cycle(kafaalat, finance, second_finance, collect_by=date(2026, 9, 30))


@pytest.fixture
def paid_out(cycle, women):
    bank, wallet, shared_a, shared_b, cash = make_payments(cycle, women.active)
    return {"bank": bank, "wallet": wallet, "shared_a": shared_a, "shared_b": shared_b, "cash": cash}


def settle(payment, status, reason=""):
    Payment.objects.filter(pk=payment.pk).update(
        status=status, status_reason=reason, status_at=timezone.now()
    )


def test_instructed_payments_become_unclaimed_the_day_after_the_deadline(cycle, paid_out):
    settle(paid_out["bank"], PaymentStatus.PAID)
    assert payments_expire(today=date(2026, 9, 30)) == {}
    assert payments_expire(today=date(2026, 10, 1)) == {str(cycle): 4}
    assert refreshed(paid_out["cash"]).status == PaymentStatus.UNCLAIMED
    assert "2026-09-30" in paid_out["cash"].status_reason
    assert refreshed(paid_out["bank"]).status == PaymentStatus.PAID


def test_without_a_collect_by_day_the_deadline_is_the_approval_plus_the_programmes_days(
    kafaalat, finance, second_finance, women
):
    approved = timezone.now() - timedelta(days=40)
    PaymentPolicy.objects.update_or_create(programme=kafaalat, defaults={"collect_within_days": 30})
    cycle = make_cycle(kafaalat, finance, second_finance, approved_at=approved)
    (cash,) = make_payments(cycle, [women.cash])
    payments_expire(today=timezone.localdate())
    assert refreshed(cash).status == PaymentStatus.UNCLAIMED


def test_payments_of_a_cycle_not_yet_approved_never_expire(cycle, paid_out):
    cycle.status = CycleStatus.REVIEW
    cycle.save(update_fields=["status"])
    assert payments_expire(today=date(2027, 1, 1)) == {}
    assert refreshed(paid_out["cash"]).status == PaymentStatus.INSTRUCTED


def test_the_reconciliation_counts_each_status_by_provider_and_district(
    cycle, paid_out, district_a, district_b
):
    settle(paid_out["bank"], PaymentStatus.PAID)
    settle(paid_out["wallet"], PaymentStatus.FAILED, "AC04")
    settle(paid_out["cash"], PaymentStatus.UNCLAIMED)
    report = cycle_reconciliation(cycle=cycle)
    assert (report.total.instructed, report.total.instructed_amount) == (5, 5 * 13500)
    assert (report.total.paid, report.total.failed, report.total.unclaimed, report.total.still_open) == (
        1,
        1,
        1,
        2,
    )
    providers = dict(report.by_provider)
    assert providers["Cash at points"].unclaimed_amount == 13500
    assert providers["National Bank of Pakistan"].paid == 1
    assert providers["Easypaisa (Telenor Microfinance Bank)"].still_open == 2
    districts = dict(report.by_district)
    assert (districts[district_a.name].paid, districts[district_a.name].failed) == (1, 1)
    assert (districts[district_b.name].unclaimed, districts[district_b.name].still_open) == (1, 2)


def test_the_reconciliation_shows_which_unpaid_payments_were_carried_into_which_cycle(
    kafaalat, cycle, paid_out, finance, second_finance, women
):
    settle(paid_out["wallet"], PaymentStatus.FAILED, "AC04")
    settle(paid_out["cash"], PaymentStatus.UNCLAIMED)
    later = make_cycle(kafaalat, finance, second_finance, period="2026-Q4")
    (carried,) = make_payments(later, [women.wallet])
    Payment.objects.filter(pk=paid_out["wallet"].pk).update(reissued_in=carried)
    reissued = {
        (row.status, row.into): (row.count, row.amount) for row in cycle_reconciliation(cycle=cycle).reissued
    }
    assert reissued == {("failed", "kafaalat 2026-Q4"): (1, 13500), ("unclaimed", None): (1, 13500)}


def test_the_reconciliation_page_and_its_csv(client_as, finance, cycle, paid_out):
    settle(paid_out["bank"], PaymentStatus.PAID)
    page = client_as(finance).get(reverse("payments:reconciliation", args=[cycle.pk]))
    assert page.status_code == 200 and b"Cash at points" in page.content
    download = client_as(finance).get(reverse("payments:reconciliation", args=[cycle.pk]), {"format": "csv"})
    rows = list(csv.reader(download.content.decode().splitlines()))
    assert rows[0][:4] == ["Group", "Name", "Instructed", "Instructed (Rs)"]
    assert rows[1][:6] == ["Total", str(cycle), "5", "67500", "1", "13500"]


@pytest.mark.parametrize("role", ["auditor", "me_analyst", "grievance_officer"])
def test_readers_of_cycles_see_the_reconciliation_but_cannot_close(
    client_as, personas, role, cycle, paid_out
):
    Payment.objects.filter(cycle=cycle).update(status=PaymentStatus.PAID)
    assert (
        client_as(personas[role]).get(reverse("payments:reconciliation", args=[cycle.pk])).status_code == 200
    )
    assert client_as(personas[role]).post(reverse("payments:cycle_close", args=[cycle.pk])).status_code == 403
    assert refreshed(cycle).status == CycleStatus.APPROVED


@pytest.mark.parametrize("role", ["payment_agent", "partner", "no_role"])
def test_other_roles_may_not_see_a_reconciliation(client_as, personas, role, cycle):
    assert (
        client_as(personas[role]).get(reverse("payments:reconciliation", args=[cycle.pk])).status_code == 403
    )


def test_a_cycle_with_payments_still_open_cannot_be_closed(cycle, paid_out, finance):
    settle(paid_out["bank"], PaymentStatus.PAID)
    with pytest.raises(StatusRefused, match="4 payments are still open"):
        cycle_close(cycle=cycle, acting_user=finance)
    assert refreshed(cycle).status == CycleStatus.APPROVED


def test_a_reconciled_cycle_is_closed_with_an_audit_event(client_as, cycle, paid_out, finance):
    Payment.objects.filter(cycle=cycle).update(status=PaymentStatus.PAID)
    response = client_as(finance).post(reverse("payments:cycle_close", args=[cycle.pk]))
    assert response.status_code == 302
    assert refreshed(cycle).status == CycleStatus.CLOSED and cycle.closed_at is not None
    assert AuditEvent.objects.filter(action="payments.cycle_closed").exists()


def test_a_cycle_not_approved_cannot_be_closed(cycle, finance):
    cycle.status = CycleStatus.REVIEW
    cycle.save(update_fields=["status"])
    with pytest.raises(StatusRefused, match="Only an approved cycle"):
        cycle_close(cycle=cycle, acting_user=finance)


# --- The command line ---


def test_the_command_imports_a_status_file_and_says_so_the_second_time(tmp_path, capsys, paid_out, finance):
    wallet = paid_out["wallet"]
    path = tmp_path / "jc.csv"
    path.write_bytes(csv_file([f"{wallet.reference},paid,13500,,", "EP0099999999,paid,10,,"]))
    call_command("payment-statuses", "import", str(path), "--provider", "jazzcash", "--user", finance.username,
                 "--no-progress")  # fmt: skip
    out = capsys.readouterr().out
    assert "1 paid" in out and "line 3: EP0099999999  No such payment" in out
    call_command("payment-statuses", "import", str(path), "--provider", "jazzcash", "--user", finance.username,
                 "--no-progress")  # fmt: skip
    assert "nothing changed" in capsys.readouterr().out
    assert StatusFile.objects.count() == 1


def test_the_command_refuses_a_file_failing_its_checksum(tmp_path, paid_out, finance):
    path = tmp_path / "jc.csv"
    path.write_bytes(csv_file([f"{paid_out['wallet'].reference},paid,13500,,"], total=1))
    with pytest.raises(CommandError, match="fails its checksum"):
        call_command("payment-statuses", "import", str(path), "--provider", "jazzcash", "--user", finance.username,
                     "--no-progress")  # fmt: skip


def test_the_command_expires_reconciles_and_closes(tmp_path, capsys, cycle, paid_out, finance):
    Payment.objects.filter(pk__in=[paid_out["bank"].pk, paid_out["wallet"].pk]).update(
        status=PaymentStatus.PAID
    )
    call_command("payment-statuses", "expire", "--today", "2026-10-01")
    assert "3 payments unclaimed" in capsys.readouterr().out
    out = tmp_path / "rec.csv"
    call_command("payment-statuses", "reconcile", str(cycle.pk), "--csv", str(out))
    assert "Cash at points" in out.read_text()
    call_command("payment-statuses", "close", str(cycle.pk), "--user", finance.username)
    assert refreshed(cycle).status == CycleStatus.CLOSED


def test_the_simulator_writes_what_the_provider_would_return_and_it_applies(
    tmp_path, capsys, paid_out, finance
):
    bank = paid_out["bank"]
    out = tmp_path / "nbp.xml"
    call_command(
        "payment-statuses", "simulate", str(bank.batch_id), "--failed-percent", "0", "--out", str(out)
    )
    call_command("payment-statuses", "import", str(out), "--provider", "nbp", "--user", finance.username,
                 "--no-progress")  # fmt: skip
    assert refreshed(bank).status == PaymentStatus.PAID
    assert Provider.objects.get(code="nbp").status_files.get().file_format == "pain002"
