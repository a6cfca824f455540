"""A citizen's journey on the public site, in a real browser on a phone-sized screen."""

import pytest
from django.utils import translation
from playwright.sync_api import expect

from ehsaas.portal.choices import EligibilityStatus
from tests.portal.households import dashed, household_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_citizen_checks_her_household_in_urdu_on_a_phone(browser, live_server, reference_data):
    cnic = household_in(enrolled=[("kafaalat", "active")])
    phone = browser.new_context(viewport={"width": 360, "height": 740}, locale="en-GB", is_mobile=True)
    page = phone.new_page()
    page.set_default_timeout(15_000)

    page.goto(f"{live_server.url}/check/")
    page.click("button[name=language][value=ur]")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    page.fill("input[name=cnic]", "35202-123")
    page.click("main form button")
    with translation.override("ur"):
        too_short = "13"
        eligible = str(EligibilityStatus.ELIGIBLE.label)
    expect(page.locator(".invalid-feedback")).to_contain_text(too_short)

    page.fill("input[name=cnic]", dashed(cnic))
    page.click("main form button")

    expect(page.locator("[data-testid=answer-status]")).to_have_text(eligible)
    expect(page.locator("[data-testid=answer]")).to_contain_text("کفالت")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    phone.close()
