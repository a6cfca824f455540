"""The main journey of programme staff, in a real browser: configure a new programme without code,
switch it on, run its enrolment, approve the list, have a second officer confirm it, and see the
beneficiaries."""

import pytest
from playwright.sync_api import expect

from ehsaas.core.choices import Role
from ehsaas.core.models import Job
from ehsaas.programs.tasks import compute_enrolment_job
from ehsaas.registry import choices as c
from tests.conftest import make_user
from tests.programs.conftest import family

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_officer_configures_a_programme_enrols_and_a_second_officer_confirms(
    browser, live_server, sign_in, personas, district_a
):
    widow = family(district_a, score=30, wife=True, ref="HH-WIDOW")
    widow.members.filter(relationship=c.Relationship.SPOUSE).update(marital_status=c.MaritalStatus.WIDOWED)
    family(district_a, score=30, ref="HH-MARRIED")
    page = sign_in(personas["programme_officer"])

    page.get_by_role("link", name="Programmes").click()
    page.get_by_role("link", name="Configure a programme").click()
    page.fill("#id_code", "widows-support")
    page.fill("#id_name_en", "Widows' support")
    page.fill("#id_name_ur", "بیوہ امداد")
    page.select_option("#id_unit", "woman")
    page.fill("#id_eligibility", 'marital_status = "widowed" and pmt_score <= 40')
    page.select_option("#id_frequency", "monthly")
    page.fill("#id_starts_on", "2027-01-01")
    page.fill("#id_benefit-0-label", "Widow")
    page.fill("#id_benefit-0-amount", "3000")
    page.click("button:has-text('Save')")

    expect(page.locator("[data-testid=eligibility]")).to_contain_text('marital_status = "widowed"')
    page.click("button:has-text('Activate')")
    page.click("button:has-text('Run enrolment')")
    expect(page.locator("[data-testid=job-status]")).to_have_text("Queued")
    compute_enrolment_job.call(Job.objects.get(kind="programs.enrol").pk)  # what the worker does
    expect(page.locator("[data-testid=job-status]")).to_have_text("Succeeded", timeout=10_000)
    page.click("text=See the list and decide on it")
    expect(page.locator("[data-testid=changes]")).to_contain_text("HH-WIDOW")
    expect(page.locator("[data-testid=changes]")).not_to_contain_text("HH-MARRIED")
    page.click("button:has-text('Approve')")
    expect(page.get_by_text("a second person, not the one who approved it, confirms it")).to_be_visible()
    run_url = page.url

    second = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    checker = make_user("programme2", Role.PROGRAMME_OFFICER)
    second.goto(f"{live_server.url}/accounts/login/")
    second.fill("#id_username", checker.username)
    second.fill("#id_password", "a-long-test-password")
    second.click("button:has-text('Sign in')")
    second.goto(run_url)
    second.click("button:has-text('Confirm')")
    expect(second.locator("h1")).to_contain_text("Confirmed")
    second.goto(f"{live_server.url}/programmes/widows-support/beneficiaries/")
    expect(second.locator("[data-testid=beneficiaries]")).to_contain_text("HH-WIDOW")
    expect(second.locator("[data-testid=beneficiaries]")).to_contain_text("3,000")
