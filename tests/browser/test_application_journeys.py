"""A student's journey in a real browser: apply for an undergraduate scholarship on the public form
without signing in, attach a result card, note the tracking number, and follow the application with it
and the CNIC, before and after a programme officer decides it."""

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from ehsaas.core.models import Province
from ehsaas.programs import applications
from ehsaas.programs.models import Application, ApplicationQuota, BenefitRule, ConditionRule, Programme
from ehsaas.programs.shipped import shipped_programmes_load
from tests.registry.records import make_household, make_member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\n%%EOF\n"


def test_a_student_applies_on_the_public_form_and_follows_the_application(
    page, live_server, personas, settings, tmp_path, district_a
):
    settings.MEDIA_ROOT = tmp_path
    cache.clear()
    shipped_programmes_load(Programme, BenefitRule, ConditionRule)
    scholarships = Programme.objects.get(code="undergraduate-scholarships")
    ApplicationQuota.objects.create(programme=scholarships, university="University of the Punjab",
                                    province=Province.objects.get(code="PK-PB"), places=30)  # fmt: skip

    page.goto(f"{live_server.url}/apply/undergraduate-scholarships/")
    expect(page.locator("h1")).to_contain_text("Undergraduate scholarships")
    page.fill("#id_cnic", "35202-1234567-1")
    page.fill("#id_full_name", "Ayesha Khan")
    page.fill("#id_phone", "0300-1234567")
    page.select_option("#id_university", "University of the Punjab")
    page.select_option("#id_university_province", "PK-PB")
    page.fill("#id_degree", "BS Physics")
    page.fill("#id_merit", "88.5")
    page.set_input_files("#id_documents", files=[{"name": "result-card.pdf", "mimeType": "application/pdf",
                                                  "buffer": PDF}])  # fmt: skip
    page.click("button:has-text('Submit the application')")

    expect(page.locator("h1")).to_have_text("Application received")
    number = page.locator("[data-testid=tracking-number]").inner_text().strip()
    application = Application.objects.get()
    assert number == application.tracking_number
    assert application.documents.get().name == "result-card.pdf"

    page.click("text=Follow an application")
    page.fill("#id_number", number)
    page.fill("#id_cnic", "3520212345671")
    page.click("button:has-text('Show the status')")
    expect(page.locator("[data-testid=tracked-status]")).to_have_text("Submitted")

    # Registered since applying: only someone in the registry is accepted (and becomes a beneficiary).
    make_member(make_household(district_a), "Ayesha Khan", sex="female", cnic="3520212345671")
    applications.application_decide(acting_user=personas["programme_officer"], application=application,
                                     status="accepted", reason="Ranked 4 for the 30 places at the University.")  # fmt: skip
    page.fill("#id_number", number.lower().replace("-", " "))
    page.fill("#id_cnic", "35202-1234567-1")
    page.click("button:has-text('Show the status')")
    expect(page.locator("[data-testid=tracked-status]")).to_have_text("Accepted")
    expect(page.locator("[data-testid=tracked-reason]")).to_have_text(
        "Ranked 4 for the 30 places at the University."
    )
    expect(page.locator("[data-testid=tracked]")).not_to_contain_text("Ayesha")
