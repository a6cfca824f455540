"""The synthetic population generator: the data contract, its consistency rules, and its realism."""

import csv
import re
from collections import Counter, defaultdict
from datetime import date

import numpy as np
import pytest
from django.core.management import CommandError, call_command

from ehsaas.core.choices import AreaType
from ehsaas.registry import choices as c
from ehsaas.registry.population import ids, writer
from ehsaas.registry.population.geography import load_geography

# A small geography in the shipped files' format: rich and poor districts of every province, one
# district (Islamabad) without tehsils.
DISTRICTS = """code,province_code,division_code,name_en,name_ur,latitude,longitude
PB-LHR,PK-PB,PB-D1,Lahore,لاہور,31.52040,74.35870
PB-MZG,PK-PB,PB-D2,Muzaffargarh,مظفرگڑھ,30.07360,71.18050
PB-RJP,PK-PB,PB-D2,Rajanpur,راجن پور,29.10440,70.33010
SD-KHC,PK-SD,SD-D1,Karachi Central,کراچی وسطی,24.92700,67.04000
SD-THR,PK-SD,SD-D2,Tharparkar,تھرپارکر,24.74000,70.18000
KP-PSH,PK-KP,KP-D1,Peshawar,پشاور,34.01510,71.52490
KP-BJR,PK-KP,KP-D2,Bajaur,باجوڑ,34.73000,71.51000
BA-QTA,PK-BA,BA-D1,Quetta,کوئٹہ,30.17980,66.97500
BA-AWR,PK-BA,BA-D2,Awaran,آواران,26.45600,65.23140
IS-ISB,PK-IS,IS-D1,Islamabad,اسلام آباد,33.68440,73.04790
GB-GLT,PK-GB,GB-D1,Gilgit,گلگت,35.92080,74.31440
JK-MZD,PK-JK,JK-D1,Muzaffarabad,مظفرآباد,34.37000,73.47110
"""
TEHSILS = """code,district_code,name_en,name_ur
PB-LHR-1,PB-LHR,Lahore City,لاہور شہر
PB-LHR-2,PB-LHR,Raiwind,رائے ونڈ
PB-MZG-1,PB-MZG,Alipur,علی پور
PB-RJP-1,PB-RJP,Jampur,جام پور
SD-KHC-1,SD-KHC,Gulberg,گلبرگ
SD-THR-1,SD-THR,Mithi,مٹھی
KP-PSH-1,KP-PSH,Peshawar City,پشاور شہر
KP-BJR-1,KP-BJR,Khar,خار
BA-QTA-1,BA-QTA,Quetta City,کوئٹہ شہر
BA-AWR-1,BA-AWR,Jhal Jhao,جھل جھاؤ
GB-GLT-1,GB-GLT,Danyore,دنیور
JK-MZD-1,JK-MZD,Pattika,پٹیکا
"""

HOUSEHOLD_COLUMNS = [
    "household_ref", "province", "district", "tehsil", "area", "address", "latitude", "longitude",
    "survey_date", "enumerator", "phone", "rooms", "tenure", "walls", "toilet", "water", "cooking_fuel",
    "electricity", "refrigerator", "freezer", "air_conditioner", "air_cooler", "washing_machine",
    "television", "computer", "cooking_range", "heater", "motorcycle", "car", "tractor", "cattle", "buffalo",
    "goats", "sheep", "land_acres", "monthly_consumption",
]  # fmt: skip
MEMBER_COLUMNS = [
    "household_ref", "member_no", "id_type", "id_number", "full_name", "sex", "date_of_birth", "relationship",
    "marital_status", "education", "in_school", "occupation", "disability", "pregnant", "lactating", "phone",
]  # fmt: skip
PROVINCE_DIGIT = {
    "PK-KP": "1",
    "PK-PB": "3",
    "PK-SD": "4",
    "PK-BA": "5",
    "PK-IS": "6",
    "PK-GB": "7",
    "PK-JK": "8",
}
YES_NO = {"yes", "no"}
HOUSEHOLDS = 3000
EDUCATION_ORDER = [e.value for e in c.Education]


@pytest.fixture(scope="module")
def geo_dir(tmp_path_factory):
    directory = tmp_path_factory.mktemp("geography")
    (directory / "districts.csv").write_text(DISTRICTS, encoding="utf-8")
    (directory / "tehsils.csv").write_text(TEHSILS, encoding="utf-8")
    return directory


def generate(out, geo_dir, *, households=HOUSEHOLDS, seed=7):
    return writer.generate_population(households=households, seed=seed, out=out, data_dir=geo_dir)


def read(path):
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def population(tmp_path_factory, geo_dir):
    out = tmp_path_factory.mktemp("population")
    generate(out, geo_dir)
    households = read(out / "households.csv")
    members = read(out / "members.csv")
    by_household = defaultdict(list)
    for member in members:
        by_household[member["household_ref"]].append(member)
    return {"dir": out, "households": households, "members": members, "by_household": by_household}


def age_at(born: str, day: str) -> int:
    b, d = date.fromisoformat(born), date.fromisoformat(day)
    return d.year - b.year - ((d.month, d.day) < (b.month, b.day))


def test_the_same_seed_gives_byte_identical_files(tmp_path, geo_dir):
    generate(tmp_path / "a", geo_dir, households=500, seed=3)
    generate(tmp_path / "b", geo_dir, households=500, seed=3)
    for name in ("households.csv", "members.csv"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def test_another_seed_gives_other_files(tmp_path, geo_dir):
    generate(tmp_path / "a", geo_dir, households=500, seed=3)
    generate(tmp_path / "b", geo_dir, households=500, seed=4)
    for name in ("households.csv", "members.csv"):
        assert (tmp_path / "a" / name).read_bytes() != (tmp_path / "b" / name).read_bytes()


def test_the_files_have_every_column_of_the_contract_in_a_header_row(population):
    with (population["dir"] / "households.csv").open(encoding="utf-8") as handle:
        assert next(csv.reader(handle)) == HOUSEHOLD_COLUMNS
    with (population["dir"] / "members.csv").open(encoding="utf-8") as handle:
        assert next(csv.reader(handle)) == MEMBER_COLUMNS
    assert len(population["households"]) == HOUSEHOLDS


def test_household_values_are_within_the_contracts_vocabularies(population, geo_dir):
    districts = {row["name_en"]: row for row in read(geo_dir / "districts.csv")}
    for row in population["households"]:
        assert row["district"] in districts and row["province"] == districts[row["district"]]["province_code"]
        assert row["area"] in AreaType.values
        assert row["tenure"] in c.Tenure.values and row["walls"] in c.Walls.values
        assert row["toilet"] in c.Toilet.values and row["water"] in c.Water.values
        assert row["cooking_fuel"] in c.CookingFuel.values
        assert {row[name] for name in ("electricity", *c.ASSET_FIELDS)} <= YES_NO
        assert all(int(row[name]) >= 0 for name in c.LIVESTOCK_FIELDS)
        assert int(row["rooms"]) >= 1 and float(row["land_acres"]) >= 0
        assert (
            re.fullmatch(r"\d+(\.\d{1,2})?", row["monthly_consumption"])
            and float(row["monthly_consumption"]) > 0
        )
        assert re.fullmatch(r"(03\d{9})?", row["phone"])
        assert date(2022, 1, 1) <= date.fromisoformat(row["survey_date"]) <= date(2026, 12, 31)
        assert row["enumerator"] and row["address"]


def test_member_values_are_within_the_contracts_vocabularies(population):
    disabilities = set(c.Disability.values)
    for row in population["members"]:
        assert row["id_type"] in c.IdType.values and row["sex"] in c.Sex.values
        assert row["relationship"] in c.Relationship.values
        assert row["marital_status"] in c.MaritalStatus.values
        assert row["education"] in c.Education.values and row["occupation"] in c.Occupation.values
        assert {row["in_school"], row["pregnant"], row["lactating"]} <= YES_NO
        assert row["disability"] == "none" or set(row["disability"].split(";")) <= disabilities
        assert re.fullmatch(r"(03\d{9})?", row["phone"]) and row["full_name"].strip()
        date.fromisoformat(row["date_of_birth"])


def test_each_household_has_exactly_one_head_and_members_numbered_from_one(population):
    refs = [row["household_ref"] for row in population["households"]]
    assert len(set(refs)) == len(refs) and refs[0] == "HH00000001"
    for ref in refs:
        people = population["by_household"][ref]
        assert [p["relationship"] for p in people].count("head") == 1
        assert [int(p["member_no"]) for p in people] == list(range(1, len(people) + 1))


def test_id_numbers_are_unique_13_digits_with_the_province_first_and_the_sex_last(population):
    province = {row["household_ref"]: row["province"] for row in population["households"]}
    numbers = [row["id_number"] for row in population["members"] if row["id_type"] != "none"]
    assert len(numbers) == len(set(numbers)) > 10_000
    for row in population["members"]:
        if row["id_type"] == "none":
            assert row["id_number"] == ""
            continue
        number = row["id_number"]
        assert re.fullmatch(r"\d{13}", number)
        assert number[0] == PROVINCE_DIGIT[province[row["household_ref"]]]
        assert int(number[-1]) % 2 == (0 if row["sex"] == "female" else 1)


def test_adults_hold_a_cnic_and_children_a_b_form_or_nothing(population):
    survey = {row["household_ref"]: row["survey_date"] for row in population["households"]}
    kinds = Counter()
    for row in population["members"]:
        adult = age_at(row["date_of_birth"], survey[row["household_ref"]]) >= 18
        assert (row["id_type"] == "cnic") == adult
        kinds[row["id_type"]] += 1
    assert kinds["b_form"] > kinds["none"] > 0


def test_the_identity_numbers_scramble_is_a_bijection_even_for_millions_of_households():
    keys = ids.round_keys(11)
    counters = np.random.default_rng(0).integers(0, ids.MIDDLE_SPAN, 200_000)
    scrambled = ids.scramble(counters, keys)
    assert scrambled.max() < ids.MIDDLE_SPAN
    assert (ids.unscramble(scrambled, keys) == counters).all()
    # The last members of a ten-million-household run and the first ones still differ.
    last = np.arange(10_000_000 * ids.SLOTS_PER_HOUSEHOLD - 1000, 10_000_000 * ids.SLOTS_PER_HOUSEHOLD)
    numbers = ids.id_numbers(
        np.concatenate([np.arange(1000), last]),
        keys=keys,
        province_digit=np.full(2000, 3),
        female=np.zeros(2000, bool),
    )
    assert len(set(numbers.tolist())) == 2000


def test_only_women_of_15_to_49_are_pregnant_or_breastfeeding(population):
    survey = {row["household_ref"]: row["survey_date"] for row in population["households"]}
    pregnant = 0
    for row in population["members"]:
        if "yes" in (row["pregnant"], row["lactating"]):
            assert row["sex"] == "female"
            assert 15 <= age_at(row["date_of_birth"], survey[row["household_ref"]]) <= 49
            pregnant += row["pregnant"] == "yes"
    assert pregnant > 0


def test_a_mother_is_at_least_fifteen_years_older_than_her_children(population):
    for people in population["by_household"].values():
        head = people[0]
        mother = (
            head
            if head["sex"] == "female"
            else next((p for p in people if p["relationship"] == "spouse"), None)
        )
        for child in (p for p in people if p["relationship"] in ("son", "daughter")):
            for parent in filter(None, (head, mother)):
                assert age_at(parent["date_of_birth"], child["date_of_birth"]) >= 15
        for parent in (p for p in people if p["relationship"] == "parent"):
            assert age_at(parent["date_of_birth"], head["date_of_birth"]) >= 15


def test_education_schooling_and_occupation_follow_age_and_sex(population):
    survey = {row["household_ref"]: row["survey_date"] for row in population["households"]}
    ages_in_school = Counter()
    for row in population["members"]:
        age = age_at(row["date_of_birth"], survey[row["household_ref"]])
        level = EDUCATION_ORDER.index(row["education"])
        assert age >= 9 or level == 0
        assert age >= 19 or level <= EDUCATION_ORDER.index("intermediate")
        if age < 10:
            assert row["occupation"] in ("student", "other")
        if row["sex"] == "male":
            assert row["occupation"] != "homemaker"
        if row["in_school"] == "yes":
            ages_in_school["5-16" if 5 <= age <= 16 else "other"] += 1
            assert row["occupation"] == "student"
    assert ages_in_school["5-16"] > 4 * ages_in_school["other"]


def test_households_are_realistic_in_size_composition_and_disability(population):
    sizes = np.array([len(people) for people in population["by_household"].values()])
    assert 5.6 < sizes.mean() < 6.8 and sizes.min() == 1 and sizes.max() >= 13
    relationships = Counter(row["relationship"] for row in population["members"])
    assert {"parent", "sibling", "grandchild", "other_relative"} <= set(relationships)
    disabled = [row["disability"] for row in population["members"] if row["disability"] != "none"]
    assert 0.01 < len(disabled) / len(population["members"]) < 0.06
    assert any(";" in entry for entry in disabled)


def test_names_are_in_urdu_for_about_three_households_in_ten_and_spelt_in_several_ways(population):
    heads = [people[0]["full_name"] for people in population["by_household"].values()]
    urdu = sum(bool(re.search(r"[\u0600-\u06ff]", name)) for name in heads) / len(heads)
    assert 0.22 < urdu < 0.38
    spellings = {word for row in population["members"] for word in row["full_name"].split()}
    assert {"Muhammad", "Mohammad", "Muhammed", "محمد"} <= spellings


def test_households_are_placed_in_their_district_and_tehsil(population, geo_dir):
    districts = {row["name_en"]: row for row in read(geo_dir / "districts.csv")}
    tehsils = {(row["district_code"], row["name_en"]) for row in read(geo_dir / "tehsils.csv")}
    seen = Counter()
    for row in population["households"]:
        district = districts[row["district"]]
        if row["district"] == "Islamabad":
            assert row["tehsil"] == ""
        else:
            assert (district["code"], row["tehsil"]) in tehsils
        assert abs(float(row["latitude"]) - float(district["latitude"])) < 1
        assert abs(float(row["longitude"]) - float(district["longitude"])) < 1
        seen[row["district"]] += 1
    assert set(seen) == set(districts)
    assert seen["Lahore"] > seen["Awaran"]  # spread by population


def per_capita(population, district):
    return np.median(
        [
            float(row["monthly_consumption"]) / len(population["by_household"][row["household_ref"]])
            for row in population["households"]
            if row["district"] == district
        ]
    )


def test_consumption_is_lower_in_poor_districts_than_in_islamabad(population):
    assert per_capita(population, "Awaran") < 0.7 * per_capita(population, "Islamabad")
    assert per_capita(population, "Tharparkar") < 0.7 * per_capita(population, "Lahore")


def test_a_proxy_means_test_on_a_handful_of_traits_explains_over_a_third_of_consumption(population):
    rows = population["households"]
    heads = {ref: people[0] for ref, people in population["by_household"].items()}
    size = np.array([len(population["by_household"][row["household_ref"]]) for row in rows], float)
    y = np.log(np.array([float(row["monthly_consumption"]) for row in rows]) / size)

    def flag(name, *values):
        return np.array([row[name] in values for row in rows], float)

    X = np.column_stack([
        np.ones(len(rows)),
        np.log(size),
        np.array([int(row["rooms"]) for row in rows]) / size,
        flag("walls", "pakka"),
        flag("toilet", "flush"),
        flag("cooking_fuel", "gas", "lpg"),
        flag("refrigerator", "yes"),
        flag("motorcycle", "yes"),
        flag("area", "urban"),
        [EDUCATION_ORDER.index(heads[row["household_ref"]]["education"]) for row in rows],
    ])  # fmt: skip
    beta, *_ = np.linalg.lstsq(X, y, rcond=None)
    r_squared = 1 - ((y - X @ beta) ** 2).sum() / ((y - y.mean()) ** 2).sum()
    assert r_squared > 0.35


def test_batches_follow_one_another_without_gaps(tmp_path, geo_dir, monkeypatch):
    monkeypatch.setattr(writer, "BATCH_SIZE", 7)
    summary = generate(tmp_path, geo_dir, households=20)
    refs = [row["household_ref"] for row in read(tmp_path / "households.csv")]
    assert refs == [f"HH{number:08d}" for number in range(1, 21)]
    assert summary.members == len(read(tmp_path / "members.csv"))
    assert not list(tmp_path.glob("*.partial"))


def test_the_shipped_geography_places_households_in_every_province(tmp_path):
    geo = load_geography()
    assert geo.size > 100
    generate(tmp_path, None, households=2000)
    provinces = {row["province"] for row in read(tmp_path / "households.csv")}
    assert provinces == set(PROVINCE_DIGIT)


def test_the_command_writes_both_files_and_says_how_many(tmp_path, geo_dir, capsys):
    call_command(
        "generate-population", "--households", "40", "--seed", "2", "--out", tmp_path, "--data-dir", geo_dir
    )
    output = capsys.readouterr().out
    assert "Wrote 40 households and" in output
    assert len(read(tmp_path / "households.csv")) == 40


def test_the_command_refuses_a_negative_number_of_households(tmp_path):
    with pytest.raises(CommandError, match="must be a whole number, 0 or more"):
        call_command("generate-population", "--households", "-5", "--out", tmp_path)


def test_the_command_names_a_missing_geography_file(tmp_path):
    with pytest.raises(CommandError, match=re.escape("districts.csv: no such file")):
        call_command(
            "generate-population", "--households", "5", "--out", tmp_path / "out", "--data-dir", tmp_path
        )
