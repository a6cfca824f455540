"""Enrolment SMS: confirming a list tells each joiner, in the confirmation's transaction, that they are in
the programme, once, at their own phone or else their household's, in Urdu (the registry records no
language); leavers, those who stay and those without a mobile number are not told; one who left and
qualifies again is told again; two joiners reached at one phone are told once."""

from datetime import date

import pytest
from django.db import transaction

from ehsaas.messaging.models import Message
from ehsaas.programs import services as s
from ehsaas.programs.choices import BeneficiaryStatus
from ehsaas.programs.enrolment import enrolment_compute
from ehsaas.programs.models import Beneficiary, EnrolmentRun, Programme
from ehsaas.registry import choices as c
from tests.programs.conftest import family, scored

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 1)
WELCOME_UR = "احساس: آپ کفالت میں شامل ہیں۔ رقم تیار ہونے پر SMS آئے گا۔"


def approved(code: str, officer) -> EnrolmentRun:
    run = EnrolmentRun.objects.create(programme=Programme.objects.get(code=code), started_by=officer)
    enrolment_compute(run, today=TODAY)
    return s.enrolment_approve(acting_user=officer, run=run)


def confirmed(officer, second_officer, code: str = "kafaalat") -> EnrolmentRun:
    return s.enrolment_confirm(acting_user=second_officer, run=approved(code, officer))


def wife(household):
    return household.members.get(relationship=c.Relationship.SPOUSE)


def with_phone(household, phone: str):
    household.phone = phone
    household.save(update_fields=["phone"])
    return household


@pytest.fixture
def poor(district_a):
    """A household Kafaalat takes (its wife joins), its phone on record."""
    return with_phone(family(district_a, score=20), "0300-1234567")


def test_each_joiner_is_told_once_in_urdu_at_the_household_s_phone(poor, district_a, officer, second_officer):
    with_phone(family(district_a, score=10), "+92 345 7654321")

    run = confirmed(officer, second_officer)

    messages = Message.objects.order_by("phone")
    assert [(m.phone, m.language, m.template, m.event) for m in messages] == [
        ("923001234567", "ur", "enrolment", f"enrolment:kafaalat:{run.pk}"),
        ("923457654321", "ur", "enrolment", f"enrolment:kafaalat:{run.pk}"),
    ]
    assert {m.text for m in messages} == {WELCOME_UR}


def test_the_joiner_s_own_phone_is_told_rather_than_the_household_s(poor, officer, second_officer):
    member = wife(poor)
    member.phone = "0321-1112223"
    member.save(update_fields=["phone"])

    confirmed(officer, second_officer)

    assert list(Message.objects.values_list("phone", flat=True)) == ["923211112223"]


def test_a_joiner_without_a_mobile_number_joins_and_nobody_is_told(district_a, officer, second_officer):
    household = with_phone(family(district_a, score=20), "042-35761234")  # a landline

    run = confirmed(officer, second_officer)

    assert Beneficiary.objects.get(member=wife(household)).status == BeneficiaryStatus.ACTIVE
    assert run.joining == 1
    assert not Message.objects.exists()


def test_those_who_stay_and_those_who_leave_are_not_told(poor, district_a, officer, second_officer):
    leaving = with_phone(family(district_a, score=25), "0333-5556667")
    confirmed(officer, second_officer)
    scored(leaving, 70)

    run = confirmed(officer, second_officer)

    assert run.leaving == 1 and run.staying == 1
    assert Beneficiary.objects.get(member=wife(leaving)).status == BeneficiaryStatus.EXITED
    assert not Message.objects.filter(event=f"enrolment:kafaalat:{run.pk}").exists()
    assert Message.objects.count() == 2  # the first run's two welcomes, and nothing since


def test_one_who_left_and_qualifies_again_is_told_again(poor, officer, second_officer):
    first = confirmed(officer, second_officer)
    scored(poor, 60)
    confirmed(officer, second_officer)
    scored(poor, 20)

    again = confirmed(officer, second_officer)

    assert list(Message.objects.order_by("id").values_list("event", flat=True)) == [
        f"enrolment:kafaalat:{first.pk}", f"enrolment:kafaalat:{again.pk}",
    ]  # fmt: skip


def test_two_children_joining_at_their_household_s_phone_are_told_once(district_a, officer, second_officer):
    with_phone(family(district_a, score=20, children=[
        (c.Sex.FEMALE, date(2018, 5, 1), True), (c.Sex.MALE, date(2013, 5, 1), True),
    ]), "0300-1234567")  # fmt: skip
    confirmed(officer, second_officer)  # stipends go to children of Kafaalat families

    run = confirmed(officer, second_officer, code="taleemi-wazaif")

    assert run.joining == 2
    told = Message.objects.get(event=f"enrolment:taleemi-wazaif:{run.pk}")
    assert told.phone == "923001234567"
    assert told.text == "احساس: آپ تعلیمی وظائف میں شامل ہیں۔ رقم تیار ہونے پر SMS آئے گا۔"


def test_one_made_a_beneficiary_while_the_list_waited_is_not_told_by_it(poor, officer, second_officer):
    run = approved("kafaalat", officer)
    Beneficiary.objects.create(
        programme=run.programme, household=poor, member=wife(poor), status=BeneficiaryStatus.ACTIVE,
        status_since=run.computed_at,
    )  # fmt: skip

    s.enrolment_confirm(acting_user=second_officer, run=run)

    assert not Message.objects.exists()


def test_a_confirmation_that_rolls_back_tells_nobody(poor, officer, second_officer):
    run = approved("kafaalat", officer)

    with pytest.raises(RuntimeError), transaction.atomic():
        s.enrolment_confirm(acting_user=second_officer, run=run)
        assert Message.objects.count() == 1  # queued in the confirmation's transaction
        raise RuntimeError("the caller's transaction fails after the confirmation")

    assert not Message.objects.exists()
    assert not Beneficiary.objects.exists()
