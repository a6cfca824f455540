"""factory_boy factories for the registry: households, members and their ID numbers.

    household = HouseholdFactory(district=district_a)
    member = MemberFactory(household=household, relationship="head", sex="female")
    IdentifierFactory(member=member)                      # a well-formed CNIC matching her sex
    household = household_with_members(4, district=district_a)   # a head and three others, all with CNICs

Every number made here is a valid 13-digit CNIC, unique in the test run, whose first digit is the
province of the household and whose last digit matches the member's sex, so that records made here
raise no data-quality flags unless a test asks for one.
"""

import itertools
from datetime import date

import factory
from factory.django import DjangoModelFactory

from ehsaas.core.identity import CNIC_PROVINCE_DIGIT
from ehsaas.core.models import District, Province, Tehsil
from ehsaas.core.names import name_key
from ehsaas.registry import choices as c
from ehsaas.registry.models import Household, Identifier, Member

_PROVINCE_DIGIT = {code: digit for digit, code in sorted(CNIC_PROVINCE_DIGIT.items(), reverse=True)}
_serial = itertools.count(1)

MEN = ["Muhammad Aslam", "Ghulam Rasool", "Abdul Rehman", "Imran Khan", "Zahid Hussain", "Bilal Ahmed"]
WOMEN = ["Fatima Bibi", "Shazia Parveen", "Nasreen Akhtar", "Ayesha Siddiqa", "Rukhsana Kausar", "Sana Javed"]


def new_cnic(*, sex: str = c.Sex.MALE, province_code: str = "PK-PB") -> str:
    """A fresh, well-formed number: the province's digit first, and the last digit even for a woman
    and odd for anyone else (NADRA's rule)."""
    last = "2" if sex == c.Sex.FEMALE else "1"
    return f"{_PROVINCE_DIGIT.get(province_code, '3')}{next(_serial):011d}{last}"


class ProvinceFactory(DjangoModelFactory):
    class Meta:
        model = Province
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"PK-T{n}")
    name_en = factory.Sequence(lambda n: f"Test province {n}")
    name_ur = factory.Sequence(lambda n: f"آزمائشی صوبہ {n}")


class DistrictFactory(DjangoModelFactory):
    class Meta:
        model = District
        django_get_or_create = ("code",)

    province = factory.SubFactory(ProvinceFactory)
    code = factory.Sequence(lambda n: f"T-D{n}")
    name_en = factory.Sequence(lambda n: f"Test district {n}")
    name_ur = factory.Sequence(lambda n: f"آزمائشی ضلع {n}")


class TehsilFactory(DjangoModelFactory):
    class Meta:
        model = Tehsil
        django_get_or_create = ("code",)

    district = factory.SubFactory(DistrictFactory)
    code = factory.Sequence(lambda n: f"T-T{n}")
    name_en = factory.Sequence(lambda n: f"Test tehsil {n}")
    name_ur = factory.Sequence(lambda n: f"آزمائشی تحصیل {n}")


def _a_district() -> District:
    """The first district of the loaded geography, or a made-up one when none is loaded."""
    return District.objects.select_related("province").order_by("id").first() or DistrictFactory()


class HouseholdFactory(DjangoModelFactory):
    """A rural household of modest means; pass `district=` to place it (province follows)."""

    class Meta:
        model = Household

    household_ref = factory.Sequence(lambda n: f"TEST-{n:07d}")
    district = factory.LazyFunction(_a_district)
    province = factory.SelfAttribute("district.province")
    tehsil = None
    area = "rural"
    address = factory.Sequence(lambda n: f"House {n}, Mohalla Noor")
    survey_date = date(2024, 3, 1)
    enumerator = "Enumerator 7"
    phone = ""
    rooms = 2
    tenure = c.Tenure.OWNED
    walls = c.Walls.KACHA
    toilet = c.Toilet.PIT
    water = c.Water.HAND_PUMP
    cooking_fuel = c.CookingFuel.WOOD
    electricity = True
    refrigerator = freezer = air_conditioner = air_cooler = washing_machine = False
    television = True
    computer = cooking_range = heater = motorcycle = car = tractor = False
    cattle = 1
    buffalo = 0
    goats = 2
    sheep = 0
    land_acres = 0


def _next_member_no(member) -> int:
    taken = member.household.members.values_list("member_no", flat=True)
    return max(taken, default=0) + 1


class MemberFactory(DjangoModelFactory):
    """An adult man who is a relative of the head; `name_key` always follows `full_name`."""

    class Meta:
        model = Member

    household = factory.SubFactory(HouseholdFactory)
    member_no = factory.LazyAttribute(_next_member_no)
    full_name = factory.Iterator(MEN)
    name_key = factory.LazyAttribute(lambda m: name_key(m.full_name))
    sex = c.Sex.MALE
    date_of_birth = date(1985, 6, 15)
    relationship = c.Relationship.OTHER_RELATIVE
    marital_status = c.MaritalStatus.MARRIED
    education = c.Education.PRIMARY
    in_school = False
    occupation = c.Occupation.DAILY_WAGE
    disability = ""
    pregnant = False
    lactating = False
    phone = ""
    status = c.MemberStatus.ACTIVE


class IdentifierFactory(DjangoModelFactory):
    """A CNIC (or, with `id_type="b_form"`, a B-form) that fits the member's sex and province."""

    class Meta:
        model = Identifier

    member = factory.SubFactory(MemberFactory)
    id_type = c.IdType.CNIC
    number = factory.LazyAttribute(
        lambda i: new_cnic(sex=i.member.sex, province_code=i.member.household.province.code)
    )
    active = True


# Who lives in a household made by `household_with_members`, in order after the head. Every one is an
# adult, so that each may hold a CNIC without a data-quality flag.
_FAMILY = [
    (c.Relationship.SPOUSE, c.Sex.FEMALE, date(1980, 2, 10), WOMEN),
    (c.Relationship.SON, c.Sex.MALE, date(2001, 8, 1), MEN),
    (c.Relationship.DAUGHTER, c.Sex.FEMALE, date(2003, 1, 20), WOMEN),
    (c.Relationship.SON, c.Sex.MALE, date(2005, 5, 5), MEN),
    (c.Relationship.DAUGHTER, c.Sex.FEMALE, date(2006, 11, 30), WOMEN),
]


def household_with_members(size: int = 4, *, names: list[str] | None = None, **household_fields) -> Household:
    """A household of `size` people (the head included) with a CNIC each: a male head born in 1975,
    his wife, then grown-up sons and daughters. `names` overrides the full names in that order; other
    keyword arguments go to HouseholdFactory (`district=`, `phone=`, …)."""
    household = HouseholdFactory(**household_fields)
    people = [(c.Relationship.HEAD, c.Sex.MALE, date(1975, 4, 1), MEN)]
    people += [_FAMILY[i % len(_FAMILY)] for i in range(size - 1)]
    for index, (relationship, sex, born, pool) in enumerate(people):
        full_name = names[index] if names and index < len(names) else pool[index % len(pool)]
        member = MemberFactory(
            household=household,
            member_no=index + 1,
            full_name=full_name,
            relationship=relationship,
            sex=sex,
            date_of_birth=born,
            marital_status=c.MaritalStatus.MARRIED if index < 2 else c.MaritalStatus.NEVER_MARRIED,
            occupation=c.Occupation.HOMEMAKER if sex == c.Sex.FEMALE else c.Occupation.DAILY_WAGE,
        )
        IdentifierFactory(member=member)
    return household


def head_of(household: Household) -> Member:
    return household.members.get(relationship=c.Relationship.HEAD, status=c.MemberStatus.ACTIVE)
