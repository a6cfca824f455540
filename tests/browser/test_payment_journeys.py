"""The finance officer's journey through a Kafaalat cycle, in a real browser: open the cycle, generate
its payroll, have a second officer approve it, export the instructions, apply the bank's status file,
pay out cash at a point as its agent, and reconcile; then the beneficiary tracks her payment on the
public page, which tells her it is paid and nothing else about her."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from ehsaas.core.choices import Role
from ehsaas.core.models import Job
from ehsaas.payments.choices import Channel
from ehsaas.payments.instructions.tasks import export_instructions_job
from ehsaas.payments.models import InstructionBatch, PaymentPoint
from ehsaas.payments.payroll.tasks import generate_payroll_job
from ehsaas.payments.statuses.simulator import status_file_simulate
from ehsaas.payments.statuses.tasks import apply_status_file_job
from ehsaas.programs.choices import ProgrammeStatus
from ehsaas.programs.models import BenefitRule, ConditionRule, Programme
from ehsaas.programs.shipped import shipped_programmes_load
from tests.conftest import make_user
from tests.payments.conftest import enrol_woman

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def signed_in(browser, live_server, user):
    page = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB").new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", "a-long-test-password")
    page.click("button:has-text('Sign in')")
    page.wait_for_url(f"{live_server.url}/")
    return page


def worker_runs(task, kind: str) -> None:
    """What the worker does with the newest job of `kind`."""
    task.call(Job.objects.filter(kind=kind).latest("id").pk)


def cnic_of(beneficiary) -> str:
    return beneficiary.member.identifiers.get().number


def test_a_finance_officer_runs_a_kafaalat_cycle_end_to_end_and_the_woman_sees_it_paid(
    browser, live_server, personas, district_a, tmp_path
):
    shipped_programmes_load(Programme, BenefitRule, ConditionRule)
    kafaalat = Programme.objects.get(code="kafaalat")
    kafaalat.status = ProgrammeStatus.ACTIVE
    kafaalat.save(update_fields=["status"])
    banked = enrol_woman(kafaalat, district_a, channel=Channel.BANK, provider="nbp",
                         account="PK36NBPA0000001234567890")  # fmt: skip
    enrol_woman(kafaalat, district_a, channel=Channel.WALLET, provider="jazzcash", account="03011111111")
    cash = enrol_woman(kafaalat, district_a, channel=Channel.CASH, phone="03123456789")
    agent = make_user("agent", Role.PAYMENT_AGENT)
    point = PaymentPoint.objects.create(
        code="lhr-a1", name="Main Bazaar agent", kind="agent", district=district_a
    )
    point.agents.add(agent)

    # The first finance officer opens the cycle and generates its payroll.
    finance = signed_in(browser, live_server, personas["finance_officer"])
    finance.get_by_role("link", name="Payments").click()
    finance.select_option("#id_programme", label="Kafaalat")
    finance.fill("#id_period", "2026-Q4")
    finance.fill("#id_collect_by", (timezone.localdate() + timedelta(days=60)).isoformat())
    finance.click("[data-testid=open-cycle] button")
    expect(finance.locator("h1")).to_contain_text("2026-Q4")
    cycle_url = finance.url
    finance.click("[data-testid=generate] button")
    worker_runs(generate_payroll_job, "payments.payroll")
    finance.goto(cycle_url)
    expect(finance.locator("[data-testid=cycle-figures]")).to_contain_text("40,500")
    expect(finance.locator("[data-testid=cash-count]")).to_have_text("1")
    expect(finance.locator("[data-testid=own-approval]")).to_contain_text("cannot approve it")

    # A second finance officer approves it; it is frozen.
    approver = signed_in(browser, live_server, make_user("finance2", Role.FINANCE_OFFICER))
    approver.goto(cycle_url)
    approver.fill("#id_note", "Totals checked against the budget")
    approver.click("[data-testid=approve] button")
    expect(approver.locator("[data-testid=frozen]")).to_be_visible()

    # The instructions go out: a pain.001 file for NBP and a CSV for JazzCash, each with its SHA-256.
    finance.goto(cycle_url)
    finance.click("text=1. Instructions to providers")
    finance.click("button:has-text('Export instructions')")
    worker_runs(export_instructions_job, "payments.instructions_export")
    finance.goto(cycle_url + "files/")
    expect(finance.locator("[data-testid=batches-nbp]")).to_contain_text("13,500")
    download = finance.locator("[data-testid=batches-nbp] a:has-text('Download')").get_attribute("href")
    nbp_file = finance.request.get(f"{live_server.url}{download}")
    assert b"urn:iso:std:iso:20022:tech:xsd:pain.001.001.09" in nbp_file.body()

    # NBP's status file comes back and is applied: the banked woman is paid.
    name, content = status_file_simulate(InstructionBatch.objects.get(provider__code="nbp"), failed_percent=0)
    (tmp_path / name).write_bytes(content)
    finance.goto(cycle_url)
    finance.click("text=2. Statuses from providers")
    finance.select_option("#id_provider", "nbp")
    finance.set_input_files("#id_file", str(tmp_path / name))
    finance.click("button:has-text('Apply the file')")
    worker_runs(apply_status_file_job, "payments.status_file")
    finance.goto(f"{live_server.url}/payments/status-files/")
    finance.locator("[data-testid=status-files] a").first.click()
    expect(finance.locator("[data-testid=status-counts]")).to_contain_text("1")

    # The agent pays out the cash woman after her fingerprint matches; a second payout is refused.
    counter = signed_in(browser, live_server, agent)
    counter.goto(f"{live_server.url}/payments/collect/")
    counter.select_option("#id_point", "lhr-a1")
    counter.fill("#id_cnic", cnic_of(cash))
    counter.click("button:has-text('Scan fingerprint (simulator): match')")
    expect(counter.locator("[data-testid=answer]")).to_contain_text("13,500")
    counter.fill("#id_cnic", cnic_of(cash))
    counter.click("button:has-text('Scan fingerprint (simulator): match')")
    expect(counter.locator("[data-testid=refusal]")).to_contain_text("already")

    # The reconciliation shows NBP and the cash paid, JazzCash still open.
    finance.goto(cycle_url)
    finance.click("text=4. Reconciliation")
    reconciliation = finance.locator("[data-testid=reconciliation]")
    expect(reconciliation).to_contain_text("National Bank of Pakistan")
    expect(reconciliation).to_contain_text("JazzCash")
    expect(finance.locator("button:has-text('Close the cycle')")).to_be_disabled()

    # The banked woman tracks her payment on the public page: paid, and nothing personal shown.
    public = browser.new_context(locale="en-GB").new_page()
    public.goto(f"{live_server.url}/payment/")
    public.fill("#id_cnic", cnic_of(banked))
    public.click("button:has-text('Track')")
    expect(public.locator("[data-testid=tracking]")).to_contain_text("Paid")
    expect(public.locator("[data-testid=tracking]")).not_to_contain_text(banked.member.full_name)
    expect(public.locator("[data-testid=tracking]")).not_to_contain_text("PK36NBPA")
