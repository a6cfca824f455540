"""Shorthands over the registry factories for the change-request and duplicate tests: a household in a
given district, a member with or without an ID number, and a small family."""

from datetime import date

from ehsaas.core.models import District
from ehsaas.registry import choices as c
from ehsaas.registry.models import Household, Member
from tests.registry.factories import HouseholdFactory, IdentifierFactory, MemberFactory
from tests.registry.factories import new_cnic as factory_cnic


def new_cnic(*, female: bool = False) -> str:
    """A fresh, well-formed 13-digit number (last digit even for a woman)."""
    return factory_cnic(sex=c.Sex.FEMALE if female else c.Sex.MALE)


def make_household(district: District, *, ref: str | None = None, **fields) -> Household:
    if ref is not None:
        fields["household_ref"] = ref
    return HouseholdFactory(district=district, **fields)


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
    member = MemberFactory(
        household=household, full_name=full_name, relationship=relationship, sex=sex,
        date_of_birth=date_of_birth, **fields,
    )  # fmt: skip
    if cnic:
        IdentifierFactory(member=member, id_type=id_type, number=cnic)
    return member


def make_family(district: District, **household_fields) -> tuple[Household, Member, Member]:
    """A household with a head (a man with a CNIC) and his wife (a woman with a CNIC)."""
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
