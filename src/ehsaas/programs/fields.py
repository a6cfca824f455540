"""The names a programme's rules may use, by the unit the programme serves: its household's (every
unit) and, for programmes that serve people, the person's own. Each name is a column of the frames
`units` reads, so that a rule is judged over every unit at once.

    pmt_score <= 32 and wealth_flagged = false
    sex = "female" and relationship in ("head", "spouse") and age >= 18
    in_kafaalat = true and in_school = true and school_level = "primary"
"""

from collections.abc import Iterable

from django.utils.translation import gettext_lazy as _

from ehsaas.core.expressions import Field
from ehsaas.programs.choices import Unit
from ehsaas.programs.units import SCHOOL_LEVELS
from ehsaas.registry import choices as c

HOUSEHOLD_FIELDS: dict[str, Field] = {
    "pmt_score": Field("number", aliases=("poverty_score",)),
    "province": Field("place"),
    "district": Field("place"),
    "area": Field("area"),
    "household_size": Field("number"),
    "has_disabled_member": Field("bool"),
    "wealth_flagged": Field("bool"),
}
MEMBER_FIELDS: dict[str, Field] = {
    "age": Field("number"),
    "sex": Field("choice", choices=tuple(c.Sex.values)),
    "relationship": Field("choice", choices=tuple(c.Relationship.values)),
    "marital_status": Field("choice", choices=tuple(c.MaritalStatus.values)),
    "education": Field("choice", choices=tuple(c.Education.values)),
    "occupation": Field("choice", choices=tuple(c.Occupation.values)),
    "in_school": Field("bool"),
    "pregnant": Field("bool"),
    "lactating": Field("bool"),
    "disabled": Field("bool"),
    "school_level": Field("choice", choices=tuple(name for name, _first, _last in SCHOOL_LEVELS)),
}
# What each name means, for the rule editor's help.
DESCRIPTIONS = {
    "pmt_score": _("the household's current PMT score, 0–100, lower is poorer (none: not yet scored)"),
    "province": _("the household's province, by code or name"),
    "district": _("the household's district, by code or name"),
    "area": _("“urban” or “rural”"),
    "household_size": _("the household's active members"),
    "has_disabled_member": _("a member of the household is disabled"),
    "wealth_flagged": _("a wealth filter excludes the household"),
    "age": _("the person's age in whole years today"),
    "sex": _("the person's sex"),
    "relationship": _("the person's relationship to the head of the household"),
    "marital_status": _("the person's marital status"),
    "education": _("the person's highest level of education"),
    "occupation": _("the person's occupation"),
    "in_school": _("the person goes to school"),
    "pregnant": _("the person is pregnant"),
    "lactating": _("the person is breastfeeding"),
    "disabled": _("the person is disabled"),
    "school_level": _(
        "for a child in school, by age: primary (5–9), secondary (10–14), higher secondary (15–18)"
    ),
}


def enrolment_field(code: str) -> str:
    """The name of the flag `in_<code>`: the household has an active beneficiary in programme `code`."""
    return "in_" + code.replace("-", "_")


def rule_fields(unit: str, programme_codes: Iterable[str] = ()) -> dict[str, Field]:
    """The catalogue of a programme serving `unit`, with an enrolment flag for each programme code."""
    fields = dict(HOUSEHOLD_FIELDS)
    if unit != Unit.HOUSEHOLD:
        fields |= MEMBER_FIELDS
    fields |= {enrolment_field(code): Field("bool") for code in programme_codes}
    return fields
