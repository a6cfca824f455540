"""What an approved change request does to the registry: one function per kind of change, each
returning the effects to record in the households' histories as (household, action, summary, changes).

They run after `services.changes` has checked the request again under lock; the writes are ordered so
that the database constraints (one active head per household, one living holder per ID number) hold
after every statement.
"""

from datetime import date

from django.db.models import Max
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ehsaas.core.identity import mask_cnic
from ehsaas.core.names import name_key
from ehsaas.registry import choices as c
from ehsaas.registry.models import Household, Identifier, Member
from ehsaas.registry.services.change_checks import (
    ID_NUMBER,
    MODELS,
    RemovalCause,
    error,
    field_label,
    head_of,
)

MSG_HEAD_CHANGED_SINCE = gettext_lazy(
    "The head of household %(household)s has changed since the request was made. "
    "Reject this request and make a new one."
)


def _next_member_no(household: Household) -> int:
    return (Member.objects.filter(household=household).aggregate(n=Max("member_no"))["n"] or 0) + 1


def apply_add(*, household, payload, **_unused) -> list[tuple]:
    fields = {name: payload[name] for name in payload if name not in ("id_type", "id_number")}
    fields["date_of_birth"] = date.fromisoformat(fields["date_of_birth"])
    member = Member.objects.create(
        household=household,
        member_no=_next_member_no(household),
        name_key=name_key(fields["full_name"]),
        status=c.MemberStatus.ACTIVE,
        **fields,
    )
    if payload["id_number"]:
        Identifier.objects.create(member=member, id_type=payload["id_type"], number=payload["id_number"])
    summary = _("Member added: %(name)s") % {"name": member.full_name}
    return [(household, "member.added", summary, {"member": member.pk, "member_no": member.member_no})]


def apply_remove(*, household, member, payload, **_unused) -> list[tuple]:
    status = c.MemberStatus.DECEASED if payload["cause"] == RemovalCause.DIED else c.MemberStatus.REMOVED
    member.status = status
    member.save(update_fields=["status"])
    numbers = _deactivate_identifiers(member)
    summary = _("Member removed: %(name)s (%(cause)s)") % {
        "name": member.full_name,
        "cause": RemovalCause(payload["cause"]).label,
    }
    changes = {
        "member": member.pk,
        "status": [c.MemberStatus.ACTIVE, status],
        "cause": payload["cause"],
        "identifiers_deactivated": numbers,
    }
    return [(household, "member.removed", summary, changes)]


def _deactivate_identifiers(member: Member) -> list[str]:
    active = Identifier.objects.filter(member=member, active=True)
    numbers = [mask_cnic(n) for n in active.values_list("number", flat=True)]
    active.update(active=False)
    return numbers


def apply_move(*, household, member, target, payload, **_unused) -> list[tuple]:
    old_no, old_relationship = member.member_no, member.relationship
    member.household = target
    member.member_no = _next_member_no(target)
    member.relationship = payload["relationship"]
    member.save(update_fields=["household", "member_no", "relationship"])
    changes = {
        "member": member.pk,
        "from": household.household_ref,
        "to": target.household_ref,
        "member_no": [old_no, member.member_no],
        "relationship": [old_relationship, member.relationship],
    }
    params = {"name": member.full_name, "from": household.household_ref, "to": target.household_ref}
    return [
        (household, "member.moved", _("Member moved out: %(name)s, to household %(to)s") % params, changes),
        (target, "member.moved", _("Member moved in: %(name)s, from household %(from)s") % params, changes),
    ]


def apply_change_head(*, household, member, payload, **_unused) -> list[tuple]:
    old_head = head_of(household)
    if old_head is None or old_head.pk != payload["old_head"]:
        raise error(MSG_HEAD_CHANGED_SINCE, household=household.household_ref)
    # One active head per household is a database constraint: the old head steps down first.
    old_head.relationship = payload["old_head_relationship"]
    old_head.save(update_fields=["relationship"])
    new_head_relationship = member.relationship
    member.relationship = c.Relationship.HEAD
    member.save(update_fields=["relationship"])
    summary = _("Head changed: %(old)s to %(new)s") % {"old": old_head.full_name, "new": member.full_name}
    changes = {
        "old_head": {"member": old_head.pk, "relationship": [c.Relationship.HEAD, old_head.relationship]},
        "new_head": {"member": member.pk, "relationship": [new_head_relationship, c.Relationship.HEAD]},
    }
    return [(household, "head.changed", summary, changes)]


def apply_correction(*, household, member, payload, **_unused) -> list[tuple]:
    target, name, old, new = payload["target"], payload["field"], payload["old"], payload["new"]
    record = household if target == "household" else member
    label = field_label(target, name)
    if name == ID_NUMBER:
        Identifier.objects.filter(member=member, active=True, number=old).update(active=False)
        Identifier.objects.create(member=member, id_type=payload["id_type"], number=new)
        old, new = (mask_cnic(old) if old else ""), mask_cnic(new)
    else:
        setattr(record, name, MODELS[target]._meta.get_field(name).to_python(new))
        update_fields = [name]
        if name == "full_name":
            record.name_key = name_key(new)
            update_fields.append("name_key")
        if target == "household":
            update_fields.append("updated_at")
        record.save(update_fields=update_fields)
    summary = _("%(field)s corrected for %(record)s") % {"field": label, "record": str(record)}
    changes = {"target": target, "field": name, name: [old, new]}
    if target == "member":
        changes["member"] = member.pk
    return [(household, f"{target}.corrected", summary, changes)]


APPLIERS = {
    c.ChangeKind.ADD_MEMBER: apply_add,
    c.ChangeKind.REMOVE_MEMBER: apply_remove,
    c.ChangeKind.MOVE_MEMBER: apply_move,
    c.ChangeKind.CHANGE_HEAD: apply_change_head,
    c.ChangeKind.CORRECT_FIELD: apply_correction,
}
