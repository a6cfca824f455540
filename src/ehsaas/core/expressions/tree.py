"""The tree an expression becomes, the fields it may name, and the checks of each comparison.

A comparison is checked as it is made (the field is in the catalogue, takes the operator, and the value
has the field's kind), so every reader of every form refuses a wrong expression with the same words. The
catalogue is a plain mapping of names to `Field`s, given by the caller: the DCI search has one, a
programme's rules another."""

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from django.utils.translation import gettext
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _

from ehsaas.core.choices import AreaType

MSG_UNKNOWN_FIELD = _("unknown field “%(field)s” %(where)s; the fields are: %(fields)s")
MSG_BAD_VALUE = _("%(field)s needs %(kind)s, not “%(value)s” (%(where)s)")
MSG_BAD_CHOICE = _("%(field)s needs one of %(choices)s, not “%(value)s” (%(where)s)")
MSG_BAD_OPERATOR = _("%(field)s cannot be compared with “%(operator)s” (%(where)s); use one of: %(allowed)s")


class ExpressionError(ValueError):
    """An expression that cannot be used; the message says what is wrong and where."""


# --- the tree ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Comparison:
    """`field operator value`; for `in`, the value is a tuple. The field is its catalogue name (an alias
    is resolved), the value already of the field's kind (a `date` for a date, a choice as the catalogue
    spells it)."""

    field: str
    operator: str  # one of OPERATORS
    value: object
    # Where the comparison was written ("at character 12", "at query.$and[1]"), for messages only: two
    # comparisons that say the same thing are equal wherever they were written.
    where: str = field(default="", compare=False)


@dataclass(frozen=True)
class And:
    parts: tuple


@dataclass(frozen=True)
class Or:
    parts: tuple


@dataclass(frozen=True)
class Not:
    part: object


Node = Comparison | And | Or | Not


# --- fields ------------------------------------------------------------------------------------------

OPERATORS = ("=", "!=", "<", "<=", ">", ">=", "in")
ORDERING = OPERATORS
EQUALITY = ("=", "!=", "in")
SAMENESS = ("=", "!=")

KINDS = ("number", "text", "place", "bool", "date", "area", "choice")
_USUAL_OPERATORS = {"number": ORDERING, "date": ORDERING, "bool": SAMENESS}

_KIND_LABELS = {
    "number": _("a number"),
    "text": _("a text value in quotes"),
    "place": _("a code or name in quotes"),
    "bool": _("true or false"),
    "date": _("a date written YYYY-MM-DD"),
    "area": _("“urban” or “rural”"),
}


@dataclass(frozen=True)
class Field:
    """One name an expression may use.

    `kind` says what values it takes: number, text, place (a code or name), bool, date, area (urban or
    rural) or choice (one of `choices`, matched without regard to case). `operators` defaults to the
    kind's usual ones: all of them for numbers and dates, = and != for bools, =, != and in otherwise.
    `column` names the column the polars compiler reads (the field's own name when empty); `aliases`
    are other names accepted for the same field."""

    kind: str
    operators: tuple[str, ...] = ()
    choices: tuple[str, ...] = ()
    column: str = ""
    aliases: tuple[str, ...] = ()

    def __post_init__(self):
        # A catalogue is written by a developer: a mistake in it is a programming error, said in English.
        if self.kind not in KINDS:
            raise ValueError(f"a field's kind is one of {', '.join(KINDS)}, not {self.kind!r}")
        if not set(self.operators) <= set(OPERATORS):
            raise ValueError(f"a field's operators are among {' '.join(OPERATORS)}, not {self.operators!r}")
        if (self.kind == "choice") != bool(self.choices):
            raise ValueError("a field of kind choice, and only such a field, lists its choices")
        if not self.operators:
            object.__setattr__(self, "operators", _USUAL_OPERATORS.get(self.kind, EQUALITY))
        if self.kind == "area":
            object.__setattr__(self, "choices", tuple(AreaType.values))


def field_named(name: str, fields: Mapping[str, Field], where: str) -> tuple[str, Field]:
    """The catalogue's name for `name` (itself, or the field it is an alias of) and its field."""
    if name in fields:
        return name, fields[name]
    for canonical, candidate in fields.items():
        if name in candidate.aliases:
            return canonical, candidate
    raise ExpressionError(
        _g(MSG_UNKNOWN_FIELD) % {"field": name, "where": where, "fields": ", ".join(sorted(fields))}
    )


def comparison(name: str, operator: str, value, *, fields: Mapping[str, Field], where: str) -> Comparison:
    """A checked comparison: the field exists, takes this operator, and the value has its kind."""
    canonical, found = field_named(name, fields, where)
    if operator not in found.operators:
        raise ExpressionError(
            _g(MSG_BAD_OPERATOR)
            % {"field": canonical, "operator": operator, "where": where, "allowed": " ".join(found.operators)}
        )
    if operator != "in":
        return Comparison(canonical, operator, _checked_value(canonical, found, value, where), where)
    if not isinstance(value, list | tuple) or not value:
        raise ExpressionError(
            _g(MSG_BAD_VALUE)
            % {"field": canonical, "kind": gettext("a list of values"), "value": value, "where": where}
        )
    return Comparison(
        canonical, "in", tuple(_checked_value(canonical, found, v, where) for v in value), where
    )


def _checked_value(name: str, found: Field, value, where: str):
    """The value in the field's kind, or an ExpressionError saying what the field needs."""

    def refuse():
        if found.kind == "choice":
            raise ExpressionError(
                _g(MSG_BAD_CHOICE)
                % {"field": name, "choices": _quoted_list(found.choices), "value": value, "where": where}
            )
        raise ExpressionError(
            _g(MSG_BAD_VALUE)
            % {"field": name, "kind": _g(_KIND_LABELS[found.kind]), "value": value, "where": where}
        )

    if found.kind == "number":
        # A bool is an int to Python, and NaN or infinity compare with nothing a person means.
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            refuse()
        return value
    if found.kind == "bool":
        if not isinstance(value, bool):
            refuse()
        return value
    if not isinstance(value, str) or not value.strip():
        refuse()
    if found.kind in ("area", "choice"):
        spelt = {choice.casefold(): choice for choice in found.choices}
        if value.strip().casefold() not in spelt:
            refuse()
        return spelt[value.strip().casefold()]
    if found.kind == "date":
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            refuse()
    return value.strip()


def _quoted_list(choices) -> str:
    return ", ".join(f"“{choice}”" for choice in choices)
