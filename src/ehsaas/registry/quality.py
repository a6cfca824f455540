"""Data-quality flags of a household, shown on its page.

These are questions for a person to look at, never reasons to refuse a record: registries hold IDs
issued under older rules, ages guessed by enumerators and relationships recorded loosely. Each flag is a
short, translatable sentence that names the member it is about.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ehsaas.core.identity import cnic_warnings
from ehsaas.registry.choices import IdType, MaritalStatus, MemberStatus, Relationship, Sex
from ehsaas.registry.models import Household, Member

ADULT_AGE = 18  # CNICs are issued from 18; children hold a B-form.
CHILDBEARING_AGES = (15, 49)  # the age band of the usual fertility indicators
MIN_MARRIAGE_AGE = 16
MIN_PARENT_GAP = 12  # years between a parent and a child below which the record is implausible
MAX_AGE = 110

MSG_NO_MEMBERS = _("The household has no active members.")
MSG_NO_HEAD = _("The household has no head.")
MSG_NO_ID = _("%(name)s has no CNIC or B-form number.")
MSG_ADULT_B_FORM = _("%(name)s is %(age)d but has a B-form, not a CNIC.")
MSG_CHILD_CNIC = _("%(name)s is %(age)d, too young for a CNIC (issued from 18).")
MSG_ID_WARNING = _("%(name)s: %(warning)s.")
MSG_TOO_OLD = _("%(name)s would be %(age)d years old: check the date of birth.")
MSG_PREGNANCY_AGE = _(
    "%(name)s is recorded as pregnant at %(age)d, outside the usual ages of %(low)d–%(high)d."
)
MSG_LACTATING_SEX = _("%(name)s is recorded as breastfeeding but not as a woman.")
MSG_MARRIED_CHILD = _("%(name)s is recorded as married (or once married) at %(age)d.")
MSG_SPOUSE_NEVER_MARRIED = _("%(name)s is the head's spouse but is recorded as never married.")
MSG_CHILD_NOT_YOUNGER = _(
    "%(name)s is recorded as the head's child but is not younger than the head, %(head)s."
)
MSG_CHILD_GAP = _(
    "%(name)s is recorded as the head's child but is less than %(gap)d years younger than the head, %(head)s."
)
MSG_GRANDCHILD_NOT_YOUNGER = _(
    "%(name)s is recorded as the head's grandchild but is not younger than the head, %(head)s."
)
MSG_PARENT_NOT_OLDER = _(
    "%(name)s is recorded as the head's parent but is not older than the head, %(head)s."
)
MSG_PARENT_GAP = _(
    "%(name)s is recorded as the head's parent but is less than %(gap)d years older than the head, %(head)s."
)

# Relationship → (the message when the order of births is wrong, the message when the gap is too small
# or None when only the order can be judged).
_GENERATIONS = {
    Relationship.SON: (MSG_CHILD_NOT_YOUNGER, MSG_CHILD_GAP),
    Relationship.DAUGHTER: (MSG_CHILD_NOT_YOUNGER, MSG_CHILD_GAP),
    Relationship.GRANDCHILD: (MSG_GRANDCHILD_NOT_YOUNGER, None),
    Relationship.PARENT: (MSG_PARENT_NOT_OLDER, MSG_PARENT_GAP),
}


@dataclass(frozen=True)
class QualityFlag:
    code: str
    message: str
    member_id: int | None = None


def age_on(born: date, day: date) -> int:
    """Whole years from `born` to `day` (negative when `day` comes first)."""
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def household_flags(
    *, household: Household, members: Iterable[Member], today: date | None = None
) -> list[QualityFlag]:
    """The flags of `household`, given its members with their `identifiers` prefetched. Removed and
    deceased members are left out: their records are history."""
    today = today or timezone.localdate()
    people = [m for m in members if m.status == MemberStatus.ACTIVE]
    if not people:
        return [QualityFlag("no_members", str(MSG_NO_MEMBERS))]

    flags: list[QualityFlag] = []
    heads = [m for m in people if m.relationship == Relationship.HEAD]
    if not heads:
        flags.append(QualityFlag("no_head", str(MSG_NO_HEAD)))
    for member in people:
        flags += _identity_flags(member, household=household, today=today)
        flags += _person_flags(member, household=household, today=today)
    if heads:
        flags += _generation_flags(heads[0], people)
    return flags


def _flag(code: str, message, member: Member, **values) -> QualityFlag:
    return QualityFlag(code, message % {"name": member.full_name, **values}, member.pk)


def _identity_flags(member: Member, *, household: Household, today: date) -> list[QualityFlag]:
    identifiers = [i for i in member.identifiers.all() if i.active]
    if not identifiers:
        return [_flag("no_id", MSG_NO_ID, member)]
    flags = []
    age = age_on(member.date_of_birth, today)
    types = {i.id_type for i in identifiers}
    if age >= ADULT_AGE and IdType.CNIC not in types:
        flags.append(_flag("adult_b_form", MSG_ADULT_B_FORM, member, age=age))
    if age < ADULT_AGE and IdType.CNIC in types:
        flags.append(_flag("child_cnic", MSG_CHILD_CNIC, member, age=age))
    for identifier in identifiers:
        warnings = cnic_warnings(identifier.number, sex=member.sex, province_code=household.province.code)
        for warning in warnings:
            flags.append(_flag(warning.code, MSG_ID_WARNING, member, warning=warning.message))
    return flags


def _person_flags(member: Member, *, household: Household, today: date) -> list[QualityFlag]:
    flags = []
    age = age_on(member.date_of_birth, today)
    if age > MAX_AGE:
        flags.append(_flag("implausible_age", MSG_TOO_OLD, member, age=age))
    # Pregnancy and marriage were recorded on the survey day: the age that matters is the age then.
    age_then = age_on(member.date_of_birth, household.survey_date)
    low, high = CHILDBEARING_AGES
    if member.pregnant and not low <= age_then <= high:
        flags.append(_flag("pregnancy_age", MSG_PREGNANCY_AGE, member, age=age_then, low=low, high=high))
    if member.lactating and member.sex != Sex.FEMALE:
        flags.append(_flag("lactating_sex", MSG_LACTATING_SEX, member))
    if member.marital_status != MaritalStatus.NEVER_MARRIED and age_then < MIN_MARRIAGE_AGE:
        flags.append(_flag("married_child", MSG_MARRIED_CHILD, member, age=age_then))
    if member.relationship == Relationship.SPOUSE and member.marital_status == MaritalStatus.NEVER_MARRIED:
        flags.append(_flag("spouse_never_married", MSG_SPOUSE_NEVER_MARRIED, member))
    return flags


def _generation_flags(head: Member, people: list[Member]) -> list[QualityFlag]:
    """Ages that cannot be right for the relationships recorded: a son older than his father."""
    flags = []
    for member in people:
        if member.relationship not in _GENERATIONS:
            continue
        not_in_order, gap_too_small = _GENERATIONS[member.relationship]
        elder, younger = (member, head) if member.relationship == Relationship.PARENT else (head, member)
        # The elder's age when the younger was born.
        gap = age_on(elder.date_of_birth, younger.date_of_birth)
        if younger.date_of_birth <= elder.date_of_birth:
            flags.append(_flag("generation_order", not_in_order, member, head=head.full_name))
        elif gap_too_small is not None and gap < MIN_PARENT_GAP:
            values = {"head": head.full_name, "gap": MIN_PARENT_GAP}
            flags.append(_flag("generation_gap", gap_too_small, member, **values))
    return flags
