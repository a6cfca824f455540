"""The main journeys of registry staff, in a real browser."""

import pytest
from playwright.sync_api import expect

from ehsaas.core.models import Job
from ehsaas.registry.models import Household
from ehsaas.registry.tasks.imports import import_registry
from tests.registry.factories import household_with_members
from tests.registry.survey import family, household_row, write_survey

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_registration_officer_imports_a_survey_and_follows_it_to_the_report(
    sign_in, personas, district_a, tmp_path, live_server, settings
):
    settings.MEDIA_ROOT = tmp_path / "media"
    households, members = write_survey(
        tmp_path,
        [household_row(district_a, "HH1"), household_row(district_a, "HH2", walls="glass")],
        family("HH1", 1) + family("HH2", 10),
    )
    page = sign_in(personas["registration_officer"])

    page.get_by_role("button", name="Registry").click()
    page.get_by_role("link", name="Import a survey").click()
    page.set_input_files("#id_households", str(households))
    page.set_input_files("#id_members", str(members))
    page.click("button:has-text('Start the import')")

    expect(page.locator("[data-testid=job-status]")).to_have_text("Queued")
    import_registry.call(Job.objects.get().pk)  # what the worker does
    expect(page.locator("[data-testid=job-status]")).to_have_text("Succeeded", timeout=10_000)
    with page.expect_download() as download:
        page.click("text=Download the report of rejected households")
    assert "walls" in download.value.path().read_text(encoding="utf-8")
    assert list(Household.objects.values_list("household_ref", flat=True)) == ["HH1"]


def test_staff_find_a_household_by_an_urdu_spelling_and_open_its_page(sign_in, personas, district_a):
    household = household_with_members(3, names=["Muhammad Ali", "Zainab Bibi", "Bilal"], district=district_a)
    page = sign_in(personas["programme_officer"])

    page.get_by_role("button", name="Registry").click()
    page.get_by_role("link", name="Households").click()
    page.fill("input[name=q]", "محمد علی")  # typed in Urdu, registered in Latin script
    page.click(f"text={household.household_ref}")

    expect(page.locator("h1")).to_contain_text(household.household_ref)
    expect(page.locator("main")).to_contain_text("Zainab Bibi")


def test_a_change_asked_for_by_one_officer_is_approved_by_another(
    sign_in, personas, district_a, browser, live_server
):
    household = household_with_members(2, names=["Muhammad Ali", "Kamran"], district=district_a)
    page = sign_in(personas["registration_officer"])

    page.goto(f"{live_server.url}/households/{household.pk}/changes/new/")
    page.select_option("select[name=kind]", "remove_member")
    page.select_option("select[name=member]", str(household.members.get(full_name="Kamran").pk))
    page.select_option("select[name=cause]", "left")
    page.fill("textarea[name=reason]", "Moved to Karachi for work in 2025")
    page.click("button:has-text('Submit the request')")
    expect(page.locator("main")).to_contain_text("Moved to Karachi for work in 2025")
    request_url = page.url

    checker = browser.new_context().new_page()
    checker.goto(f"{live_server.url}/accounts/login/?next={request_url.removeprefix(live_server.url)}")
    checker.fill("#id_username", personas["second_registration_officer"].username)
    checker.fill("#id_password", "a-long-test-password")
    checker.click("button:has-text('Sign in')")
    checker.click("button:has-text('Approve')")

    expect(checker.locator("main")).to_contain_text("Approved")
    assert household.members.get(full_name="Kamran").status == "removed"


def test_staff_can_switch_the_site_to_urdu_and_it_reads_right_to_left(sign_in, personas):
    page = sign_in(personas["auditor"])

    page.click("button[name=language][value=ur]")

    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("html")).to_have_attribute("lang", "ur")
    page.click("button[name=language][value=en]")
    expect(page.locator("html")).to_have_attribute("dir", "ltr")
