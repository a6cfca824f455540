"""The tree every form of query becomes: comparisons joined by and / or / not, on the fields a query
may name. A comparison is checked as it is made (the field exists, takes the operator, the value has the
field's kind), so every parser refuses a wrong query with the same words."""

from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _

from ehsaas.core.choices import AreaType

MSG_UNKNOWN_FIELD = _("unknown field “%(field)s” %(where)s; the fields are: %(fields)s")
MSG_BAD_VALUE = _("%(field)s needs %(kind)s, not “%(value)s” (%(where)s)")
MSG_BAD_OPERATOR = _("%(field)s cannot be compared with “%(operator)s” (%(where)s); use one of: %(allowed)s")


class QueryError(ValueError):
    """A query that cannot be run; the message says what and where."""


@dataclass(frozen=True)
class Comparison:
    field: str
    operator: str  # one of =, !=, <, <=, >, >=, in
    value: object
    where: str


@dataclass(frozen=True)
class And:
    parts: tuple


@dataclass(frozen=True)
class Or:
    parts: tuple


@dataclass(frozen=True)
class Not:
    part: object


# --- fields ----------------------------------------------------------------------------------------

ORDERING = ("=", "!=", "<", "<=", ">", ">=", "in")
EQUALITY = ("=", "!=", "in")


@dataclass(frozen=True)
class Field:
    kind: str  # number, text, place, bool, date, area
    path: str = ""  # the ORM path compared, for plain columns
    operators: tuple = ORDERING


FIELDS: dict[str, Field] = {
    "poverty_score": Field("number", "pmt_score__score"),
    "district": Field("place", "district", EQUALITY),
    "province": Field("place", "province", EQUALITY),
    "tehsil": Field("place", "tehsil", EQUALITY),
    "area": Field("area", "area", EQUALITY),
    "household_size": Field("number", "household_size"),
    "has_disabled_member": Field("bool", "has_disabled_member", ("=", "!=")),
    "household_id": Field("text", "household_ref", EQUALITY),
    "registration_date": Field("date", "survey_date"),
    "rooms": Field("number", "rooms"),
    "electricity": Field("bool", "electricity", ("=", "!=")),
    "land_acres": Field("number", "land_acres"),
}
# The standard's own names for some of the same things.
ALIASES = {"group_size": "household_size", "location": "district", "is_disabled": "has_disabled_member"}

_KIND_LABELS = {
    "number": _("a number"),
    "text": _("a text value in quotes"),
    "place": _("a code or name in quotes"),
    "bool": _("true or false"),
    "date": _("a date written YYYY-MM-DD"),
    "area": _("“urban” or “rural”"),
}


def field_named(name: str, where: str) -> tuple[str, Field]:
    canonical = ALIASES.get(name, name)
    if canonical not in FIELDS:
        raise QueryError(
            _g(MSG_UNKNOWN_FIELD) % {"field": name, "where": where, "fields": ", ".join(sorted(FIELDS))}
        )
    return canonical, FIELDS[canonical]


def comparison(name: str, operator: str, value, where: str) -> Comparison:
    """A checked comparison: the field exists, takes this operator, and the value has its kind."""
    canonical, field = field_named(name, where)
    if operator not in field.operators:
        raise QueryError(
            _g(MSG_BAD_OPERATOR)
            % {"field": canonical, "operator": operator, "where": where, "allowed": " ".join(field.operators)}
        )
    values = value if operator == "in" else [value]
    if operator == "in" and (not isinstance(value, list | tuple) or not value):
        raise QueryError(
            _g(MSG_BAD_VALUE)
            % {"field": canonical, "kind": gettext("a list of values"), "value": value, "where": where}
        )
    checked = [_checked_value(canonical, field, v, where) for v in values]
    return Comparison(canonical, operator, tuple(checked) if operator == "in" else checked[0], where)


def _checked_value(name: str, field: Field, value, where: str):
    def refuse():
        raise QueryError(
            _g(MSG_BAD_VALUE)
            % {"field": name, "kind": _g(_KIND_LABELS[field.kind]), "value": value, "where": where}
        )

    if field.kind == "number":
        if isinstance(value, bool) or not isinstance(value, int | float):
            refuse()
        return value
    if field.kind == "bool":
        if not isinstance(value, bool):
            refuse()
        return value
    if not isinstance(value, str) or not value.strip():
        refuse()
    if field.kind == "area":
        if value.lower() not in AreaType.values:
            refuse()
        return value.lower()
    if field.kind == "date":
        try:
            return date.fromisoformat(value)
        except ValueError:
            refuse()
    return value.strip()
