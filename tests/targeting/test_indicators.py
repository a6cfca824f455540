"""The indicator catalogue: every indicator the issue lists, a label for each, and values computed the
same way from the registry (members aggregated by the database) and from survey files."""

from datetime import date

import polars as pl
import pytest

from ehsaas.registry import choices as c
from ehsaas.targeting.indicators import INDICATOR_CODES, INDICATORS, indicator_frame
from ehsaas.targeting.traits import registry_trait_batches, survey_traits
from tests.registry.records import make_household, make_member

pytestmark = pytest.mark.django_db


def test_the_catalogue_covers_every_trait_the_issue_lists():
    expected = {"household_size", "dependency_ratio", "rooms_per_person", "head_matric", "share_in_school",
                "walls_pakka", "tenure_rented", "toilet_flush", "water_piped", "cooking_fuel_gas",
                "electricity", "cattle", "buffalo", "goats", "sheep", "land", "region_sd_urban"}  # fmt: skip
    expected |= {f"asset_{a}" for a in c.ASSET_FIELDS}
    assert expected <= set(INDICATOR_CODES)
    assert all(str(indicator.label) for indicator in INDICATORS.values())


def _family(district):
    """A household surveyed on 1 March 2024: a head with matric, his wife, a girl of 10 in school, a boy
    of 12 out of school, a baby, and a grandmother of 70, in four rooms, with a refrigerator and land."""
    household = make_household(
        district, area="urban", rooms=3, walls=c.Walls.PAKKA, toilet=c.Toilet.FLUSH, water=c.Water.PIPED,
        cooking_fuel=c.CookingFuel.GAS, refrigerator=True, land_acres=3, cattle=2, survey_date=date(2024, 3, 1),
    )  # fmt: skip
    make_member(household, "Muhammad Aslam", relationship=c.Relationship.HEAD, date_of_birth=date(1980, 1, 1),
                education=c.Education.MATRIC)  # fmt: skip
    make_member(household, "Nasreen Bibi", relationship=c.Relationship.SPOUSE, sex=c.Sex.FEMALE,
                date_of_birth=date(1984, 1, 1))  # fmt: skip
    make_member(household, "Ayesha", relationship=c.Relationship.DAUGHTER, sex=c.Sex.FEMALE,
                date_of_birth=date(2013, 6, 1), in_school=True)  # fmt: skip
    make_member(household, "Bilal", date_of_birth=date(2011, 6, 1), in_school=False)
    make_member(household, "Baby", date_of_birth=date(2023, 6, 1))
    make_member(household, "Grandmother", relationship=c.Relationship.PARENT, sex=c.Sex.FEMALE,
                date_of_birth=date(1954, 1, 1))  # fmt: skip
    make_member(household, "Moved away", date_of_birth=date(1990, 1, 1), status=c.MemberStatus.REMOVED)
    return household


def test_indicator_values_of_a_hand_made_household(district_a):
    household = _family(district_a)
    traits = next(registry_trait_batches(household_ids=[household.pk]))
    values = indicator_frame(traits, INDICATOR_CODES).row(0, named=True)
    assert values["household_size"] == 6  # the removed member does not count
    assert values["dependency_ratio"] == pytest.approx(4 / 6)  # three children and a grandmother
    assert values["rooms_per_person"] == pytest.approx(3 / 6)
    assert values["share_in_school"] == pytest.approx(1 / 2)  # of the two aged 5–16
    assert values["head_matric"] == 1 and values["head_primary"] == 0
    assert values["walls_pakka"] == values["toilet_flush"] == values["water_piped"] == 1
    assert values["cooking_fuel_gas"] == 1 and values["cooking_fuel_wood"] == 0
    assert values["asset_refrigerator"] == 1 and values["asset_car"] == 0
    assert values["cattle"] == 2
    assert values["land"] == pytest.approx(1.3862944)  # log(1 + 3)
    region = f"region_{district_a.province.code[3:].lower()}_urban"
    assert values.get(region, 0) == (1 if region in INDICATORS else 0)


def test_a_household_without_active_members_has_no_traits(district_a):
    household = make_household(district_a)
    make_member(household, "Gone", relationship=c.Relationship.HEAD, status=c.MemberStatus.REMOVED)
    assert list(registry_trait_batches(household_ids=[household.pk])) == []


def test_reading_by_id_ranges_covers_every_active_household_once(district_a):
    households = [_family(district_a) for _ in range(5)]
    batches = list(registry_trait_batches(batch=2))
    ids = pl.concat(batches)["household_id"].to_list()
    assert ids == [h.pk for h in households]


def test_survey_files_give_the_same_indicators_as_the_registry(tmp_path, district_a):
    household = _family(district_a)
    from_registry = indicator_frame(
        next(registry_trait_batches(household_ids=[household.pk])), INDICATOR_CODES
    )
    columns = ["household_ref", "province", "area", "rooms", "tenure", "walls", "toilet", "water", "cooking_fuel",
               "electricity", *c.ASSET_FIELDS, *c.LIVESTOCK_FIELDS, "land_acres", "survey_date"]  # fmt: skip

    def cell(value):
        return ("yes" if value else "no") if isinstance(value, bool) else str(value)

    row = {
        name: cell(getattr(household, name)) for name in columns if name not in ("province", "household_ref")
    }
    row |= {"household_ref": household.household_ref, "province": household.province.code,
            "monthly_consumption": "60000"}  # fmt: skip
    (tmp_path / "households.csv").write_text(",".join(row) + "\n" + ",".join(row.values()) + "\n")
    people = ["household_ref,date_of_birth,relationship,education,in_school"] + [
        f"{household.household_ref},{m.date_of_birth},{m.relationship},{m.education},{'yes' if m.in_school else 'no'}"
        for m in household.members.filter(status=c.MemberStatus.ACTIVE)
    ]
    (tmp_path / "members.csv").write_text("\n".join(people) + "\n")
    traits = survey_traits(tmp_path / "households.csv", tmp_path / "members.csv")
    assert traits["monthly_consumption"].to_list() == [60000.0]
    assert indicator_frame(traits, INDICATOR_CODES).row(0) == pytest.approx(from_registry.row(0))
