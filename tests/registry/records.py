"""Small builders of registry records for the change-request and duplicate tests: a household with the
fields the data contract requires, and members with or without an ID number."""

import itertools
from datetime import date

from ehsaas.core.models import District, Province
from ehsaas.core.names import name_key
from ehsaas.registry import choices as c
from ehsaas.registry.models import Household, Identifier, Member

_refs = itertools.count(1)
_numbers = itertools.count(1)


def ensure_geography() -> None:
    """Two provinces with a district each, for a database whose geography has not been loaded."""
    if District.objects.exclude(province=District.objects.values("province")[:1]).exists():
        return
    for code, name_en, name_ur in [("PK-PB", "Punjab", "پنجاب"), ("PK-SD", "Sindh", "سندھ")]:
        province, _ = Province.objects.get_or_create(
            code=code, defaults={"name_en": name_en, "name_ur": name_ur}
        )
        District.objects.get_or_create(
            code=f"{code}-T1",
            defaults={"province": province, "name_en": f"{name_en} test district", "name_ur": name_ur},
        )


def new_cnic(*, female: bool = False) -> str:
    """A fresh, well-formed 13-digit number: Punjab prefix, last digit even for women, odd for men."""
    body = f"35202{next(_numbers):07d}"
    return body + ("2" if female else "1")


def make_household(district: District, *, ref: str | None = None, **fields) -> Household:
    values = {
        "household_ref": ref or f"HH-T{next(_refs):05d}",
        "province": district.province,
        "district": district,
        "area": "rural",
        "address": "Mohalla Test, street 4",
        "survey_date": date(2024, 3, 1),
        "rooms": 2,
        "tenure": c.Tenure.OWNED,
        "walls": c.Walls.KACHA,
        "toilet": c.Toilet.PIT,
        "water": c.Water.HAND_PUMP,
        "cooking_fuel": c.CookingFuel.WOOD,
        "electricity": True,
        **{name: False for name in c.ASSET_FIELDS},
        **{name: 0 for name in c.LIVESTOCK_FIELDS},
        "land_acres": 0,
    }
    values.update(fields)
    return Household.objects.create(**values)


def make_member(
    household: Household,
    full_name: str,
    *,
    relationship: str = c.Relationship.SON,
    sex: str = c.Sex.MALE,
    date_of_birth: date = date(1990, 1, 1),
    cnic: str | None = None,
    id_type: str = c.IdType.CNIC,
    **fields,
) -> Member:
    values = {
        "household": household,
        "member_no": household.members.count() + 1,
        "full_name": full_name,
        "name_key": name_key(full_name),
        "sex": sex,
        "date_of_birth": date_of_birth,
        "relationship": relationship,
        "marital_status": c.MaritalStatus.MARRIED,
        "education": c.Education.PRIMARY,
        "in_school": False,
        "occupation": c.Occupation.DAILY_WAGE,
        "pregnant": False,
        "lactating": False,
    }
    values.update(fields)
    member = Member.objects.create(**values)
    if cnic:
        Identifier.objects.create(member=member, id_type=id_type, number=cnic)
    return member


def make_family(district: District, **household_fields) -> tuple[Household, Member, Member]:
    """A household with a head (a man with a CNIC) and his wife."""
    household = make_household(district, **household_fields)
    head = make_member(
        household, "Muhammad Aslam", relationship=c.Relationship.HEAD, date_of_birth=date(1975, 5, 5),
        cnic=new_cnic(),
    )  # fmt: skip
    wife = make_member(
        household, "Nasreen Bibi", relationship=c.Relationship.SPOUSE, sex=c.Sex.FEMALE,
        date_of_birth=date(1980, 8, 8), occupation=c.Occupation.HOMEMAKER, cnic=new_cnic(female=True),
    )  # fmt: skip
    return household, head, wife
