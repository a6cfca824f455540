"""Registering a household by hand: the rules a household and its members must meet, checked all at
once so that a person sees every problem in one go, then written in one transaction with its audit
event.

Data-quality questions (an adult with only a B-form, a CNIC whose last digit does not match the sex)
are not rules: they are flagged on the household's page (`ehsaas.registry.quality`), never refused.
"""

import uuid
from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ehsaas.core.access import district_scope
from ehsaas.core.events import HOUSEHOLDS_CHANGED, publish
from ehsaas.core.identity import InvalidIdentifier, normalize_cnic, normalize_mobile
from ehsaas.core.names import name_key
from ehsaas.core.services import audit_record
from ehsaas.registry.choices import ASSET_FIELDS, LIVESTOCK_FIELDS, Disability, IdType, Relationship, Sex
from ehsaas.registry.models import Household, Identifier, Member

MSG_NO_MEMBERS = _("A household needs at least one member.")
MSG_NO_HEAD = _("Exactly one member must be the head of the household; none is.")
MSG_MANY_HEADS = _("Exactly one member must be the head of the household; %(count)d are.")
MSG_ALSO_HEAD = _("Another member is already the head.")
MSG_ID_NEEDS_NUMBER = _("Enter the ID number, or choose “None” as the ID type.")
MSG_NUMBER_NEEDS_TYPE = _("Choose whether this number is a CNIC or a B-form.")
MSG_ID_HELD = _("This ID number already belongs to a member of household %(ref)s.")
MSG_ID_TWICE = _("This ID number is also entered for member %(number)d.")
MSG_NAME_WITHOUT_LETTERS = _("Enter the name in letters (Urdu or Latin script).")
MSG_BORN_IN_FUTURE = _("The date of birth is in the future.")
MSG_BORN_TOO_EARLY = _("The date of birth is before 1900.")
MSG_SURVEY_IN_FUTURE = _("The survey date is in the future.")
MSG_PREGNANT_NOT_FEMALE = _("Only a woman can be recorded as pregnant.")
MSG_LACTATING_NOT_FEMALE = _("Only a woman can be recorded as breastfeeding.")
MSG_UNKNOWN_DISABILITY = _("“%(value)s” is not a kind of disability this registry records.")
MSG_DISTRICT_NOT_IN_PROVINCE = _("This district is not in the chosen province.")
MSG_TEHSIL_NOT_IN_DISTRICT = _("This tehsil is not in the chosen district.")
MSG_DISTRICT_OUT_OF_SCOPE = _("You may register households only in your own districts.")
MSG_COORDINATES_PAIR = _("Enter both latitude and longitude, or neither.")
MSG_NO_ROOMS = _("A dwelling has at least one room.")
MSG_NEGATIVE_LAND = _("Land cannot be negative; enter 0 for none.")

HOUSEHOLD_FIELDS = (
    "province", "district", "tehsil", "area", "address", "latitude", "longitude", "survey_date",
    "enumerator", "phone", "rooms", "tenure", "walls", "toilet", "water", "cooking_fuel", "electricity",
    *ASSET_FIELDS, *LIVESTOCK_FIELDS, "land_acres",
)  # fmt: skip
MEMBER_FIELDS = (
    "full_name", "sex", "date_of_birth", "relationship", "marital_status", "education", "in_school",
    "occupation", "disability", "pregnant", "lactating", "phone", "id_type", "id_number",
)  # fmt: skip
_MEMBER_MODEL_FIELDS = tuple(f for f in MEMBER_FIELDS if f not in ("id_type", "id_number"))
_FLAGS_DEFAULT_FALSE = ("electricity", *ASSET_FIELDS)


class HouseholdInvalid(ValueError):
    """Raised by `household_register` with every problem found, each under the field it is about:
    `errors` for the household's fields ("__all__" for the household as a whole) and `member_errors`
    by the member's position in the list given."""

    def __init__(self, errors: dict[str, list[str]], member_errors: dict[int, dict[str, list[str]]]):
        self.errors = errors
        self.member_errors = member_errors
        lines = [f"{name}: {m}" for name, messages in errors.items() for m in messages]
        lines += [
            f"member {i + 1} {name}: {m}"
            for i, fields in sorted(member_errors.items())
            for name, messages in fields.items()
            for m in messages
        ]
        super().__init__("; ".join(lines))


class _Problems:
    def __init__(self):
        self.errors: dict[str, list[str]] = {}
        self.member_errors: dict[int, dict[str, list[str]]] = {}

    def add(self, field: str, message) -> None:
        self.errors.setdefault(field, []).append(str(message))

    def add_member(self, index: int, field: str, message) -> None:
        self.member_errors.setdefault(index, {}).setdefault(field, []).append(str(message))

    def absorb(self, error: ValidationError, index: int | None = None) -> None:
        for field, messages in error.message_dict.items():
            for message in messages:
                if index is None:
                    self.add(field, message)
                else:
                    self.add_member(index, field, message)

    def raise_if_any(self) -> None:
        if self.errors or self.member_errors:
            raise HouseholdInvalid(self.errors, self.member_errors)


@transaction.atomic
def household_register(*, acting_user, data: Mapping, members: Sequence[Mapping]) -> Household:
    """Register a household and its members entered by hand, and return it.

    `data` holds the household's fields (HOUSEHOLD_FIELDS; places as model instances); `members` one
    mapping per person (MEMBER_FIELDS), ID and phone numbers as typed. The household gets a reference
    `REG-<8 digits>`. Raises PermissionDenied, or HouseholdInvalid naming every problem.
    """
    if not acting_user.has_perm("registry.register_household"):
        raise PermissionDenied
    unknown = set(data) - set(HOUSEHOLD_FIELDS)
    if unknown:
        raise TypeError(f"unknown household fields: {sorted(unknown)}")

    problems = _Problems()
    today = timezone.localdate()
    household = _household_from(data, problems, acting_user=acting_user, today=today)
    people = [_member_from(i, row, problems, today=today) for i, row in enumerate(members)]
    if not people:
        problems.add("__all__", MSG_NO_MEMBERS)
    _check_one_head(people, problems)
    numbers = _check_identifiers(people, problems)
    problems.raise_if_any()

    # The reference is made from the primary key, which exists only once the row is written.
    household.household_ref = f"REG-PENDING-{uuid.uuid4().hex}"
    household.save()
    household.household_ref = _free_reference(household.pk)
    household.save(update_fields=["household_ref"])

    for member_no, (member, _id_type, _number) in enumerate(people, start=1):
        member.household = household
        member.member_no = member_no
    Member.objects.bulk_create([member for member, _t, _n in people])
    identifiers = [Identifier(member=m, id_type=t, number=n) for m, t, n in people if n]
    try:
        # A savepoint: the constraint is the last word if another registration took a number meanwhile.
        with transaction.atomic():
            Identifier.objects.bulk_create(identifiers)
    except IntegrityError:
        _report_held_numbers(numbers, problems)
        problems.raise_if_any()
        raise

    audit_record(
        actor=acting_user,
        action="household.registered",
        subject=household,
        summary=gettext("Registered by hand with %(count)d members") % {"count": len(people)},
        changes={"household_ref": household.household_ref, "members": len(people)},
    )
    publish(HOUSEHOLDS_CHANGED, household_ids=[household.pk], reason="registered")
    return household


def _household_from(data: Mapping, problems: _Problems, *, acting_user, today: date) -> Household:
    values = {name: data.get(name) for name in HOUSEHOLD_FIELDS}
    for name in _FLAGS_DEFAULT_FALSE:
        values[name] = bool(values[name])
    for name in LIVESTOCK_FIELDS:
        values[name] = 0 if values[name] in (None, "") else values[name]
    values["land_acres"] = 0 if values["land_acres"] in (None, "") else values["land_acres"]
    for name in ("address", "enumerator", "phone"):
        values[name] = (values[name] or "").strip()

    if values["phone"]:
        try:
            values["phone"] = normalize_mobile(values["phone"])
        except InvalidIdentifier as error:
            problems.add("phone", error)
    household = Household(**values)
    try:
        # The database constraints are checked below, each with a message a person understands.
        household.full_clean(exclude=["household_ref"], validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        problems.absorb(error)

    if isinstance(values["rooms"], int) and values["rooms"] < 1:
        problems.add("rooms", MSG_NO_ROOMS)
    if values["land_acres"] is not None and _is_number(values["land_acres"]) and values["land_acres"] < 0:
        problems.add("land_acres", MSG_NEGATIVE_LAND)
    province, district, tehsil = values["province"], values["district"], values["tehsil"]
    if province is not None and district is not None and district.province_id != province.pk:
        problems.add("district", MSG_DISTRICT_NOT_IN_PROVINCE)
    if district is not None and tehsil is not None and tehsil.district_id != district.pk:
        problems.add("tehsil", MSG_TEHSIL_NOT_IN_DISTRICT)
    scope = district_scope(acting_user)
    if district is not None and scope is not None and district.pk not in scope:
        problems.add("district", MSG_DISTRICT_OUT_OF_SCOPE)
    if (values["latitude"] is None) != (values["longitude"] is None):
        problems.add("longitude" if values["longitude"] is None else "latitude", MSG_COORDINATES_PAIR)
    survey_date = values["survey_date"]
    if isinstance(survey_date, date) and survey_date > today:
        problems.add("survey_date", MSG_SURVEY_IN_FUTURE)
    return household


def _is_number(value) -> bool:
    return isinstance(value, int | float | Decimal)


def _member_from(index: int, row: Mapping, problems: _Problems, *, today: date):
    """A Member (not yet saved) with its ID type and normalised number ('' when it has none)."""
    unknown = set(row) - set(MEMBER_FIELDS)
    if unknown:
        raise TypeError(f"unknown member fields: {sorted(unknown)}")
    values = {name: row.get(name) for name in _MEMBER_MODEL_FIELDS}
    values["full_name"] = " ".join((values["full_name"] or "").split())
    for name in ("in_school", "pregnant", "lactating"):
        values[name] = bool(values[name])

    disability = values["disability"] or []
    if isinstance(disability, str):
        disability = [d.strip() for d in disability.split(";")]
    disability = [d for d in disability if d and d != "none"]
    for value in disability:
        if value not in Disability.values:
            problems.add_member(index, "disability", MSG_UNKNOWN_DISABILITY % {"value": value})
    values["disability"] = ";".join(d for d in Disability.values if d in disability)

    values["phone"] = (values["phone"] or "").strip()
    if values["phone"]:
        try:
            values["phone"] = normalize_mobile(values["phone"])
        except InvalidIdentifier as error:
            problems.add_member(index, "phone", error)

    member = Member(**values, name_key=name_key(values["full_name"]), member_no=index + 1)
    try:
        member.full_clean(
            exclude=["household", "name_key"], validate_unique=False, validate_constraints=False
        )
    except ValidationError as error:
        problems.absorb(error, index)
    if values["full_name"] and not member.name_key:
        problems.add_member(index, "full_name", MSG_NAME_WITHOUT_LETTERS)
    born = values["date_of_birth"]
    if isinstance(born, date) and born > today:
        problems.add_member(index, "date_of_birth", MSG_BORN_IN_FUTURE)
    elif isinstance(born, date) and born.year < 1900:
        problems.add_member(index, "date_of_birth", MSG_BORN_TOO_EARLY)
    if values["pregnant"] and values["sex"] != Sex.FEMALE:
        problems.add_member(index, "pregnant", MSG_PREGNANT_NOT_FEMALE)
    if values["lactating"] and values["sex"] != Sex.FEMALE:
        problems.add_member(index, "lactating", MSG_LACTATING_NOT_FEMALE)

    id_type = row.get("id_type") or IdType.NONE
    raw_number = (row.get("id_number") or "").strip()
    number = ""
    if id_type not in IdType.values:
        problems.add_member(index, "id_type", _("Choose CNIC, B-form or None."))
    elif id_type == IdType.NONE and raw_number:
        problems.add_member(index, "id_type", MSG_NUMBER_NEEDS_TYPE)
    elif id_type != IdType.NONE and not raw_number:
        problems.add_member(index, "id_number", MSG_ID_NEEDS_NUMBER)
    elif id_type != IdType.NONE:
        try:
            number = normalize_cnic(raw_number)
        except InvalidIdentifier as error:
            problems.add_member(index, "id_number", error)
    return member, id_type, number


def _check_one_head(people, problems: _Problems) -> None:
    heads = [i for i, (member, _t, _n) in enumerate(people) if member.relationship == Relationship.HEAD]
    if people and not heads:
        problems.add("__all__", MSG_NO_HEAD)
    if len(heads) > 1:
        problems.add("__all__", MSG_MANY_HEADS % {"count": len(heads)})
        for index in heads[1:]:
            problems.add_member(index, "relationship", MSG_ALSO_HEAD)


def _check_identifiers(people, problems: _Problems) -> dict[str, int]:
    """Numbers entered twice, and numbers already held by a living member elsewhere in the registry.
    Returns each number with the position of the member it was entered for."""
    numbers: dict[str, int] = {}
    for index, (_member, _id_type, number) in enumerate(people):
        if not number:
            continue
        if number in numbers:
            problems.add_member(index, "id_number", MSG_ID_TWICE % {"number": numbers[number] + 1})
        else:
            numbers[number] = index
    _report_held_numbers(numbers, problems)
    return numbers


def _report_held_numbers(numbers: dict[str, int], problems: _Problems) -> None:
    held = Identifier.objects.filter(number__in=list(numbers), active=True).select_related(
        "member__household"
    )
    for identifier in held:
        problems.add_member(
            numbers[identifier.number],
            "id_number",
            MSG_ID_HELD % {"ref": identifier.member.household.household_ref},
        )


def _free_reference(pk: int) -> str:
    """`REG-00000042` for household 42; a suffix in the unlikely case an imported survey used it."""
    reference, suffix = f"REG-{pk:08d}", 1
    while Household.objects.filter(household_ref=reference).exists():
        suffix += 1
        reference = f"REG-{pk:08d}-{suffix}"
    return reference
