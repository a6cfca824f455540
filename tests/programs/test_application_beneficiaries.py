"""Accepted applicants become beneficiaries: accepting one application or confirming a ranking makes
each accepted applicant an active beneficiary of the programme (or one who had left, active again),
with the amount and category of the programme's benefit table judged on the applicant and a status
history row naming the application; nobody is made a beneficiary twice; an applicant not in the
registry is not accepted until registered; the application's page shows the beneficiary."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from ehsaas.messaging.models import Message
from ehsaas.programs import applications as a
from ehsaas.programs.choices import BeneficiaryStatus, BenefitKind
from ehsaas.programs.models import (
    Application,
    Beneficiary,
    BeneficiaryStatusChange,
    BenefitRule,
    Programme,
)
from ehsaas.registry import choices as c
from ehsaas.registry.models import Identifier, Member
from tests.programs.applicants import KARACHI_UNIVERSITY, PUNJAB_UNIVERSITY, apply, student
from tests.programs.conftest import family
from tests.registry.records import make_member

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]
UNREGISTERED = "3520212345671"


def member_of(cnic: str) -> Member:
    return Identifier.objects.get(number=cnic, active=True).member


def accept(officer, application: Application, reason: str = "Ranked first") -> Application:
    return a.application_decide(
        acting_user=officer, application=application, status="accepted", reason=reason
    )


def test_an_accepted_applicant_becomes_an_active_beneficiary_with_the_reason_naming_the_application(
    scholarships, officer, district_a
):
    cnic = student(district_a, score=20)
    application = apply(scholarships, cnic)

    accept(officer, application)

    beneficiary = Beneficiary.objects.get(programme=scholarships)
    member = member_of(cnic)
    assert (beneficiary.member, beneficiary.household) == (member, member.household)
    assert (beneficiary.status, beneficiary.amount, beneficiary.category) == ("active", 4000, "Stipend")
    reason = f"accepted application {application.tracking_number}"
    assert beneficiary.status_reason == reason
    change = BeneficiaryStatusChange.objects.get(beneficiary=beneficiary)
    assert (change.from_status, change.to_status, change.reason, change.changed_by) == (
        "", "active", reason, officer,
    )  # fmt: skip


def test_the_amount_and_category_are_the_benefit_table_judged_on_the_applicant(
    scholarships, officer, district_a
):
    BenefitRule.objects.filter(programme=scholarships).delete()
    BenefitRule.objects.bulk_create([
        BenefitRule(programme=scholarships, order=1, kind=BenefitKind.BASE, label="Woman student",
                    condition='sex = "female"', amount=5000),
        BenefitRule(programme=scholarships, order=2, kind=BenefitKind.BASE, label="Student", amount=4000),
        BenefitRule(programme=scholarships, order=3, kind=BenefitKind.TOP_UP, label="Disability",
                    condition="has_disabled_member = true", amount=1500),
    ])  # fmt: skip
    woman = family(district_a, score=25, disabled=True)
    make_member(woman, "Sana", sex=c.Sex.FEMALE, relationship=c.Relationship.DAUGHTER,
                date_of_birth=date(2006, 4, 1), cnic="3520211111112")  # fmt: skip
    man = student(district_a, score=25)

    accept(officer, apply(scholarships, "3520211111112"))
    accept(officer, apply(scholarships, man))

    amounts = dict(Beneficiary.objects.values_list("member__full_name", "amount"))
    categories = dict(Beneficiary.objects.values_list("member__full_name", "category"))
    assert amounts == {"Sana": 6500, "Student": 4000}
    assert categories == {"Sana": "Woman student", "Student": "Student"}


def test_an_applicant_not_in_the_registry_is_not_accepted_and_nothing_is_written(scholarships, officer):
    application = apply(scholarships, UNREGISTERED, phone="0300-7654321")

    with pytest.raises(ValidationError) as refused:
        accept(officer, application)

    assert refused.value.messages == [
        f"{application.tracking_number} cannot be accepted: nobody in the registry holds the CNIC "
        "35202-1234567-1. An accepted applicant becomes a beneficiary, and a beneficiary is a member of a "
        "registered household: the applicant must register first (at an Ehsaas registration desk); accept "
        "the application once they are registered."
    ]
    application.refresh_from_db()
    assert application.status == "submitted"
    assert not Beneficiary.objects.exists() and not Message.objects.exists()
    assert list(application.status_changes.values_list("to_status", flat=True)) == ["submitted"]


def test_an_applicant_not_in_the_registry_may_still_be_waitlisted_or_rejected(scholarships, officer):
    application = apply(scholarships, UNREGISTERED)

    a.application_decide(
        acting_user=officer, application=application, status="waitlisted", reason="Quota full"
    )
    a.application_decide(
        acting_user=officer, application=application, status="rejected", reason="Not admitted"
    )

    application.refresh_from_db()
    assert application.status == "rejected" and not Beneficiary.objects.exists()


def test_an_applicant_who_registered_after_applying_is_accepted_into_the_household_they_are_in(
    scholarships, officer, district_a
):
    application = apply(scholarships, UNREGISTERED)
    household = family(district_a, score=30)
    make_member(household, "Ayesha", sex=c.Sex.FEMALE, date_of_birth=date(2006, 1, 1), cnic=UNREGISTERED)

    accept(officer, application)

    application.refresh_from_db()
    assert application.household == household and application.member.full_name == "Ayesha"
    beneficiary = Beneficiary.objects.get()
    assert (beneficiary.household, beneficiary.member, beneficiary.status) == (household, application.member,
                                                                              "active")  # fmt: skip


def test_an_applicant_who_left_the_registry_since_applying_is_not_accepted(scholarships, officer, district_a):
    cnic = student(district_a, score=20)
    application = apply(scholarships, cnic)
    Member.objects.filter(pk=member_of(cnic).pk).update(status=c.MemberStatus.DECEASED)

    with pytest.raises(ValidationError, match="nobody in the registry holds the CNIC"):
        accept(officer, application)

    assert not Beneficiary.objects.exists()


def test_accepting_a_person_already_in_the_programme_makes_no_second_beneficiary(
    scholarships, officer, district_a
):
    cnic = student(district_a, score=20)
    accept(officer, apply(scholarships, cnic))
    # A year on, the same student applies again and is accepted again.
    accept(officer, apply(scholarships, cnic), reason="Renewed")

    beneficiary = Beneficiary.objects.get()
    assert beneficiary.status == "active"
    assert BeneficiaryStatusChange.objects.filter(beneficiary=beneficiary).count() == 1


def test_a_suspended_beneficiary_accepted_again_stays_suspended(scholarships, officer, district_a):
    cnic = student(district_a, score=20)
    accept(officer, apply(scholarships, cnic))
    Beneficiary.objects.update(status=BeneficiaryStatus.SUSPENDED, status_reason="Attendance under 70")

    accept(officer, apply(scholarships, cnic), reason="Renewed")

    beneficiary = Beneficiary.objects.get()
    assert (beneficiary.status, beneficiary.status_reason) == ("suspended", "Attendance under 70")
    assert BeneficiaryStatusChange.objects.count() == 1


@pytest.mark.parametrize(
    "status", [BeneficiaryStatus.EXITED, BeneficiaryStatus.GRADUATED, BeneficiaryStatus.POTENTIAL]
)
def test_a_beneficiary_who_had_left_is_made_active_again_with_the_amount_of_now(
    scholarships, officer, district_a, status
):
    cnic = student(district_a, score=20)
    member = member_of(cnic)
    old = Beneficiary.objects.create(
        programme=scholarships, household=member.household, member=member, status=status, amount=3000,
        category="Old stipend", status_since=timezone.now(),
    )  # fmt: skip
    application = apply(scholarships, cnic)

    accept(officer, application)

    old.refresh_from_db()
    assert (old.status, old.amount, old.category) == ("active", 4000, "Stipend")
    change = BeneficiaryStatusChange.objects.get(beneficiary=old)
    assert (change.from_status, change.to_status, change.reason) == (
        status, "active", f"accepted application {application.tracking_number}",
    )  # fmt: skip
    assert Beneficiary.objects.count() == 1


def test_a_programme_serving_households_makes_the_household_the_beneficiary(
    scholarships, officer, district_a
):
    Programme.objects.filter(pk=scholarships.pk).update(unit="household", eligibility="pmt_score <= 40")
    cnic = student(district_a, score=20)

    accept(officer, apply(scholarships, cnic))

    beneficiary = Beneficiary.objects.get()
    assert (beneficiary.household, beneficiary.member, beneficiary.amount) == (member_of(cnic).household, None,
                                                                              4000)  # fmt: skip


@pytest.fixture
def ranked(scholarships, district_a, officer):
    """Two students for the two places at the University of the Punjab, a third waitlisted behind them,
    one for Karachi's place, all ranked."""
    applications = {
        "first": apply(scholarships, student(district_a, score=10), merit=90),
        "second": apply(scholarships, student(district_a, score=20), merit=80),
        "third": apply(scholarships, student(district_a, score=70), merit=40),
        "karachi": apply(scholarships, student(district_a, score=30), merit=70, university=KARACHI_UNIVERSITY,
                         province="PK-SD"),
    }  # fmt: skip
    a.applications_rank(acting_user=officer, programme=scholarships)
    return applications


def test_confirming_a_ranking_makes_each_accepted_applicant_a_beneficiary(
    scholarships, ranked, officer, second_officer
):
    counts = a.applications_confirm_ranking(acting_user=second_officer, programme=scholarships)

    assert counts == {"accepted": 3, "waitlisted": 1, "unregistered": 0}
    beneficiaries = Beneficiary.objects.filter(programme=scholarships)
    accepted = {name: ranked[name] for name in ("first", "second", "karachi")}
    assert set(beneficiaries.values_list("member_id", flat=True)) == {
        Application.objects.get(pk=app.pk).member_id for app in accepted.values()
    }
    assert set(beneficiaries.values_list("status", "amount", "category")) == {("active", 4000, "Stipend")}
    reasons = set(BeneficiaryStatusChange.objects.values_list("reason", "to_status", "changed_by"))
    assert reasons == {
        (f"accepted application {app.tracking_number}", "active", second_officer.pk)
        for app in accepted.values()
    }


def test_confirming_a_ranking_twice_makes_no_second_beneficiary(scholarships, ranked, officer):
    a.applications_confirm_ranking(acting_user=officer, programme=scholarships)
    a.applications_rank(acting_user=officer, programme=scholarships)
    a.applications_confirm_ranking(acting_user=officer, programme=scholarships)

    assert Beneficiary.objects.count() == 3 and BeneficiaryStatusChange.objects.count() == 3


def test_confirming_a_ranking_brings_back_a_beneficiary_who_had_left(scholarships, ranked, officer):
    member = Application.objects.get(pk=ranked["first"].pk).member
    old = Beneficiary.objects.create(
        programme=scholarships, household=member.household, member=member, status=BeneficiaryStatus.EXITED,
        status_since=timezone.now(),
    )  # fmt: skip

    a.applications_confirm_ranking(acting_user=officer, programme=scholarships)

    old.refresh_from_db()
    assert old.status == "active" and Beneficiary.objects.count() == 3
    assert BeneficiaryStatusChange.objects.get(beneficiary=old).from_status == "exited"


def test_an_unregistered_applicant_proposed_for_acceptance_stays_under_review_until_registered(
    scholarships, officer, district_a
):
    application = apply(scholarships, UNREGISTERED, merit=95, university=KARACHI_UNIVERSITY, province="PK-SD",
                        phone="0300-7654321")  # fmt: skip
    a.applications_rank(acting_user=officer, programme=scholarships)

    counts = a.applications_confirm_ranking(acting_user=officer, programme=scholarships)

    application.refresh_from_db()
    assert counts == {"accepted": 0, "waitlisted": 0, "unregistered": 1}
    assert (application.status, application.proposal) == ("under_review", "accept")
    assert not Beneficiary.objects.exists() and not Message.objects.exists()

    make_member(family(district_a, score=15), "Ayesha", sex=c.Sex.FEMALE, date_of_birth=date(2006, 1, 1),
                cnic=UNREGISTERED)  # fmt: skip
    a.applications_rank(acting_user=officer, programme=scholarships)
    assert a.applications_confirm_ranking(acting_user=officer, programme=scholarships)["accepted"] == 1
    assert list(Message.objects.values_list("event", flat=True)) == [
        f"application:{application.tracking_number}:accepted"
    ]
    assert Beneficiary.objects.get().member.full_name == "Ayesha"


def _statements_to_confirm(
    scholarships, officer, district_a, accepted: int, university: str, province: str
) -> int:
    for _number in range(accepted):
        apply(scholarships, student(district_a, score=20), merit=80, university=university, province=province)
    scholarships.quotas.filter(university=university).update(places=accepted)
    a.applications_rank(acting_user=officer, programme=scholarships)
    with CaptureQueriesContext(connection) as queries:
        counts = a.applications_confirm_ranking(acting_user=officer, programme=scholarships)
    assert counts["accepted"] == accepted
    return len(queries)


def test_confirming_a_ranking_writes_its_beneficiaries_in_as_many_statements_whatever_their_number(
    scholarships, officer, district_a
):
    few = _statements_to_confirm(scholarships, officer, district_a, 2, KARACHI_UNIVERSITY, "PK-SD")
    many = _statements_to_confirm(scholarships, officer, district_a, 6, PUNJAB_UNIVERSITY, "PK-PB")

    assert many == few and Beneficiary.objects.count() == 8


# The pages.


def test_the_application_page_shows_the_applicant_is_a_beneficiary_and_links_the_household(
    client_as, officer, scholarships, district_a
):
    cnic = student(district_a, score=20)
    application = apply(scholarships, cnic)
    client = client_as(officer)

    response = client.post(
        reverse("programs:application", args=[application.pk]), {"status": "accepted", "reason": "Ranked first"},
        follow=True,
    )  # fmt: skip

    card = response.text.split('data-testid="beneficiary"')[1].split("</div></div>")[0]
    household = member_of(cnic).household
    assert "The applicant is a beneficiary of Undergraduate scholarships" in card and "Active" in card
    assert "Rs 4,000 a payment" in card and "Stipend" in card
    assert reverse("registry:household", args=[household.pk]) in card and household.household_ref in card


def test_the_decision_form_warns_that_an_applicant_not_in_the_registry_must_register_first(
    client_as, officer, scholarships
):
    application = apply(scholarships, UNREGISTERED)
    client = client_as(officer)

    page = client.get(reverse("programs:application", args=[application.pk])).text
    refused = client.post(
        reverse("programs:application", args=[application.pk]),
        {"status": "accepted", "reason": "Ranked first"},
    )

    assert "The applicant is not in the registry" in page.split('data-testid="not-registered"')[1]
    assert refused.status_code == 200 and "the applicant must register first" in refused.text
    assert Application.objects.get().status == "submitted"


@pytest.mark.parametrize("role", ["registration_officer", "finance_officer", "me_analyst", "auditor"])
def test_staff_who_read_applications_see_the_beneficiary(
    client_as, personas, officer, scholarships, district_a, role
):
    application = accept(officer, apply(scholarships, student(district_a, score=20)))

    page = client_as(personas[role]).get(reverse("programs:application", args=[application.pk])).text

    assert "The applicant is a beneficiary of" in page.split('data-testid="beneficiary"')[1]


def test_confirming_from_the_list_says_who_stays_under_review_for_want_of_registration(
    client_as, officer, scholarships
):
    apply(scholarships, UNREGISTERED, merit=95, university=KARACHI_UNIVERSITY, province="PK-SD")
    client = client_as(officer)
    client.post(reverse("programs:rank", args=[scholarships.code]))

    response = client.post(reverse("programs:confirm_ranking", args=[scholarships.code]), follow=True)

    assert "0 accepted and 0 waitlisted, as ranked." in response.text
    assert "1 proposed for acceptance are not in the registry: they stay under review" in response.text
