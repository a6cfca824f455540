"""The unit frames enrolment judges: only the columns the rules read (and the keys), the household's
aggregates over all its active members whatever the units are, ages and school levels worked out from
the date of birth, every range of households read once, in order."""

from datetime import date

import pytest

from ehsaas.programs.choices import Unit
from ehsaas.programs.units import HOUSEHOLD_SCHEMA, MEMBER_SCHEMA, unit_frames, units_of_households
from ehsaas.registry import choices as c
from tests.programs.conftest import family

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 1)
KEYS = {"household_id", "member_id", "member_no", "pmt_score"}


def read(unit, **options):
    frames = list(unit_frames(unit, today=TODAY, **options))
    return frames[0] if len(frames) == 1 else frames


def test_a_frame_holds_only_the_columns_the_rules_read_and_the_keys(district_a):
    family(district_a, score=20)

    frame = read(Unit.WOMAN, fields={"relationship", "wealth_flagged"})

    assert set(frame.columns) == KEYS | {"relationship", "wealth_flagged"}
    assert frame.select("relationship", "wealth_flagged").rows() == [("spouse", False)]


def test_without_the_fields_named_a_frame_holds_every_column(district_a):
    family(district_a, score=20)

    assert set(read(Unit.WOMAN).columns) == set(HOUSEHOLD_SCHEMA) | set(MEMBER_SCHEMA)
    assert set(read(Unit.HOUSEHOLD).columns) == set(HOUSEHOLD_SCHEMA)


@pytest.mark.parametrize(
    "fields", [{"has_disabled_member"}, {"has_disabled_member", "household_size"}], ids=["alone", "with size"]
)
def test_a_household_has_a_disabled_member_when_one_who_is_not_a_unit_is(district_a, fields):
    disabled = family(district_a, score=20, disabled=True)  # the head, a man: not a woman unit
    other = family(district_a, score=20)

    frame = read(Unit.WOMAN, fields=fields)

    assert frame.select("household_id", "has_disabled_member").rows() == [
        (disabled.pk, True),
        (other.pk, False),
    ]
    assert set(frame.columns) == KEYS | fields


def test_a_household_counts_all_its_active_members_whatever_the_unit(district_a):
    household = family(district_a, score=20, children=[(c.Sex.FEMALE, date(2018, 5, 1), True)])
    household.members.filter(relationship=c.Relationship.HEAD).update(status=c.MemberStatus.DECEASED)

    frame = read(Unit.CHILD, fields={"household_size"})

    assert frame.select("household_size").rows() == [(2,)]


def test_a_school_level_is_worked_out_from_the_age_on_the_day(district_a):
    family(district_a, score=20, children=[
        (c.Sex.FEMALE, date(2018, 11, 2), True),  # 7 the day before her birthday: primary
        (c.Sex.MALE, date(2012, 11, 1), True),  # 14 that day: secondary
        (c.Sex.MALE, date(2015, 5, 1), False),  # not in school
    ])  # fmt: skip

    frame = read(Unit.CHILD, fields={"school_level"})

    assert frame.select("age", "school_level").rows() == [(7, "primary"), (14, "secondary"), (11, None)]


def test_every_range_of_households_is_read_once_in_order(district_a):
    households = [family(district_a, score=20).pk for _ in range(5)]

    frames = read(Unit.HOUSEHOLD, fields=set(), batch=2)

    assert [frame["household_id"].to_list() for frame in frames] == [
        households[:2],
        households[2:4],
        households[4:],
    ]


def test_a_frame_of_the_households_named_is_the_same_as_their_part_of_the_whole(district_a):
    chosen = [
        family(district_a, score=s, children=[(c.Sex.MALE, date(2016, 1, 1), True)]).pk for s in (20, 40)
    ]
    family(district_a, score=30)

    whole = read(Unit.PERSON)

    assert units_of_households(Unit.PERSON, chosen, today=TODAY).equals(
        whole.filter(whole["household_id"].is_in(chosen))
    )
