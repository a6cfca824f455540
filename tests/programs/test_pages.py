"""The programme pages: everyone who works with households reads the programmes; programme officers
configure one from the browser without code (a wrong rule is refused with its reason and nothing is
saved), test its rules on households, run enrolment, and approve and confirm the list (two people);
beneficiaries are listed within the reader's districts and their status is changed with a reason."""

import pytest
from django.test import TestCase
from django.urls import reverse

from ehsaas.core.models import Job
from ehsaas.programs.choices import RunStatus
from ehsaas.programs.models import Beneficiary, BeneficiaryStatusChange, EnrolmentRun, Programme
from ehsaas.registry import choices as c
from tests.programs.conftest import family

pytestmark = pytest.mark.django_db

READERS = ["administrator", "programme_officer", "registration_officer", "finance_officer", "me_analyst", "auditor",
           "partner"]  # fmt: skip
NOT_CONFIGURERS = ["registration_officer", "finance_officer", "me_analyst", "auditor", "partner"]


def management(prefix: str, total: int) -> dict:
    return {f"{prefix}-TOTAL_FORMS": str(total), f"{prefix}-INITIAL_FORMS": "0",
            f"{prefix}-MIN_NUM_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": "1000"}  # fmt: skip


NEW_PROGRAMME = {
    "code": "widows-support", "name_en": "Widows' support", "name_ur": "بیوہ امداد", "description": "",
    "unit": "woman", "eligibility": 'marital_status = "widowed" and pmt_score <= 40', "frequency": "monthly",
    "starts_on": "2027-01-01",
    **management("benefit", 2), "benefit-0-kind": "base", "benefit-0-label": "Widow", "benefit-0-amount": "3000",
    "benefit-1-kind": "top_up", "benefit-1-label": "Disability", "benefit-1-condition": "disabled = true",
    "benefit-1-amount": "1000",
    **management("condition", 0),
}  # fmt: skip


@pytest.fixture
def run_now(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.mark.parametrize("role", READERS)
def test_everyone_who_works_with_households_reads_the_programmes(client_as, personas, role):
    client = client_as(personas[role])
    assert "Kafaalat" in client.get(reverse("programs:list")).text
    assert "13,500" in client.get(reverse("programs:detail", args=["kafaalat"])).text


def test_a_person_without_a_role_sees_no_programme(client_as, personas):
    assert client_as(personas["no_role"]).get(reverse("programs:list")).status_code == 403


def test_a_programme_officer_configures_a_programme_from_the_browser(client_as, officer):
    response = client_as(officer).post(reverse("programs:new"), NEW_PROGRAMME)

    assert response.status_code == 302
    programme = Programme.objects.get(code="widows-support")
    assert (programme.status, programme.unit, programme.created_by) == ("draft", "woman", officer)
    assert list(programme.benefit_rules.values_list("label", "amount")) == [
        ("Widow", 3000),
        ("Disability", 1000),
    ]


def test_a_wrong_rule_is_refused_with_its_reason_and_nothing_is_saved(client_as, officer):
    response = client_as(officer).post(
        reverse("programs:new"),
        NEW_PROGRAMME | {"eligibility": "income < 5", "benefit-1-condition": "colour = 1"},
    )
    assert response.status_code == 200
    assert "Eligibility rule: unknown field “income”" in response.text
    assert "Benefit line 2 (Disability): unknown field “colour”" in response.text
    assert not Programme.objects.filter(code="widows-support").exists()


def test_a_taken_code_is_refused(client_as, officer):
    response = client_as(officer).post(reverse("programs:new"), NEW_PROGRAMME | {"code": "kafaalat"})
    assert "Programme with this Code already exists." in response.text
    assert Programme.objects.filter(code="kafaalat").count() == 1


@pytest.mark.parametrize("code", ["new", "applications", "compliance"])
def test_a_code_that_names_a_page_of_the_programmes_section_is_refused(client_as, officer, code):
    response = client_as(officer).post(reverse("programs:new"), NEW_PROGRAMME | {"code": code})

    assert f"“{code}” names a page of the programmes section; choose another code." in response.text
    assert not Programme.objects.filter(code=code).exists()


@pytest.mark.parametrize("role", NOT_CONFIGURERS)
def test_others_may_not_configure_switch_or_enrol(client_as, personas, role):
    client = client_as(personas[role])
    assert client.get(reverse("programs:new")).status_code == 403
    assert client.post(reverse("programs:new"), NEW_PROGRAMME).status_code == 403
    client.post(reverse("programs:status", args=["kafaalat", "pause"]))
    assert Programme.objects.get(code="kafaalat").status == "active"
    client.post(reverse("programs:enrol", args=["kafaalat"]))
    assert not EnrolmentRun.objects.exists()


def test_a_programme_is_activated_paused_and_closed(client_as, officer):
    client = client_as(officer)
    client.post(reverse("programs:status", args=["emergency-cash", "activate"]))
    assert Programme.objects.get(code="emergency-cash").status == "active"
    client.post(reverse("programs:status", args=["emergency-cash", "pause"]))
    assert Programme.objects.get(code="emergency-cash").status == "paused"
    client.post(reverse("programs:status", args=["emergency-cash", "close"]))
    assert Programme.objects.get(code="emergency-cash").status == "closed"


def test_the_rules_are_tested_on_households_named_without_writing_anything(client_as, officer, district_a):
    poor, rich = family(district_a, score=10, ref="HH-POOR"), family(district_a, score=90, ref="HH-RICH")

    page = client_as(officer).get(
        reverse("programs:try", args=["kafaalat"]), {"households": "HH-POOR, HH-RICH HH-NONE"}
    )

    tested = {(u.household.household_ref, u.member.relationship): u for u in page.context["units"]}
    assert tested[("HH-POOR", "spouse")].eligible and tested[("HH-POOR", "spouse")].amount == 13_500
    assert not tested[("HH-RICH", "spouse")].eligible and "pmt_score" in tested[("HH-RICH", "spouse")].why
    assert page.context["unknown"] == ["HH-NONE"]
    assert not Beneficiary.objects.exists() and poor and rich


def test_enrolment_is_run_from_the_browser_approved_by_one_officer_and_confirmed_by_another(
    client_as, officer, second_officer, district_a, run_now
):
    household = family(district_a, score=10)
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client_as(officer).post(reverse("programs:enrol", args=["kafaalat"]))
    job = Job.objects.get(kind="programs.enrol")
    assert response.url == reverse("job_detail", args=[job.pk]) and job.status == "succeeded"
    run = EnrolmentRun.objects.get()
    page = client_as(officer).get(reverse("programs:run", args=[run.pk])).text
    assert "Newly qualifies" in page and household.household_ref in page

    client_as(officer).post(
        reverse("programs:run", args=[run.pk]), {"decision": "approve", "note": "Checked"}
    )
    own = client_as(officer).post(reverse("programs:run", args=[run.pk]), {"decision": "confirm"})
    assert EnrolmentRun.objects.get().status == RunStatus.APPROVED and own.status_code == 200
    client_as(second_officer).post(reverse("programs:run", args=[run.pk]), {"decision": "confirm"})

    assert EnrolmentRun.objects.get().status == RunStatus.CONFIRMED
    assert Beneficiary.objects.get().member.relationship == c.Relationship.SPOUSE


def test_a_partner_sees_beneficiaries_only_in_its_districts(client_as, personas, district_a, district_b):
    programme = Programme.objects.get(code="kafaalat")
    inside, outside = family(district_a, score=10, ref="HH-IN"), family(district_b, score=10, ref="HH-OUT")
    for household in (inside, outside):
        Beneficiary.objects.create(programme=programme, household=household, status="active",
                                   status_since="2026-01-01T00:00Z", member=household.members.first())  # fmt: skip

    page = client_as(personas["partner"]).get(reverse("programs:beneficiaries", args=["kafaalat"])).text

    assert "HH-IN" in page and "HH-OUT" not in page


def test_a_beneficiary_is_suspended_from_the_household_page_with_a_reason(client_as, officer, district_a):
    household = family(district_a, score=10)
    beneficiary = Beneficiary.objects.create(
        programme=Programme.objects.get(code="kafaalat"), household=household, member=household.members.last(),
        status="active", status_since="2026-01-01T00:00Z",
    )  # fmt: skip
    client = client_as(officer)
    assert "Kafaalat" in client.get(reverse("registry:household", args=[household.pk])).text

    client.post(
        reverse("programs:beneficiary_status", args=[beneficiary.pk]), {"status": "suspended", "reason": ""}
    )
    assert Beneficiary.objects.get().status == "active"  # a reason is required
    client.post(reverse("programs:beneficiary_status", args=[beneficiary.pk]),
                {"status": "suspended", "reason": "Moved abroad; verifying"})  # fmt: skip

    change = BeneficiaryStatusChange.objects.get()
    assert (change.from_status, change.to_status, change.reason) == (
        "active",
        "suspended",
        "Moved abroad; verifying",
    )
    assert Beneficiary.objects.get().status == "suspended"


def test_an_untouched_extra_benefit_row_is_left_out(client_as, officer):
    data = NEW_PROGRAMME | management("benefit", 3) | {"benefit-2-kind": "base"}
    assert client_as(officer).post(reverse("programs:new"), data).status_code == 302
    assert Programme.objects.get(code="widows-support").benefit_rules.count() == 2


def test_a_step_a_programme_cannot_take_is_refused_in_words(client_as, officer):
    response = client_as(officer).post(
        reverse("programs:status", args=["emergency-cash", "pause"]), follow=True
    )
    assert "A programme that is Draft cannot be paused." in response.text


def test_an_enrolment_jobs_report_leads_to_the_run_it_computed(client_as, officer, run_now):
    Job.objects.create(kind="programs.enrol", params={})  # another job first: the numbers differ
    with TestCase.captureOnCommitCallbacks(execute=True):
        client_as(officer).post(reverse("programs:enrol", args=["kafaalat"]))
    job, run = Job.objects.get(kind="programs.enrol", result__has_key="run"), EnrolmentRun.objects.get()
    assert job.pk != run.pk
    assert client_as(officer).get(job.report_url).url == reverse("programs:run", args=[run.pk])
