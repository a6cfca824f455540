"""How a change request reads on its page: rows of (what, before, after), from the frozen request.

Values are shown as people read them: choice labels, yes/no, dates, ID and phone numbers with dashes.
"""

from dataclasses import dataclass
from datetime import date

from django.utils import formats
from django.utils.translation import gettext as _

from ehsaas.core.identity import format_cnic, format_mobile
from ehsaas.registry import choices as c
from ehsaas.registry.models import ChangeRequest
from ehsaas.registry.services.change_checks import (
    ID_NUMBER,
    MEMBER_INPUT_FIELDS,
    MODELS,
    RemovalCause,
    current_value,
    field_label,
)

NOTHING = "—"
RELATIONSHIP = dict(c.Relationship.choices)


@dataclass
class Row:
    label: str
    before: str
    after: str
    highlight: bool = True  # a new member's fields are all new: nothing to pick out

    @property
    def changed(self) -> bool:
        return self.highlight and self.before != self.after


def shown(target: str, name: str, value) -> str:
    """A payload value as a person reads it."""
    if value in (None, ""):
        return NOTHING
    if name in (ID_NUMBER, "number") and isinstance(value, str) and len(value) == 13:
        return format_cnic(value)
    if name == "phone" and str(value).startswith("+92"):
        return format_mobile(value)
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if name == "disability":
        labels = dict(c.Disability.choices)
        return ", ".join(str(labels.get(v, v)) for v in str(value).split(";") if v) or NOTHING
    if name in ("date_of_birth", "survey_date"):
        return formats.date_format(date.fromisoformat(value), "j M Y")
    if name != ID_NUMBER:
        choices = dict(MODELS[target]._meta.get_field(name).choices or ())
        if choices:
            return str(choices.get(value, value))
    return str(value)


def change_rows(request: ChangeRequest) -> list[Row]:
    """What the request asks, field by field, as it was made."""
    payload, kind = request.payload, request.kind
    if kind == c.ChangeKind.ADD_MEMBER:
        rows = [
            Row(field_label("member", n), NOTHING, shown("member", n, payload.get(n)))
            for n in MEMBER_INPUT_FIELDS
        ]
        id_type = dict(c.IdType.choices).get(payload.get("id_type"), NOTHING)
        rows.append(Row(_("ID type"), NOTHING, str(id_type)))
        rows.append(Row(_("ID number"), NOTHING, shown("member", ID_NUMBER, payload.get("id_number"))))
        return rows
    if kind == c.ChangeKind.REMOVE_MEMBER:
        cause = payload.get("cause")
        status = c.MemberStatus.DECEASED if cause == RemovalCause.DIED else c.MemberStatus.REMOVED
        return [
            Row(_("Member"), request.member.full_name, request.member.full_name),
            Row(_("Status"), str(c.MemberStatus.ACTIVE.label), str(status.label)),
            Row(_("Cause"), NOTHING, str(dict(RemovalCause.choices).get(cause, cause))),
            Row(_("ID numbers"), _("active"), _("inactive")),
        ]
    if kind == c.ChangeKind.MOVE_MEMBER:
        return [
            Row(_("Member"), request.member.full_name, request.member.full_name),
            Row(_("Household"), request.household.household_ref, request.target_household.household_ref),
            Row(
                _("Relationship to head"),
                str(RELATIONSHIP.get(payload.get("old_relationship"), NOTHING)),
                str(RELATIONSHIP.get(payload.get("relationship"), NOTHING)),
            ),
        ]
    if kind == c.ChangeKind.CHANGE_HEAD:
        old_head = payload.get("old_head_name", NOTHING)
        return [
            Row(_("Head"), old_head, request.member.full_name),
            Row(
                _("Relationship of %(name)s") % {"name": old_head},
                str(c.Relationship.HEAD.label),
                str(RELATIONSHIP.get(payload.get("old_head_relationship"), NOTHING)),
            ),
            Row(
                _("Relationship of %(name)s") % {"name": request.member.full_name},
                str(RELATIONSHIP.get(payload.get("new_head_old_relationship"), NOTHING)),
                str(c.Relationship.HEAD.label),
            ),
        ]
    target, name = payload.get("target"), payload.get("field")
    label = field_label(target, name)
    if target == "member":
        label = f"{label} ({request.member.full_name})"
    return [Row(label, shown(target, name, payload.get("old")), shown(target, name, payload.get("new")))]


def changed_since(request: ChangeRequest) -> str | None:
    """For a correction still waiting: the value recorded now, when it is no longer the one the request
    was made against (approval will then be refused)."""
    payload = request.payload
    if request.kind != c.ChangeKind.CORRECT_FIELD or request.status != c.ChangeStatus.SUBMITTED:
        return None
    target, name = payload["target"], payload["field"]
    record = request.household if target == "household" else request.member
    now = current_value(target, record, name)
    return None if now == payload["old"] else shown(target, name, now)
