"""The fields a DCI query may name: the language's catalogue for searches and subscription filters,
each field with the ORM path it compares (see `orm`)."""

from dataclasses import dataclass

from ehsaas.core.expressions import EQUALITY, SAMENESS, Field


@dataclass(frozen=True)
class DciField(Field):
    path: str = ""  # the ORM path compared, for plain columns; `orm` computes the others


FIELDS: dict[str, DciField] = {
    "poverty_score": DciField("number", path="pmt_score__score"),
    "district": DciField("place", EQUALITY, path="district", aliases=("location",)),
    "province": DciField("place", EQUALITY, path="province"),
    "tehsil": DciField("place", EQUALITY, path="tehsil"),
    "area": DciField("area", EQUALITY, path="area"),
    # The standard's own names for some of the same things are aliases.
    "household_size": DciField("number", path="household_size", aliases=("group_size",)),
    "has_disabled_member": DciField("bool", SAMENESS, path="has_disabled_member", aliases=("is_disabled",)),
    "household_id": DciField("text", EQUALITY, path="household_ref"),
    "registration_date": DciField("date", path="survey_date"),
    "rooms": DciField("number", path="rooms"),
    "electricity": DciField("bool", SAMENESS, path="electricity"),
    "land_acres": DciField("number", path="land_acres"),
}
