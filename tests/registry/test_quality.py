"""The data-quality flags shown on a household's page: questions for a person, each naming the member."""

from datetime import date

import pytest

from ehsaas.registry import choices as c
from ehsaas.registry.quality import age_on, household_flags
from tests.registry.factories import (
    HouseholdFactory,
    IdentifierFactory,
    MemberFactory,
    head_of,
    household_with_members,
    new_cnic,
)

pytestmark = pytest.mark.django_db
TODAY = date(2026, 6, 1)


def flags_of(household):
    members = list(household.members.prefetch_related("identifiers"))
    return household_flags(household=household, members=members, today=TODAY)


def codes_of(household) -> set[str]:
    return {flag.code for flag in flags_of(household)}


def member_in(household, **fields):
    return MemberFactory(household=household, **fields)


def test_a_well_recorded_household_has_no_flags():
    assert flags_of(household_with_members(5)) == []


def test_age_on_counts_whole_years_and_the_birthday_itself():
    assert age_on(date(2000, 6, 2), TODAY) == 25
    assert age_on(date(2000, 6, 1), TODAY) == 26


def test_a_household_without_a_head_is_flagged():
    household = HouseholdFactory()
    IdentifierFactory(member=member_in(household, relationship=c.Relationship.SPOUSE, sex="female"))
    assert codes_of(household) == {"no_head"}


def test_a_household_whose_members_all_left_is_flagged():
    household = household_with_members(1)
    household.members.update(status=c.MemberStatus.REMOVED)
    assert [flag.code for flag in flags_of(household)] == ["no_members"]


def test_a_member_without_an_id_is_flagged_by_name():
    household = household_with_members(2)
    member_in(household, full_name="Saima Noreen", sex="female", relationship=c.Relationship.DAUGHTER,
              date_of_birth=date(2000, 1, 1), marital_status=c.MaritalStatus.NEVER_MARRIED)  # fmt: skip
    [flag] = flags_of(household)
    assert flag.code == "no_id"
    assert "Saima Noreen" in flag.message


def test_a_cnic_whose_last_digit_does_not_match_the_sex_is_flagged():
    household = household_with_members(1)
    wife = member_in(household, full_name="Fatima Bibi", sex="female", relationship=c.Relationship.SPOUSE,
                     date_of_birth=date(1980, 1, 1))  # fmt: skip
    IdentifierFactory(member=wife, number=new_cnic(sex="male"))
    [flag] = flags_of(household)
    assert flag.code == "cnic_sex_digit"
    assert flag.message.startswith("Fatima Bibi: the last digit of the ID number is odd")
    assert flag.member_id == wife.pk


def test_a_cnic_whose_first_digit_is_no_province_is_flagged():
    household = household_with_members(1)
    head = head_of(household)
    head.identifiers.update(number="9" + head.identifiers.get().number[1:])
    assert codes_of(household) == {"cnic_province_digit"}


def test_an_adult_with_only_a_b_form_is_flagged():
    household = household_with_members(1)
    son = member_in(household, full_name="Bilal Ahmed", relationship=c.Relationship.SON,
                    date_of_birth=date(2004, 1, 1), marital_status=c.MaritalStatus.NEVER_MARRIED)  # fmt: skip
    IdentifierFactory(member=son, id_type=c.IdType.B_FORM)
    [flag] = flags_of(household)
    assert flag.code == "adult_b_form"
    assert flag.message == "Bilal Ahmed is 22 but has a B-form, not a CNIC."


def test_a_child_with_a_cnic_is_flagged():
    household = household_with_members(1)
    son = member_in(household, full_name="Ali Raza", relationship=c.Relationship.SON,
                    date_of_birth=date(2015, 1, 1), marital_status=c.MaritalStatus.NEVER_MARRIED)  # fmt: skip
    IdentifierFactory(member=son, id_type=c.IdType.CNIC)
    [flag] = flags_of(household)
    assert flag.code == "child_cnic"
    assert flag.message == "Ali Raza is 11, too young for a CNIC (issued from 18)."


def test_a_child_with_a_b_form_is_not_flagged():
    household = household_with_members(1)
    son = member_in(household, relationship=c.Relationship.SON, date_of_birth=date(2015, 1, 1),
                    marital_status=c.MaritalStatus.NEVER_MARRIED)  # fmt: skip
    IdentifierFactory(member=son, id_type=c.IdType.B_FORM)
    assert flags_of(household) == []


def test_a_son_older_than_the_head_is_flagged():
    household = household_with_members(1)
    son = member_in(household, full_name="Zahid Hussain", relationship=c.Relationship.SON,
                    date_of_birth=date(1970, 1, 1))  # fmt: skip
    IdentifierFactory(member=son)
    [flag] = flags_of(household)
    assert flag.code == "generation_order"
    assert "Zahid Hussain" in flag.message and head_of(household).full_name in flag.message


def test_a_daughter_born_when_the_head_was_nine_is_flagged():
    household = household_with_members(1)  # the head was born on 1 April 1975
    daughter = member_in(household, full_name="Sana Javed", sex="female", relationship=c.Relationship.DAUGHTER,
                         date_of_birth=date(1984, 6, 1))  # fmt: skip
    IdentifierFactory(member=daughter)
    assert codes_of(household) == {"generation_gap"}


def test_a_parent_younger_than_the_head_is_flagged():
    household = household_with_members(1)
    parent = member_in(household, relationship=c.Relationship.PARENT, date_of_birth=date(1990, 1, 1))
    IdentifierFactory(member=parent)
    assert codes_of(household) == {"generation_order"}


def test_a_grandchild_is_judged_only_by_being_younger_than_the_head():
    household = household_with_members(1)
    grandchild = member_in(household, relationship=c.Relationship.GRANDCHILD, date_of_birth=date(1980, 1, 1),
                           marital_status=c.MaritalStatus.NEVER_MARRIED)  # fmt: skip
    IdentifierFactory(member=grandchild)
    assert flags_of(household) == []


@pytest.mark.parametrize(("born", "flagged"), [(date(2010, 1, 1), True), (date(1970, 1, 1), True),
                                               (date(1995, 1, 1), False)])  # fmt: skip
def test_a_pregnancy_outside_ages_15_to_49_on_the_survey_day_is_flagged(born, flagged):
    household = household_with_members(1)  # surveyed on 1 March 2024
    woman = member_in(household, full_name="Rukhsana Kausar", sex="female", relationship=c.Relationship.SPOUSE,
                      date_of_birth=born, pregnant=True)  # fmt: skip
    IdentifierFactory(member=woman, id_type=c.IdType.CNIC if age_on(born, TODAY) >= 18 else c.IdType.B_FORM)
    flags = [flag for flag in flags_of(household) if flag.code == "pregnancy_age"]
    assert bool(flags) is flagged
    if flagged:
        assert flags[0].message.startswith("Rukhsana Kausar is recorded as pregnant at ")


def test_a_breastfeeding_man_is_flagged():
    household = household_with_members(1)
    household.members.filter(relationship=c.Relationship.HEAD).update(lactating=True)
    assert codes_of(household) == {"lactating_sex"}


def test_a_married_child_is_flagged():
    household = household_with_members(1)
    son = member_in(household, relationship=c.Relationship.SON, date_of_birth=date(2010, 1, 1),
                    marital_status=c.MaritalStatus.MARRIED)  # fmt: skip
    IdentifierFactory(member=son, id_type=c.IdType.B_FORM)
    assert codes_of(household) == {"married_child"}


def test_a_spouse_recorded_as_never_married_is_flagged():
    household = household_with_members(2)
    household.members.filter(relationship=c.Relationship.SPOUSE).update(
        marital_status=c.MaritalStatus.NEVER_MARRIED
    )
    assert codes_of(household) == {"spouse_never_married"}


def test_an_age_over_110_is_flagged():
    household = household_with_members(1)
    parent = member_in(household, relationship=c.Relationship.PARENT, date_of_birth=date(1900, 1, 1))
    IdentifierFactory(member=parent)
    assert codes_of(household) == {"implausible_age"}


def test_removed_and_deceased_members_are_not_flagged():
    household = household_with_members(1)
    member_in(household, relationship=c.Relationship.SON, status=c.MemberStatus.DECEASED)  # no ID
    member_in(household, relationship=c.Relationship.SON, status=c.MemberStatus.REMOVED)  # no ID
    assert flags_of(household) == []


def test_an_identifier_no_longer_active_does_not_count_as_an_id():
    household = household_with_members(1)
    head_of(household).identifiers.update(active=False)
    assert codes_of(household) == {"no_id"}
