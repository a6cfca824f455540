"""The programme officer's journey, in a real browser: record a town hall (where, who came by sex, an
issue raised and an action agreed), see it recorded, and find it counted in the community report."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from ehsaas.core.models import Tehsil

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_programme_officer_records_a_town_hall_and_sees_it_in_the_report(
    live_server, sign_in, personas, district_a
):
    today = timezone.localdate()
    tehsil = Tehsil.objects.filter(district=district_a).order_by("name_en").first()
    page = sign_in(personas["programme_officer"])

    page.get_by_role("button", name="Community").click()
    page.get_by_role("link", name="Community feedback report").click()
    expect(page.locator("[data-testid=sessions-held]")).to_have_text("0")
    page.get_by_role("link", name="Record a town-hall meeting").click()
    expect(page.locator("#id_kind")).to_have_value("town_hall")
    page.fill("#id_held_on", today.isoformat())
    page.select_option("#id_district", str(district_a.pk))
    expect(page.locator(f"#id_tehsil option[value='{tehsil.pk}']")).to_have_count(
        1
    )  # loaded for the district
    page.select_option("#id_tehsil", str(tehsil.pk))
    page.fill("#id_venue", "Government Girls High School")
    page.fill("#id_facilitator", "Sadia Khan")
    page.fill("#id_organisation", "Rural Support Programme")
    page.fill("#id_women", "38")
    page.fill("#id_men", "21")
    page.fill("#id_transgender", "2")
    page.select_option("#id_issue-0-topic", "deductions")
    page.fill("#id_issue-0-description", "The payment agent keeps Rs 500 of each payment.")
    page.fill("#id_action-0-description", "Visit the agents with the bank's area manager.")
    page.fill("#id_action-0-responsible", "District officer")
    page.fill("#id_action-0-due_on", (today + timedelta(days=14)).isoformat())
    page.click("button:has-text('Save')")

    expect(page.locator("[data-testid=session-title]")).to_have_text(
        "Town-hall meeting: Government Girls High School"
    )
    expect(page.locator("[data-testid=attendance]")).to_have_text(
        "61: 38 women, 21 men, 2 transgender persons"
    )
    expect(page.locator("[data-testid=issues]")).to_contain_text("Deductions by payment agents")
    expect(page.locator("[data-testid=actions]")).to_contain_text("District officer")
    expect(page.locator("[data-testid=action-status]")).to_have_text("Open")

    page.get_by_role("button", name="Community").click()
    page.get_by_role("link", name="Community feedback report").click()
    expect(page.locator("[data-testid=sessions-held]")).to_have_text("1")
    expect(page.locator("[data-testid=attendance-by-sex]")).to_have_text(
        "38 women, 21 men, 2 transgender persons"
    )
    by_district = page.locator("[data-testid=by-district] tbody tr")
    expect(by_district).to_have_count(1)
    expect(by_district).to_contain_text(district_a.name_en)
