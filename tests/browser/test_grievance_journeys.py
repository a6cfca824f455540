"""A complaint's journey in a real browser: a citizen complains on the public form and notes the tracking
number; the officer the rules give it to finds it in the queue, takes it up, is refused a resolution
without a reason, resolves it with one; the citizen reads the resolution on the tracking page."""

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from ehsaas.grievances.models import Complaint
from ehsaas.messaging.models import Message
from tests.grievances.conftest import officer, shipped  # noqa: F401 - the complaint tests' fixtures

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_officer_takes_a_complaint_from_the_queue_to_its_resolution(
    page,
    sign_in,
    live_server,
    district_a,
    officer,  # noqa: F811
):
    cache.clear()
    page.goto(f"{live_server.url}/complaints/submit/")
    page.select_option("#id_category", label="Payment deduction by an agent")
    page.fill("#id_description", "The agent at the campsite kept Rs 2,000 of my Kafaalat payment.")
    page.select_option("#id_district", str(district_a.pk))
    page.fill("#id_name", "Shazia Bibi")
    page.fill("#id_phone", "0300-1234567")
    page.click("button:has-text('Send the complaint')")
    expect(page.locator("h1")).to_have_text("Complaint received")
    number = page.locator("[data-testid=number]").inner_text().strip()
    assert number == Complaint.objects.get().tracking_number

    sign_in(officer)
    page.get_by_role("button", name="Complaints").click()
    page.get_by_role("link", name="Complaints queue").click()
    row = page.locator(f"[data-testid=complaint-{number}]")
    expect(row.locator("[data-sla]")).to_have_text("On time")
    row.get_by_role("link", name=number).click()
    expect(page.locator("[data-testid=description]")).to_contain_text("kept Rs 2,000")
    page.click("button:has-text('Take it up')")
    expect(page.locator("[data-testid=status]")).to_have_text("Being handled")

    page.click("[data-testid=resolve] button:has-text('Resolve')")
    expect(page.locator("[data-testid=resolve]")).to_contain_text("Write the reason for the resolution")
    page.fill(
        "#id_resolve-resolution", "The agent returned Rs 2,000 on 5 March and was removed from the list."
    )
    page.click("[data-testid=resolve] button:has-text('Resolve')")
    expect(page.locator("[data-testid=status]")).to_have_text("Resolved")
    expect(page.locator("[data-testid=history]")).to_contain_text("Taken up")
    expect(page.locator("[data-testid=history]")).to_contain_text("officer_a")
    assert Message.objects.filter(event=f"complaint_resolved:{number}", phone="923001234567").exists()

    page.context.clear_cookies()
    page.goto(f"{live_server.url}/complaints/track/")
    page.fill("#id_number", number)
    page.fill("#id_phone", "03001234567")
    page.click("button:has-text('Show the status')")
    expect(page.locator("[data-testid=tracked-status]")).to_have_text("Resolved")
    expect(page.locator("[data-testid=tracked-resolution]")).to_contain_text("returned Rs 2,000")
