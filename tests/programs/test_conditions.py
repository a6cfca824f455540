"""Evaluating a quarter's conditions: a beneficiary a condition applies to who falls under its minimum
for `suspend_after` quarters in a row is suspended, with the condition and quarter in the reason, a
status history row and an SMS in the outbox; one an evaluation suspended resumes when the conditions
are met again, and is told (a suspension made by hand is never lifted by it); the same quarter
evaluated twice changes nothing and tells nobody twice; and only programme officers and administrators
evaluate."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation
from django.utils.translation import gettext as _g

from ehsaas.messaging.models import Message
from ehsaas.programs import services as s
from ehsaas.programs.choices import BeneficiaryStatus, ConditionKind, HealthVisitKind
from ehsaas.programs.models import (
    Beneficiary,
    BeneficiaryStatusChange,
    Compliance,
    ConditionEvaluation,
    ConditionOutcome,
    ConditionRule,
    HealthVisit,
    Programme,
    SchoolAttendance,
)
from ehsaas.programs.notices import SMS_MISSED, SMS_SEPARATOR
from ehsaas.registry import choices as c
from tests.programs.conftest import family
from tests.registry.records import make_member

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 1)  # 2026-Q3 has ended, 2026-Q4 has not


def enrolled(code: str, member, status=BeneficiaryStatus.ACTIVE) -> Beneficiary:
    return Beneficiary.objects.create(
        programme=Programme.objects.get(code=code), household=member.household, member=member, status=status,
        status_since=timezone.now(),
    )  # fmt: skip


def attended(member, quarter: str, percent) -> None:
    SchoolAttendance.objects.update_or_create(
        member=member, quarter=quarter, defaults={"attendance": percent, "recorded_at": timezone.now()}
    )


def visited(member, kind: str, day: date) -> None:
    HealthVisit.objects.create(member=member, kind=kind, visited_on=day, recorded_at=timezone.now())


def evaluate(officer, quarter: str, code: str = "taleemi-wazaif", today: date = TODAY) -> ConditionEvaluation:
    return s.conditions_evaluate(
        acting_user=officer, programme=Programme.objects.get(code=code), quarter=quarter, today=today
    )


def status_of(beneficiary: Beneficiary) -> str:
    beneficiary.refresh_from_db()
    return beneficiary.status


def in_urdu(*missed: tuple[str, int]) -> str:
    """The conditions missed, (kind, minimum), as an Urdu SMS names them."""
    with translation.override("ur"):
        return SMS_SEPARATOR["ur"].join(
            _g(SMS_MISSED[kind]) % {"minimum": minimum} for kind, minimum in missed
        )


def told(beneficiary: Beneficiary) -> list[tuple[str, str]]:
    """(template, event) of the messages queued about the beneficiary's outcomes, in order."""
    outcomes = ConditionOutcome.objects.filter(beneficiary=beneficiary).values_list("pk", flat=True)
    events = [m for m in Message.objects.order_by("id").values_list("template", "event")]
    return [(template, event) for template, event in events if int(event.rsplit(":", 1)[1]) in outcomes]


@pytest.fixture
def pupil(district_a):
    """A girl of eleven at school, her stipend active; the household's phone is on record."""
    household = family(district_a, score=20, children=[(c.Sex.FEMALE, date(2015, 3, 1), True)])
    household.phone = "+923001234567"
    household.save(update_fields=["phone"])
    return enrolled("taleemi-wazaif", household.members.get(relationship=c.Relationship.DAUGHTER))


def test_a_child_under_the_minimum_attendance_is_suspended_with_the_condition_and_quarter(pupil, officer):
    attended(pupil.member, "2026-Q3", 62.5)

    evaluation = evaluate(officer, "2026-Q3")

    assert status_of(pupil) == BeneficiaryStatus.SUSPENDED
    change = BeneficiaryStatusChange.objects.get(beneficiary=pupil)
    assert (change.from_status, change.to_status, change.changed_by) == ("active", "suspended", officer)
    assert change.reason == "School attendance (%) under 70 in 2026-Q3"
    assert pupil.status_reason == change.reason
    assert (evaluation.judged, evaluation.met, evaluation.missed, evaluation.suspended) == (1, 0, 1, 1)
    record = Compliance.objects.get(beneficiary=pupil)
    assert (record.quarter, record.value, record.minimum, record.met, record.missed_in_a_row) == (
        "2026-Q3", 62.5, 70, False, 1,
    )  # fmt: skip


def test_the_suspension_tells_the_household_phone_by_sms_in_urdu_naming_the_programme_quarter_and_condition(
    pupil, officer
):
    attended(pupil.member, "2026-Q3", 40)

    evaluate(officer, "2026-Q3")

    outcome = ConditionOutcome.objects.get(beneficiary=pupil)
    message = Message.objects.get()
    assert (message.template, message.status, message.language, message.phone) == (
        "condition_suspended", "queued", "ur", "923001234567",
    )  # fmt: skip
    assert message.event == f"condition:taleemi-wazaif:2026-Q3:suspended:{outcome.pk}"
    reason = in_urdu((ConditionKind.SCHOOL_ATTENDANCE, 70))
    assert message.text == f"احساس: تعلیمی وظائف کی ادائیگی معطل: 2026-Q3 میں {reason}۔"


def test_the_child_s_own_phone_is_told_rather_than_the_household_s(pupil, officer):
    pupil.member.phone = "0321-7654321"
    pupil.member.save(update_fields=["phone"])

    evaluate(officer, "2026-Q3")

    assert list(Message.objects.values_list("phone", flat=True)) == ["923217654321"]


def test_a_beneficiary_without_a_mobile_number_is_suspended_and_nobody_is_told(pupil, officer):
    pupil.household.phone = "042-35761234"  # a landline: no SMS reaches it
    pupil.household.save(update_fields=["phone"])

    evaluation = evaluate(officer, "2026-Q3")

    assert status_of(pupil) == BeneficiaryStatus.SUSPENDED
    assert evaluation.suspended == 1
    assert not Message.objects.exists()


def test_two_children_suspended_at_one_phone_are_each_told(pupil, officer):
    sister = make_member(pupil.household, "Sister", sex=c.Sex.FEMALE, relationship=c.Relationship.DAUGHTER,
                         date_of_birth=date(2013, 6, 1), in_school=True)  # fmt: skip
    sister = enrolled("taleemi-wazaif", sister)

    evaluate(officer, "2026-Q3")

    assert status_of(sister) == BeneficiaryStatus.SUSPENDED
    assert Message.objects.filter(phone="923001234567", template="condition_suspended").count() == 2


def test_attendance_at_the_minimum_keeps_the_benefit(pupil, officer):
    attended(pupil.member, "2026-Q3", 70)

    evaluation = evaluate(officer, "2026-Q3")

    assert status_of(pupil) == BeneficiaryStatus.ACTIVE
    assert (evaluation.judged, evaluation.met, evaluation.suspended) == (1, 1, 0)
    assert not Message.objects.exists()


def test_a_child_no_school_reported_has_not_met_the_condition(pupil, officer):
    evaluate(officer, "2026-Q3")

    assert status_of(pupil) == BeneficiaryStatus.SUSPENDED
    assert Compliance.objects.get(beneficiary=pupil).value is None


def test_another_quarter_s_attendance_does_not_count(pupil, officer):
    attended(pupil.member, "2026-Q2", 95)

    evaluate(officer, "2026-Q3")

    assert status_of(pupil) == BeneficiaryStatus.SUSPENDED


def test_a_condition_applies_only_to_those_its_rule_picks(pupil, officer, district_a):
    ConditionRule.objects.filter(programme__code="taleemi-wazaif").update(
        applies_when='school_level = "primary"'
    )
    younger = family(district_a, score=20, children=[(c.Sex.MALE, date(2019, 5, 1), True)])
    primary = enrolled("taleemi-wazaif", younger.members.get(relationship=c.Relationship.SON))

    evaluation = evaluate(officer, "2026-Q3")

    assert status_of(primary) == BeneficiaryStatus.SUSPENDED  # seven: primary, no attendance reported
    assert status_of(pupil) == BeneficiaryStatus.ACTIVE  # eleven: secondary, the condition does not apply
    assert not Compliance.objects.filter(beneficiary=pupil).exists()
    assert evaluation.judged == 1


def test_nashonuma_judges_a_mother_on_check_ups_and_a_baby_on_immunisation_and_growth(district_a, officer):
    household = family(district_a, score=20, children=[(c.Sex.MALE, date(2026, 1, 10), False)])
    mother = enrolled("nashonuma", household.members.get(relationship=c.Relationship.SPOUSE))
    baby = enrolled("nashonuma", household.members.get(relationship=c.Relationship.SON))
    visited(baby.member, HealthVisitKind.IMMUNISATION, date(2026, 8, 3))
    visited(baby.member, HealthVisitKind.GROWTH_CHECK, date(2026, 9, 28))
    visited(mother.member, HealthVisitKind.CHECK_UP, date(2026, 6, 30))  # the quarter before

    evaluate(officer, "2026-Q3", code="nashonuma")

    assert status_of(baby) == BeneficiaryStatus.ACTIVE
    assert status_of(mother) == BeneficiaryStatus.SUSPENDED
    assert mother.status_reason == "Health visits under 1 in 2026-Q3"
    assert set(Compliance.objects.filter(beneficiary=baby).values_list("kind", "value")) == {
        ("immunisation", 1), ("growth_checks", 1),
    }  # fmt: skip


def test_every_condition_missed_is_named_in_the_reason_and_the_message(district_a, officer):
    household = family(district_a, score=20, children=[(c.Sex.FEMALE, date(2026, 2, 1), False)])
    household.phone = "03001234567"
    household.save(update_fields=["phone"])
    baby = enrolled("nashonuma", household.members.get(relationship=c.Relationship.DAUGHTER))

    evaluate(officer, "2026-Q3", code="nashonuma")

    baby.refresh_from_db()
    assert (
        baby.status_reason
        == "Growth check-ups under 1 in 2026-Q3; Immunisation up to date under 1 in 2026-Q3"
    )
    missed = in_urdu((ConditionKind.GROWTH_CHECKS, 1), (ConditionKind.IMMUNISATION, 1))
    assert Message.objects.get().text == f"احساس: نشوونما کی ادائیگی معطل: 2026-Q3 میں {missed}۔"


def test_with_suspend_after_two_a_single_quarter_missed_does_not_suspend(pupil, officer):
    ConditionRule.objects.filter(programme__code="taleemi-wazaif").update(suspend_after=2)
    attended(pupil.member, "2026-Q2", 50)

    evaluate(officer, "2026-Q2")

    assert status_of(pupil) == BeneficiaryStatus.ACTIVE
    assert Compliance.objects.get(beneficiary=pupil, quarter="2026-Q2").missed_in_a_row == 1


def test_with_suspend_after_two_the_second_quarter_in_a_row_suspends(pupil, officer):
    ConditionRule.objects.filter(programme__code="taleemi-wazaif").update(suspend_after=2)
    attended(pupil.member, "2026-Q2", 50)
    attended(pupil.member, "2026-Q3", 55)
    evaluate(officer, "2026-Q2")

    evaluate(officer, "2026-Q3")

    assert status_of(pupil) == BeneficiaryStatus.SUSPENDED
    assert pupil.status_reason == "School attendance (%) under 70 in 2026-Q3, 2 quarters in a row"


def test_a_quarter_met_between_two_missed_starts_the_count_again(pupil, officer):
    ConditionRule.objects.filter(programme__code="taleemi-wazaif").update(suspend_after=2)
    for quarter, percent in (("2026-Q1", 50), ("2026-Q2", 90), ("2026-Q3", 50)):
        attended(pupil.member, quarter, percent)
        evaluate(officer, quarter)

    assert status_of(pupil) == BeneficiaryStatus.ACTIVE
    assert Compliance.objects.get(beneficiary=pupil, quarter="2026-Q3").missed_in_a_row == 1


def test_a_child_suspended_for_attendance_resumes_when_it_is_met_again(pupil, officer):
    attended(pupil.member, "2026-Q2", 40)
    evaluate(officer, "2026-Q2")
    attended(pupil.member, "2026-Q3", 88)

    evaluation = evaluate(officer, "2026-Q3")

    assert status_of(pupil) == BeneficiaryStatus.ACTIVE
    assert pupil.status_reason == "conditions met again in 2026-Q3"
    assert list(pupil.status_changes.values_list("to_status", flat=True)) == ["suspended", "active"]
    assert evaluation.resumed == 1
    assert [template for template, _event in told(pupil)] == ["condition_suspended", "condition_resumed"]
    resumed = Message.objects.get(template="condition_resumed")
    assert resumed.event.startswith("condition:taleemi-wazaif:2026-Q3:resumed:")
    assert resumed.text == "احساس: تعلیمی وظائف کی ادائیگی بحال، 2026-Q3 میں شرائط پوری ہو گئیں۔"


def test_a_suspension_made_by_hand_is_not_lifted_by_an_evaluation(pupil, officer):
    s.beneficiary_set_status(
        acting_user=officer, beneficiary=pupil, status="suspended", reason="Fraud inquiry"
    )
    attended(pupil.member, "2026-Q3", 100)

    evaluate(officer, "2026-Q3")

    assert status_of(pupil) == BeneficiaryStatus.SUSPENDED
    assert pupil.status_reason == "Fraud inquiry"


def test_a_child_still_under_the_minimum_stays_suspended_without_a_second_message(pupil, officer):
    attended(pupil.member, "2026-Q2", 40)
    attended(pupil.member, "2026-Q3", 45)
    evaluate(officer, "2026-Q2")

    evaluate(officer, "2026-Q3")

    assert status_of(pupil) == BeneficiaryStatus.SUSPENDED
    assert pupil.status_changes.count() == 1
    assert Message.objects.count() == 1


def test_evaluating_the_same_quarter_twice_changes_nothing(pupil, officer, second_officer):
    attended(pupil.member, "2026-Q3", 30)
    first = evaluate(officer, "2026-Q3")
    rows = list(Compliance.objects.values_list("id", "value", "met", "missed_in_a_row"))

    again = evaluate(second_officer, "2026-Q3")

    assert again.pk == first.pk
    assert (again.evaluated_by, again.evaluated_at, again.suspended) == (officer, first.evaluated_at, 1)
    assert list(Compliance.objects.values_list("id", "value", "met", "missed_in_a_row")) == rows
    assert BeneficiaryStatusChange.objects.count() == 1
    assert Message.objects.count() == 1


def test_a_corrected_attendance_evaluated_again_resumes_the_child(pupil, officer):
    attended(pupil.member, "2026-Q3", 30)
    evaluate(officer, "2026-Q3")
    attended(pupil.member, "2026-Q3", 80)  # the school corrects its figure

    evaluation = evaluate(officer, "2026-Q3")

    assert status_of(pupil) == BeneficiaryStatus.ACTIVE
    assert (evaluation.suspended, evaluation.resumed, evaluation.met) == (1, 1, 1)
    assert Compliance.objects.get(beneficiary=pupil).value == 80
    assert [template for template, _event in told(pupil)] == ["condition_suspended", "condition_resumed"]


def test_suspended_again_within_the_quarter_on_a_second_correction_the_child_is_told_again(pupil, officer):
    for percent in (30, 80, 50):  # the school's file, corrected twice
        attended(pupil.member, "2026-Q3", percent)
        evaluate(officer, "2026-Q3")

    assert status_of(pupil) == BeneficiaryStatus.SUSPENDED
    assert [template for template, _event in told(pupil)] == [
        "condition_suspended", "condition_resumed", "condition_suspended",
    ]  # fmt: skip
    assert len({event for _template, event in told(pupil)}) == 3


def test_exited_and_potential_beneficiaries_are_not_judged(pupil, officer, district_a):
    household = family(district_a, score=20, children=[(c.Sex.MALE, date(2016, 1, 1), True)])
    gone = enrolled(
        "taleemi-wazaif", household.members.get(relationship=c.Relationship.SON), BeneficiaryStatus.EXITED
    )
    attended(pupil.member, "2026-Q3", 90)

    evaluation = evaluate(officer, "2026-Q3")

    assert status_of(gone) == BeneficiaryStatus.EXITED
    assert evaluation.judged == 1


@pytest.mark.parametrize(
    ("quarter", "message"),
    [
        ("2026-Q4", "2026-Q4 has not ended yet"),
        ("2027-Q1", "2027-Q1 has not ended yet"),
        ("Q3 2026", "write the quarter as the year, a dash and Q1 to Q4"),
    ],
)
def test_a_quarter_not_ended_or_miswritten_is_refused(pupil, officer, quarter, message):
    with pytest.raises(ValidationError, match=message):
        evaluate(officer, quarter)
    assert not ConditionEvaluation.objects.exists()


def test_a_programme_without_conditions_is_not_evaluated(officer):
    with pytest.raises(ValidationError, match="has no conditions"):
        evaluate(officer, "2026-Q3", code="kafaalat")


def test_a_draft_programme_is_not_evaluated(pupil, officer):
    Programme.objects.filter(code="taleemi-wazaif").update(status="draft")
    with pytest.raises(ValidationError, match="this one is Draft"):
        evaluate(officer, "2026-Q3")


@pytest.mark.parametrize("role", ["administrator", "programme_officer"])
def test_administrators_and_programme_officers_evaluate(pupil, personas, role):
    assert evaluate(personas[role], "2026-Q3").judged == 1


@pytest.mark.parametrize(
    "role", ["registration_officer", "finance_officer", "me_analyst", "auditor", "partner"]
)
def test_others_do_not_evaluate(pupil, personas, role):
    with pytest.raises(PermissionDenied):
        evaluate(personas[role], "2026-Q3")
    assert status_of(pupil) == BeneficiaryStatus.ACTIVE


def test_a_household_served_as_a_whole_counts_the_visits_of_all_its_members(district_a, officer):
    programme = Programme.objects.create(
        code="family-health", name_en="Family health", name_ur="خاندانی صحت", unit="household",
        eligibility="pmt_score <= 30", frequency="quarterly", starts_on=date(2026, 1, 1), status="active",
    )  # fmt: skip
    ConditionRule.objects.create(programme=programme, kind="health_visits", minimum=2)
    both, one = family(district_a, score=20), family(district_a, score=20)
    for household in (both, one):
        Beneficiary.objects.create(programme=programme, household=household, status="active",
                                   status_since=timezone.now())  # fmt: skip
    for member in both.members.all():
        visited(member, HealthVisitKind.CHECK_UP, date(2026, 7, 9))
    visited(one.members.first(), HealthVisitKind.CHECK_UP, date(2026, 7, 9))

    evaluate(officer, "2026-Q3", code="family-health")

    assert Beneficiary.objects.get(household=both).status == BeneficiaryStatus.ACTIVE
    assert Beneficiary.objects.get(household=one).status == BeneficiaryStatus.SUSPENDED
    assert Compliance.objects.get(beneficiary__household=one).value == 1
