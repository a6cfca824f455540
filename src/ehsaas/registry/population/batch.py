"""One batch of synthetic households and their members, drawn as columns of CSV rows.

A batch depends only on the seed, its number and the geography: its random generator is seeded with
(seed, batch number) and identity numbers come from the households' global numbers. A batch can
therefore be drawn on its own (in any order, or in another process) and the files stay the same byte
for byte.
"""

from datetime import date

import numpy as np

from ehsaas.registry.choices import ASSET_FIELDS, LIVESTOCK_FIELDS
from ehsaas.registry.population import households as hh_draw
from ehsaas.registry.population import members as people
from ehsaas.registry.population import names, traits
from ehsaas.registry.population.geography import PROVINCES, Geography
from ehsaas.registry.population.ids import SLOTS_PER_HOUSEHOLD, id_numbers, phone_numbers, round_keys

BATCH_SIZE = 10_000  # part of the output's definition: changing it changes the files

HOUSEHOLD_COLUMNS = (
    "household_ref", "province", "district", "tehsil", "area", "address", "latitude", "longitude",
    "survey_date", "enumerator", "phone", "rooms", "tenure", "walls", "toilet", "water", "cooking_fuel",
    "electricity", *ASSET_FIELDS, *LIVESTOCK_FIELDS, "land_acres", "monthly_consumption",
)  # fmt: skip
MEMBER_COLUMNS = (
    "household_ref", "member_no", "id_type", "id_number", "full_name", "sex", "date_of_birth",
    "relationship", "marital_status", "education", "in_school", "occupation", "disability", "pregnant",
    "lactating", "phone",
)  # fmt: skip

URDU_SHARE = 0.3  # households whose names the enumerator wrote in Urdu script
# Surveys fall in a fixed window, not "the last three years from today": the same seed must give the
# same files on any day.
SURVEY_FIRST_DAY = date(2023, 1, 1)
SURVEY_DAYS = 3 * 365
_EPOCH = np.datetime64("1900-01-01")
_DAY_TEXT = np.datetime_as_string(np.arange(_EPOCH, np.datetime64("2031-01-01")), unit="D").astype(object)
_SURVEY_OFFSET = int((np.datetime64(SURVEY_FIRST_DAY) - _EPOCH).astype(int))
_YES_NO = np.array(["no", "yes"], dtype=object)
_ID_TYPES = np.array(["none", "b_form", "cnic"], dtype=object)
_SEX = np.array(["male", "female"], dtype=object)
_AREA = np.array(["rural", "urban"], dtype=object)


def _text(values: np.ndarray, prefix: str = "") -> np.ndarray:
    return np.array([f"{prefix}{value}" for value in values.tolist()], dtype=object)


def _names(rng: np.random.Generator, hh: dict, m: dict) -> np.ndarray:
    """Full names: men often with a leading Muhammad and the family name; women with their own name
    and Bibi, Begum, the family name, or nothing more."""
    n = len(m["age"])
    urdu = hh["urdu"][m["household"]]
    female, male = m["female"], ~m["female"]
    band = np.searchsorted(names.AGE_BANDS, m["age"], side="right")  # 0 young, 1 middle, 2 old
    given = np.empty(n, dtype=object)
    for is_female, table, era in (
        (False, names.MALE_NAMES, names.MALE_ERA),
        (True, names.FEMALE_NAMES, names.FEMALE_ERA),
    ):
        mask = female == is_female
        given[mask] = table.pick(rng, names.choose(rng, era, band[mask]), urdu[mask])
    family = hh["family"][m["household"]]
    u, v = rng.random(n), rng.random(n)
    muhammad = names.MUHAMMAD_NAME.pick(rng, np.zeros(n, dtype=np.int64), urdu) + " "
    # Begum, Khatoon and Mai are for grown women; a girl's name is at most completed with Bibi.
    suffix_index = np.where(m["age"] < 18, 0, np.searchsorted([0.45, 0.75, 0.9], rng.random(n)))
    suffix = names.SUFFIXES.pick(rng, suffix_index, urdu)
    full = given.copy()
    full[male & (u < 0.45)] = muhammad[male & (u < 0.45)] + given[male & (u < 0.45)]
    with_family = np.where(female, v < 0.3, rng.random(n) < 0.6)
    with_suffix = female & (v >= 0.3) & (v < 0.65)
    full[with_family] = full[with_family] + " " + family[with_family]
    full[with_suffix] = full[with_suffix] + " " + suffix[with_suffix]
    return full


def draw(geo: Geography, seed: int, number: int, first: int, count: int) -> tuple[list, list]:
    """Households `first` … `first + count - 1` (0-based) as columns of household and member rows."""
    rng = np.random.default_rng([seed, number])
    hh = hh_draw.place(rng, geo, count)
    hh_draw.welfare(rng, geo, hh)
    slots = people.compose(rng, hh["s"], hh["urban"])
    m = people.flatten(slots)
    size = slots["present"].sum(axis=1)
    s_m, urban_m = hh["s"][m["household"]], hh["urban"][m["household"]]
    traits.schooling(rng, m, s_m, urban_m)
    traits.occupation(rng, m, s_m, urban_m)
    traits.disability(rng, m)
    traits.motherhood(
        rng,
        m,
        slots["mother_slot"],
        people.youngest(slots["age"], slots["present"], people.CHILDREN),
        people.youngest(slots["age"], slots["present"], people.GRANDCHILDREN),
    )
    hh_draw.dwelling(rng, hh, size)
    hh["consumption"] = hh_draw.consumption(hh, size)

    hh["urdu"] = rng.random(count) < URDU_SHARE
    family_index = names.choose(rng, names.FAMILY_BY_PROVINCE, hh["province"])
    hh["family"] = names.FAMILY_NAMES.pick(rng, family_index, hh["urdu"])
    m["full_name"] = _names(rng, hh, m)
    _identities(rng, geo, seed, first, hh, m)
    _phones(rng, hh, m)
    hh["ref"] = np.array([f"HH{number:08d}" for number in range(first + 1, first + count + 1)], dtype=object)
    hh["survey_day"] = _SURVEY_OFFSET + rng.integers(0, SURVEY_DAYS, count)
    # Born on a day that makes the person exactly `age` on the survey day (a day's margin either side
    # of the birthday, so that leap years cannot tip it).
    m["birth_day"] = (
        hh["survey_day"][m["household"]]
        - np.floor(m["age"] * 365.2425).astype(np.int64)
        - rng.integers(1, 364, len(m["age"]))
    )
    hh["address"] = hh_draw.addresses(rng, geo, hh, hh["family"].tolist())
    hh["enumerator"] = [
        f"EN-{PROVINCES[p][3:]}-{d:03d}{k:02d}"
        for p, d, k in zip(
            hh["province"].tolist(), hh["district"].tolist(), rng.integers(0, 40, count).tolist(), strict=True
        )
    ]
    return _household_columns(geo, hh), _member_columns(hh, m)


def _identities(rng: np.random.Generator, geo: Geography, seed: int, first: int, hh: dict, m: dict) -> None:
    """A CNIC from eighteen, a B-form for most children. Numbers are unique through the counter: the
    household's number in the whole run × 32 + the person's slot."""
    adult = m["age"] >= 18
    urban = hh["urban"][m["household"]]
    has_b_form = ~adult & hh_draw.probit(rng, 0.5 + 0.5 * hh["s"][m["household"]] + 0.4 * urban)
    m["id_type"] = np.where(adult, 2, np.where(has_b_form, 1, 0))
    counter = (first + m["household"]).astype(np.int64) * SLOTS_PER_HOUSEHOLD + m["slot"]
    digit = geo.cnic_digit[hh["district"]][m["household"]]
    numbers = id_numbers(counter, keys=round_keys(seed), province_digit=digit, female=m["female"])
    m["id_number"] = _text(numbers)
    m["id_number"][m["id_type"] == 0] = ""


def _phones(rng: np.random.Generator, hh: dict, m: dict) -> None:
    """Most men have a phone, fewer women, a few teenagers; the household's number is the head's when
    the head has one."""
    n, count = len(m["age"]), len(hh["s"])
    chance = np.where(m["age"] < 15, 0, np.where(m["age"] < 18, 0.15, np.where(m["female"], 0.22, 0.7)))
    chance = chance * (1 + 0.15 * hh["s"][m["household"]] + 0.15 * hh["urban"][m["household"]])
    has_phone = rng.random(n) < np.clip(chance, 0, 0.95)
    m["phone"] = _text(phone_numbers(rng, n), "0")
    m["phone"][~has_phone] = ""
    heads = m["member_no"] == 1
    other = np.where(rng.random(count) < 0.6, _text(phone_numbers(rng, count), "0"), "")
    hh["phone"] = np.where(has_phone[heads], m["phone"][heads], other)


def _yes_no(values: np.ndarray) -> list[str]:
    return _YES_NO[values.astype(np.int64)].tolist()


def _household_columns(geo: Geography, hh: dict) -> list[list]:
    district = hh["district"].tolist()
    return [
        hh["ref"].tolist(),
        [geo.province[d] for d in district],
        [geo.name_en[d] for d in district],
        [geo.tehsil_en[t] if t >= 0 else "" for t in hh["tehsil"].tolist()],
        _AREA[hh["urban"].astype(np.int64)].tolist(),
        hh["address"],
        _coordinates(hh["latitude"]),
        _coordinates(hh["longitude"]),
        _DAY_TEXT[hh["survey_day"]].tolist(),
        hh["enumerator"],
        hh["phone"].tolist(),
        hh["rooms"].tolist(),
        hh["tenure"].tolist(),
        hh["walls"].tolist(),
        hh["toilet"].tolist(),
        hh["water"].tolist(),
        hh["cooking_fuel"].tolist(),
        _yes_no(hh["electricity"]),
        *(_yes_no(hh[name]) for name in ASSET_FIELDS),
        *(hh[name].tolist() for name in LIVESTOCK_FIELDS),
        [f"{acres:g}" for acres in hh["land_acres"].tolist()],
        [f"{rupees:.2f}" for rupees in hh["consumption"].tolist()],
    ]


def _member_columns(hh: dict, m: dict) -> list[list]:
    return [
        hh["ref"][m["household"]].tolist(),
        m["member_no"].tolist(),
        _ID_TYPES[m["id_type"]].tolist(),
        m["id_number"].tolist(),
        m["full_name"].tolist(),
        _SEX[m["female"].astype(np.int64)].tolist(),
        _DAY_TEXT[m["birth_day"]].tolist(),
        people.RELATIONSHIPS[m["relation"]].tolist(),
        people.MARITAL[m["marital"]].tolist(),
        traits.EDUCATION[m["education"]].tolist(),
        _yes_no(m["in_school"]),
        traits.OCCUPATION[m["occupation"]].tolist(),
        traits.DISABILITY_TEXT[m["disability"]].tolist(),
        _yes_no(m["pregnant"]),
        _yes_no(m["lactating"]),
        m["phone"].tolist(),
    ]


def _coordinates(values: np.ndarray) -> list[str]:
    return ["" if value != value else f"{value:.5f}" for value in values.tolist()]  # NaN: no point known
