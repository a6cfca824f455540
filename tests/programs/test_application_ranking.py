"""Ranking and deciding scholarship applications: ranking orders each university and province's
applications by need from the PMT and merit and proposes the top of each quota for acceptance, the rest
for the waiting list, deciding nothing; a person confirms the proposals or decides each application with
a reason the applicant reads, and the applicant is told by SMS, once, in the language they applied in.
Programme officers and administrators rank and decide; registration officers receive applications."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from ehsaas.messaging.models import Message
from ehsaas.programs import applications as a
from ehsaas.programs.choices import ApplicationStatus
from ehsaas.programs.models import Application
from tests.programs.applicants import KARACHI_UNIVERSITY, PUNJAB_UNIVERSITY, apply, student
from tests.programs.conftest import family
from tests.registry.records import make_member

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]


@pytest.fixture
def applicants(scholarships, district_a):
    """Three students for the two places at the University of the Punjab, one for the one at Karachi."""
    return {
        # 0.5×80 + 0.5×70 = 75
        "needy": apply(scholarships, student(district_a, score=20), merit=70, phone="0300-1111111"),
        # 0.5×40 + 0.5×90 = 65, applied on the site in English
        "able": apply(scholarships, student(district_a, score=60), merit=90, phone="0300-2222222", language="en"),
        # 0.5×0 + 0.5×95 = 47.5
        "unregistered": apply(scholarships, "3520212345671", merit=95, phone="0300-3333333"),
        "karachi": apply(
            scholarships, student(district_a, score=40), merit=60, university=KARACHI_UNIVERSITY,
            province="PK-SD", phone="0300-4444444",
        ),
    }  # fmt: skip


def ranked(applicants) -> dict[str, Application]:
    return {name: Application.objects.get(pk=app.pk) for name, app in applicants.items()}


def test_ranking_proposes_the_top_of_each_quota_by_need_and_merit(scholarships, applicants, officer):
    figures = a.applications_rank(acting_user=officer, programme=scholarships)

    after = ranked(applicants)
    assert [(after[n].rank, after[n].places, after[n].proposal) for n in ("needy", "able", "unregistered")] == [
        (1, 2, "accept"), (2, 2, "accept"), (3, 2, "waitlist"),
    ]  # fmt: skip
    assert (after["needy"].need, after["needy"].rank_score, after["unregistered"].rank_score) == (
        80,
        75,
        47.5,
    )
    assert (after["karachi"].rank, after["karachi"].proposal) == (1, "accept")
    assert (figures.ranked, figures.accept, figures.waitlist, figures.quotas) == (4, 3, 1, 2)


def test_ranking_decides_nothing_and_puts_applications_under_review(scholarships, applicants, officer):
    a.applications_rank(acting_user=officer, programme=scholarships)

    assert {app.status for app in ranked(applicants).values()} == {ApplicationStatus.UNDER_REVIEW}
    assert not Message.objects.exists()
    assert ranked(applicants)["needy"].status_changes.last().reason == "ranked within its quota"


def test_the_weights_are_the_programme_s_settings(scholarships, applicants, officer):
    scholarships.parameters["ranking"] |= {"need_weight": 0, "merit_weight": 1}
    scholarships.save(update_fields=["parameters"])

    a.applications_rank(acting_user=officer, programme=scholarships)

    after = ranked(applicants)
    assert [after[n].rank for n in ("unregistered", "able", "needy")] == [1, 2, 3]


def test_a_student_who_registers_after_applying_is_ranked_on_the_household_s_need(
    scholarships, applicants, officer, district_a
):
    household = family(district_a, score=0)
    make_member(household, "Registered later", date_of_birth=date(2006, 1, 1), cnic="3520212345671")

    a.applications_rank(acting_user=officer, programme=scholarships)

    after = ranked(applicants)["unregistered"]
    assert (after.household, after.need, after.rank) == (household, 100, 1)


def test_a_university_without_a_quota_waitlists_its_applicants(scholarships, district_a, officer):
    elsewhere = apply(scholarships, student(district_a, score=10), merit=99, university=PUNJAB_UNIVERSITY,
                      province="PK-KP")  # fmt: skip

    a.applications_rank(acting_user=officer, programme=scholarships)

    elsewhere.refresh_from_db()
    assert (elsewhere.rank, elsewhere.places, elsewhere.proposal) == (1, 0, "waitlist")


def test_confirming_the_ranking_accepts_and_waitlists_with_the_reason_and_tells_each_applicant_once(
    scholarships, applicants, officer, second_officer
):
    a.applications_rank(acting_user=officer, programme=scholarships)

    counts = a.applications_confirm_ranking(acting_user=second_officer, programme=scholarships)

    after = ranked(applicants)
    assert counts == {"accepted": 3, "waitlisted": 1, "unregistered": 0}
    assert (after["needy"].status, after["needy"].decided_by) == ("accepted", second_officer)
    assert after["needy"].decision_reason == "Ranked 1 for the 2 places at University of the Punjab, Punjab."
    assert after["unregistered"].status == "waitlisted"
    assert after["unregistered"].decision_reason == (
        "Ranked 3 for the 2 places at University of the Punjab, Punjab: waitlisted until a place frees."
    )
    told = {m.phone: m for m in Message.objects.filter(template="application_decided")}
    assert {phone: (m.language, m.event) for phone, m in told.items()} == {
        "923001111111": ("ur", f"application:{after['needy'].tracking_number}:accepted"),
        "923002222222": ("en", f"application:{after['able'].tracking_number}:accepted"),
        "923003333333": ("ur", f"application:{after['unregistered'].tracking_number}:waitlisted"),
        "923004444444": ("ur", f"application:{after['karachi'].tracking_number}:accepted"),
    }
    assert told["923001111111"].text == (
        f"احساس: درخواست {after['needy'].tracking_number}: منظور۔ وجہ ویب سائٹ پر۔"
    )
    assert told["923003333333"].text == (
        f"احساس: درخواست {after['unregistered'].tracking_number}: انتظار کی فہرست میں۔ وجہ ویب سائٹ پر۔"
    )
    assert told["923002222222"].text == (
        f"Ehsaas: your application {after['able'].tracking_number} to Undergraduate scholarships is accepted. "
        "See why on the Ehsaas website with this number and your CNIC."
    )

    assert a.applications_confirm_ranking(acting_user=second_officer, programme=scholarships) == {
        "accepted": 0, "waitlisted": 0, "unregistered": 0,
    }  # fmt: skip
    assert Message.objects.count() == 4


def test_accepted_applications_keep_their_places_when_ranking_again(
    scholarships, applicants, officer, district_a
):
    a.applications_rank(acting_user=officer, programme=scholarships)
    a.applications_confirm_ranking(acting_user=officer, programme=scholarships)
    late = apply(scholarships, student(district_a, score=5), merit=100)

    a.applications_rank(acting_user=officer, programme=scholarships)

    late.refresh_from_db()
    waiting = Application.objects.get(pk=applicants["unregistered"].pk)
    assert (late.rank, late.places, late.proposal) == (1, 0, "waitlist")
    assert (waiting.rank, waiting.proposal) == (2, "waitlist")


def test_a_decision_needs_a_reason_the_applicant_reads_and_tells_the_applicant(scholarships, officer):
    application = apply(scholarships, "3520212345671", phone="0300-7654321")
    with pytest.raises(ValidationError, match="Say why"):
        a.application_decide(acting_user=officer, application=application, status="rejected", reason=" ")

    a.application_decide(acting_user=officer, application=application, status="rejected",
                         reason="The admission letter is not from a public university.")  # fmt: skip

    application.refresh_from_db()
    assert (application.status, application.decided_by) == ("rejected", officer)
    message = Message.objects.get()
    assert (message.phone, message.language, message.template, message.event) == (
        "923007654321", "ur", "application_decided", f"application:{application.tracking_number}:rejected",
    )  # fmt: skip
    assert message.text == f"احساس: درخواست {application.tracking_number}: مسترد۔ وجہ ویب سائٹ پر۔"
    assert list(application.status_changes.values_list("to_status", flat=True)) == ["submitted", "rejected"]


def test_a_decided_application_is_not_decided_again(scholarships, officer, district_a):
    application = apply(scholarships, student(district_a, score=30))
    a.application_decide(
        acting_user=officer, application=application, status="accepted", reason="Ranked first"
    )

    with pytest.raises(ValidationError, match="An application that is Accepted cannot be made Rejected"):
        a.application_decide(
            acting_user=officer, application=application, status="rejected", reason="Changed mind"
        )


def test_a_waitlisted_application_is_accepted_when_a_place_frees(scholarships, officer, district_a):
    application = apply(scholarships, student(district_a, score=30))
    a.application_decide(
        acting_user=officer, application=application, status="waitlisted", reason="Quota full"
    )

    a.application_decide(
        acting_user=officer, application=application, status="accepted", reason="A place freed"
    )

    application.refresh_from_db()
    assert application.status == "accepted"


@pytest.mark.parametrize("role", ["administrator", "programme_officer"])
def test_administrators_and_programme_officers_rank_and_decide(scholarships, applicants, personas, role):
    a.applications_rank(acting_user=personas[role], programme=scholarships)
    assert a.applications_confirm_ranking(acting_user=personas[role], programme=scholarships)["accepted"] == 3


@pytest.mark.parametrize(
    "role", ["registration_officer", "finance_officer", "me_analyst", "auditor", "partner"]
)
def test_others_neither_rank_nor_decide(scholarships, applicants, personas, role):
    with pytest.raises(PermissionDenied):
        a.applications_rank(acting_user=personas[role], programme=scholarships)
    with pytest.raises(PermissionDenied):
        a.application_decide(acting_user=personas[role], application=applicants["needy"], status="accepted",
                             reason="x")  # fmt: skip
    with pytest.raises(PermissionDenied):
        a.applications_confirm_ranking(acting_user=personas[role], programme=scholarships)


@pytest.mark.parametrize("role", ["registration_officer", "programme_officer", "administrator"])
def test_desk_staff_receive_an_application_for_an_applicant(scholarships, personas, role):
    application = apply(scholarships, "3520212345671", user=personas[role])
    assert (application.channel, application.submitted_by) == ("staff", personas[role])


@pytest.mark.parametrize("role", ["finance_officer", "me_analyst", "auditor", "partner"])
def test_readers_do_not_receive_applications(scholarships, personas, role):
    with pytest.raises(PermissionDenied):
        apply(scholarships, "3520212345671", user=personas[role])
