"""The rules a change request must satisfy, checked when it is submitted and again when it is approved
(the household may have changed in between). Each rule raises `ChangeRequestError` with a constant,
translatable message that says what is wrong and where.

Values in a request's payload are kept as JSON: dates as ISO strings, decimals as strings with the
field's own number of decimal places, so that "the value has not changed since the request was made"
is a plain comparison.
"""

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ehsaas.core.identity import InvalidIdentifier, format_cnic, normalize_cnic, normalize_mobile
from ehsaas.registry import choices as c
from ehsaas.registry.models import Household, Identifier, Member


class ChangeRequestError(ValidationError):
    """A change request that cannot be submitted, approved or rejected, with the reason why."""


class RemovalCause(models.TextChoices):
    """Why a member leaves the household's active list. A death is final: the ID number is not given
    to anyone else. Someone who left, or a record entered twice, frees the number."""

    DIED = "died", _("Died")
    LEFT = "left", _("Left the household")
    DUPLICATE = "duplicate", _("Entered twice (duplicate entry)")


MSG_REASON_REQUIRED = _("Say why the change is needed: the reason is required.")
MSG_NOTE_REQUIRED = _("Say why the request is rejected: a note is required.")
MSG_MEMBER_REQUIRED = _("Choose the member the change is about.")
MSG_MEMBER_NOT_IN_HOUSEHOLD = _("%(name)s is not a member of household %(household)s.")
MSG_MEMBER_NOT_ACTIVE = _("%(name)s is no longer an active member of the household (status: %(status)s).")
MSG_HEAD_FIRST = _(
    "%(name)s is the head of household %(household)s: the head cannot be removed or moved. "
    "Change the head first."
)
MSG_ALREADY_HEAD = _("%(name)s is already the head of household %(household)s.")
MSG_ONE_HEAD = _(
    "Relationship: a household has exactly one head. Add the member with another relationship, "
    "then ask for a change of head."
)
MSG_NOT_HEAD_RELATIONSHIP = _("Relationship: choose a relationship other than head.")
MSG_TARGET_REQUIRED = _("Choose the household the member moves to.")
MSG_TARGET_NOT_VISIBLE = _("Household %(household)s does not exist or is outside the districts you work in.")
MSG_TARGET_SAME = _("The member is already in household %(household)s: choose another household.")
MSG_CAUSE = _("Cause: choose whether the member died, left the household or was entered twice.")
MSG_FIELD_PROBLEM = _("%(field)s: %(problem)s")
MSG_FIELD_NOT_CORRECTABLE = _("%(field)s cannot be corrected through a change request.")
MSG_TARGET_KIND = _("Choose whether the correction is to the household or to one of its members.")
MSG_SAME_VALUE = _("%(field)s: the new value is the same as the current one.")
MSG_CHANGED_SINCE = _(
    "%(field)s has changed since the request was made (it was %(old)s, it is now %(current)s). "
    "Reject this request and make a new one."
)
MSG_ID_HELD = _(
    "ID number %(number)s is already held by %(name)s, an active member of household %(household)s."
)
MSG_ID_DECEASED = _(
    "ID number %(number)s belonged to %(name)s of household %(household)s, recorded as deceased; "
    "it cannot be given to anyone else."
)
MSG_ID_NUMBER_FOR_NONE = _("ID number: leave it empty when the ID type is None.")
MSG_ID_TYPE_FOR_NUMBER = _("ID type: choose CNIC or B-form for a member with an ID number.")
MSG_DOB_FUTURE = _("Date of birth: it is in the future.")
MSG_DOB_TOO_OLD = _("Date of birth: it is more than 120 years ago.")
MSG_PREGNANT_FEMALE = _(
    "Pregnant / lactating: only a female member can be recorded as pregnant or lactating."
)
MSG_SEX_PREGNANT = _("Sex: the member is recorded as pregnant or lactating; correct that first.")
MSG_HEAD_RELATIONSHIP = _(
    "Relationship: to make someone the head, or the head someone else, ask for a change of head."
)
MSG_DISABILITY = _("Disability: %(value)s is not one of the recorded kinds of disability.")

# The member's fields a request to add a member carries (besides id_type / id_number).
MEMBER_INPUT_FIELDS = (
    "full_name", "sex", "date_of_birth", "relationship", "marital_status", "education", "in_school",
    "occupation", "disability", "pregnant", "lactating", "phone",
)  # fmt: skip
CORRECTABLE = {
    "household": (
        "address", "area", "phone", "rooms", "tenure", "walls", "toilet", "water", "cooking_fuel",
        "electricity", *c.ASSET_FIELDS, *c.LIVESTOCK_FIELDS, "land_acres", "latitude", "longitude",
    ),
    "member": (
        "full_name", "sex", "date_of_birth", "relationship", "marital_status", "education", "in_school",
        "occupation", "disability", "pregnant", "lactating", "phone", "id_number",
    ),
}  # fmt: skip
MODELS = {"household": Household, "member": Member}
ID_NUMBER = "id_number"


def error(message, **params) -> ChangeRequestError:
    return ChangeRequestError(message, params=params or None)


def field_label(target: str, name: str) -> str:
    if name == ID_NUMBER:
        return str(_("ID number"))
    return str(MODELS[target]._meta.get_field(name).verbose_name).capitalize()


def to_json(model, name: str, value):
    """A model value as it is kept in a payload."""
    if value is None:
        return None
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, f".{model._meta.get_field(name).decimal_places}f")
    return value


def current_id_number(member: Member) -> str:
    """The number of the member's active identifier, empty when they have none."""
    numbers = sorted((i.id_type != c.IdType.CNIC, i.number) for i in member.identifiers.all() if i.active)
    return numbers[0][1] if numbers else ""


def current_value(target: str, record, name: str):
    if name == ID_NUMBER:
        return current_id_number(record)
    return to_json(MODELS[target], name, getattr(record, name))


def clean_value(target: str, name: str, raw):
    """Validate one value for a model field; return it in payload form. Raises with the field named."""
    model = MODELS[target]
    label = field_label(target, name)
    if name == ID_NUMBER:
        return clean_id_number(raw, label=label)
    if name == "phone":
        return clean_phone(raw, label=label)
    if name == "disability":
        return clean_disability(raw)
    field = model._meta.get_field(name)
    if isinstance(raw, str):
        raw = raw.strip()
    if isinstance(field, models.BooleanField) and raw in ("", None):
        raw = False
    if field.null and raw == "":
        raw = None
    try:
        value = field.clean(raw, None)
    except ValidationError as exc:
        raise error(MSG_FIELD_PROBLEM, field=label, problem=" ".join(exc.messages)) from exc
    if name == "date_of_birth":
        check_date_of_birth(value)
    if name == "rooms" and value < 1:
        raise error(MSG_FIELD_PROBLEM, field=label, problem=_("there must be at least one room."))
    if name == "land_acres" and value < 0:
        raise error(MSG_FIELD_PROBLEM, field=label, problem=_("it cannot be negative."))
    return to_json(model, name, value)


def clean_id_number(raw, *, label: str) -> str:
    try:
        return normalize_cnic(str(raw or ""))
    except InvalidIdentifier as exc:
        raise error(MSG_FIELD_PROBLEM, field=label, problem=str(exc)) from exc


def clean_phone(raw, *, label: str) -> str:
    raw = str(raw or "").strip()
    if not raw:
        return ""
    try:
        return normalize_mobile(raw)
    except InvalidIdentifier as exc:
        raise error(MSG_FIELD_PROBLEM, field=label, problem=str(exc)) from exc


def clean_disability(raw) -> str:
    values = raw if isinstance(raw, list | tuple) else str(raw or "").split(";")
    chosen = {v.strip() for v in values if v and v.strip() and v.strip() != "none"}
    for value in sorted(chosen):
        if value not in c.Disability.values:
            raise error(MSG_DISABILITY, value=value)
    return ";".join(v for v in c.Disability.values if v in chosen)


def check_date_of_birth(value: date) -> None:
    today = timezone.localdate()
    if value > today:
        raise error(MSG_DOB_FUTURE)
    if value.year < today.year - 120:
        raise error(MSG_DOB_TOO_OLD)


def clean_member_fields(payload: dict) -> dict:
    """The fields of a member to add, validated and normalised, with the ID type and number."""
    cleaned = {name: clean_value("member", name, payload.get(name)) for name in MEMBER_INPUT_FIELDS}
    if cleaned["relationship"] == c.Relationship.HEAD:
        raise error(MSG_ONE_HEAD)
    if (cleaned["pregnant"] or cleaned["lactating"]) and cleaned["sex"] != c.Sex.FEMALE:
        raise error(MSG_PREGNANT_FEMALE)
    id_type = str(payload.get("id_type") or c.IdType.NONE)
    raw_number = str(payload.get("id_number") or "").strip()
    if id_type not in c.IdType.values:
        raise error(MSG_ID_TYPE_FOR_NUMBER)
    if id_type == c.IdType.NONE and raw_number:
        raise error(MSG_ID_NUMBER_FOR_NONE)
    cleaned["id_type"] = id_type
    has_number = id_type != c.IdType.NONE
    cleaned["id_number"] = clean_id_number(raw_number, label=_("ID number")) if has_number else ""
    return cleaned


def check_id_available(number: str, *, for_member: Member | None = None) -> None:
    """One number belongs to one living member in the whole registry; a dead member's number is never
    given to anyone else. Numbers freed by a removal (left, entered twice) or a correction may be reused."""
    holders = (
        Identifier.objects.filter(number=number)
        .exclude(member=for_member)
        .filter(models.Q(active=True) | models.Q(member__status=c.MemberStatus.DECEASED))
        .select_related("member__household")
        .order_by("-active")
    )
    holder = holders.first()
    if holder is None:
        return
    params = {
        "number": format_cnic(number),
        "name": holder.member.full_name,
        "household": holder.member.household.household_ref,
    }
    raise error(MSG_ID_HELD if holder.active else MSG_ID_DECEASED, **params)


def check_member(member: Member | None, household: Household, *, movable: bool = False) -> Member:
    """The member exists, belongs to the household and is active; a head cannot be removed or moved."""
    if member is None:
        raise error(MSG_MEMBER_REQUIRED)
    if member.household_id != household.pk:
        raise error(MSG_MEMBER_NOT_IN_HOUSEHOLD, name=member.full_name, household=household.household_ref)
    if member.status != c.MemberStatus.ACTIVE:
        raise error(MSG_MEMBER_NOT_ACTIVE, name=member.full_name, status=member.get_status_display())
    if movable and member.relationship == c.Relationship.HEAD:
        raise error(MSG_HEAD_FIRST, name=member.full_name, household=household.household_ref)
    return member


def check_not_head_relationship(value) -> str:
    if value not in c.Relationship.values or value == c.Relationship.HEAD:
        raise error(MSG_NOT_HEAD_RELATIONSHIP)
    return value


def check_correction(
    *, household: Household, member: Member | None, payload: dict
) -> tuple[str, str, object]:
    """The target, field and new value of a correction; the new value validated against the record."""
    target = payload.get("target")
    if target not in CORRECTABLE:
        raise error(MSG_TARGET_KIND)
    name = str(payload.get("field") or "")
    if name not in CORRECTABLE[target]:
        raise error(MSG_FIELD_NOT_CORRECTABLE, field=name or "?")
    record = household if target == "household" else check_member(member, household)
    new = clean_value(target, name, payload.get("new"))
    label = field_label(target, name)
    if new == current_value(target, record, name):
        raise error(MSG_SAME_VALUE, field=label)
    if target == "member":
        check_member_correction(record, name, new)
    return target, name, new


def check_member_correction(member: Member, name: str, new) -> None:
    if name == "relationship" and c.Relationship.HEAD in (new, member.relationship):
        raise error(MSG_HEAD_RELATIONSHIP)
    if name == "sex" and new != c.Sex.FEMALE and (member.pregnant or member.lactating):
        raise error(MSG_SEX_PREGNANT)
    if name in ("pregnant", "lactating") and new and member.sex != c.Sex.FEMALE:
        raise error(MSG_PREGNANT_FEMALE)
    if name == ID_NUMBER:
        check_id_available(new, for_member=member)


def head_of(household: Household) -> Member | None:
    return household.members.filter(relationship=c.Relationship.HEAD, status=c.MemberStatus.ACTIVE).first()
