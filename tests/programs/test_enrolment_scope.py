"""Enrolment restricted to some households (as when a few households' data or scores change): only
their units are judged and only their beneficiaries join, leave or change amount; the programme's other
beneficiaries stay as they are, and hold their places in the quota and their share of the budget."""

from datetime import date

import pytest

from ehsaas.programs import services as s
from ehsaas.programs.choices import BeneficiaryStatus, ChangeKind
from ehsaas.programs.enrolment import enrolment_compute
from ehsaas.programs.models import Beneficiary, BenefitRule, EnrolmentChange, EnrolmentRun, Programme
from ehsaas.registry import choices as c
from ehsaas.registry.models import Member
from tests.programs.conftest import family, scored

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 1)


def kafaalat() -> Programme:
    return Programme.objects.get(code="kafaalat")


def computed(programme: Programme, user, households=None) -> EnrolmentRun:
    run = EnrolmentRun.objects.create(programme=programme, started_by=user)
    enrolment_compute(run, today=TODAY, households=households)
    run.refresh_from_db()
    return run


def confirmed(programme, officer, second_officer, households=None) -> EnrolmentRun:
    run = computed(programme, officer, households)
    s.enrolment_approve(acting_user=officer, run=run)
    return s.enrolment_confirm(acting_user=second_officer, run=run)


def changes(run) -> set[tuple[int, int | None, str]]:
    return set(EnrolmentChange.objects.filter(run=run).values_list("household_id", "member_id", "change"))


def wife(household):
    return household.members.get(relationship=c.Relationship.SPOUSE)


def joined(household) -> tuple[int, int, str]:
    return (household.pk, wife(household).pk, ChangeKind.JOIN)


def left(household) -> tuple[int, int, str]:
    return (household.pk, wife(household).pk, ChangeKind.LEAVE)


@pytest.fixture
def poor(district_a):
    """Two poor households, each with a wife who qualifies for Kafaalat."""
    return family(district_a, score=20), family(district_a, score=25)


def test_only_the_units_of_the_households_chosen_are_judged(poor, officer):
    first, _second = poor

    run = computed(kafaalat(), officer, households=[first.pk])

    assert changes(run) == {joined(first)}
    assert (run.units, run.eligible, run.joining) == (1, 1, 1)  # the wife of the first


def test_without_a_restriction_every_household_is_judged(poor, officer):
    first, second = poor

    run = computed(kafaalat(), officer)

    assert changes(run) == {joined(first), joined(second)}


def test_a_household_named_twice_or_not_in_the_registry_changes_nothing_more(poor, officer):
    first, second = poor

    run = computed(kafaalat(), officer, households=[first.pk, first.pk, second.pk + 1000])

    assert changes(run) == {joined(first)}
    assert run.units == 1


def test_an_empty_restriction_judges_nobody_and_everyone_stays(poor, officer, second_officer):
    confirmed(kafaalat(), officer, second_officer)

    run = computed(kafaalat(), officer, households=[])

    assert changes(run) == set()
    assert (run.units, run.joining, run.leaving, run.staying) == (0, 0, 0, 2)
    assert run.amount_per_payment == 2 * 13_500


def test_a_beneficiary_outside_the_restriction_stays_even_when_no_longer_eligible(
    poor, officer, second_officer
):
    first, second = poor
    confirmed(kafaalat(), officer, second_officer)
    scored(first, 60)
    scored(second, 60)

    run = computed(kafaalat(), officer, households=[first.pk])

    assert changes(run) == {left(first)}
    assert (run.leaving, run.staying, run.amount_per_payment) == (1, 1, 13_500)


def test_confirming_a_restricted_list_changes_only_the_households_chosen(poor, officer, second_officer):
    first, second = poor
    confirmed(kafaalat(), officer, second_officer)
    scored(first, 60)
    scored(second, 60)

    confirmed(kafaalat(), officer, second_officer, households=[first.pk])

    statuses = dict(Beneficiary.objects.values_list("household_id", "status"))
    assert statuses == {first.pk: BeneficiaryStatus.EXITED, second.pk: BeneficiaryStatus.ACTIVE}


def test_a_beneficiary_of_a_household_chosen_who_left_it_leaves_the_programme(poor, officer, second_officer):
    first, second = poor
    confirmed(kafaalat(), officer, second_officer)
    Member.objects.filter(pk=wife(first).pk).update(status=c.MemberStatus.REMOVED)

    run = computed(kafaalat(), officer, households=[first.pk, second.pk])

    leaving = EnrolmentChange.objects.get(run=run, change=ChangeKind.LEAVE)
    assert (leaving.household_id, leaving.amount) == (first.pk, 0)
    assert "no longer an active member" in leaving.reason
    assert (run.leaving, run.staying) == (1, 1)


def test_an_amount_changes_only_in_the_households_chosen(poor, officer, second_officer):
    _first, second = poor
    confirmed(kafaalat(), officer, second_officer)
    BenefitRule.objects.filter(programme=kafaalat()).update(amount=14_000)

    run = computed(kafaalat(), officer, households=[second.pk])

    change = EnrolmentChange.objects.get(run=run)
    assert (change.household_id, change.change, change.amount) == (second.pk, ChangeKind.AMOUNT, 14_000)
    assert run.amount_per_payment == 13_500 + 14_000  # the first keeps its amount until judged again


def test_beneficiaries_outside_the_restriction_hold_their_places_in_the_quota(
    poor, district_a, officer, second_officer
):
    first, second = poor
    confirmed(kafaalat(), officer, second_officer, households=[first.pk])
    poorest = family(district_a, score=5)
    programme = kafaalat()
    programme.quota = 2
    programme.save()

    run = computed(programme, officer, households=[second.pk, poorest.pk])

    assert changes(run) == {joined(poorest)}  # one place left beside the first; the poorer takes it
    assert (run.joining, run.over_limit, run.staying) == (1, 1, 1)


def test_beneficiaries_outside_the_restriction_keep_their_share_of_the_budget(poor, officer, second_officer):
    first, second = poor
    confirmed(kafaalat(), officer, second_officer, households=[first.pk])
    programme = kafaalat()
    programme.budget = 20_000  # the first's 13,500 leaves no room for another 13,500
    programme.save()

    run = computed(programme, officer, households=[second.pk])

    assert changes(run) == set()
    assert (run.joining, run.over_limit, run.amount_per_payment) == (0, 1, 13_500)
