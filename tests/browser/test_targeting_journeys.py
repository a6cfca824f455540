"""The main journey of targeting analysts, in a real browser: a what-if simulation, followed from the
menu to its report by province and district and its district table."""

import pytest
from playwright.sync_api import expect

from ehsaas.core.models import Job
from ehsaas.targeting.illustrative import illustrative_model_load
from ehsaas.targeting.models import PmtModel, PmtWeight
from ehsaas.targeting.tasks import simulate_job
from tests.registry.factories import household_with_members

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_analyst_simulates_a_cutoff_and_reads_who_would_qualify_where(
    sign_in, personas, district_a, district_b
):
    illustrative_model_load(PmtModel, PmtWeight)  # emptied by an earlier transactional test, perhaps
    household_with_members(6, district=district_a)
    household_with_members(3, district=district_b)
    page = sign_in(personas["me_analyst"])

    page.get_by_role("button", name="Targeting").click()
    page.get_by_role("link", name="Simulate (what-if)").click()
    page.fill("#id_cutoff", "100")
    page.fill("#id_disabled_cutoff", "100")
    page.fill("#id_benefit", "13500")
    page.click("button:has-text('Run the simulation')")

    expect(page.locator("[data-testid=job-status]")).to_have_text("Queued")
    simulate_job.call(Job.objects.get(kind="targeting.simulate").pk)  # what the worker does
    expect(page.locator("[data-testid=job-status]")).to_have_text("Succeeded", timeout=10_000)
    page.click("text=See the simulation by province and district")

    totals = page.locator("[data-testid=simulation-totals]")
    expect(totals).to_contain_text("Rs 27,000")
    expect(totals).to_contain_text("of 9 people")
    expect(page.locator("[data-testid=simulation-districts]")).to_contain_text(district_a.name_en)
    expect(page.locator("[data-testid=simulation-districts]")).to_contain_text(district_b.name_en)
    with page.expect_download() as download:
        page.click("text=Districts (CSV)")
    assert district_b.name_en in download.value.path().read_text(encoding="utf-8")
