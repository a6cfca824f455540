"""Change requests: one person asks for a change to a household, another approves or rejects it
(maker-checker).

A request is validated when it is submitted and again when it is approved, because the household may
have changed in between. Once submitted its content is frozen: these services never edit the kind, the
member, the payload or the reason; they write only the decision. Every step writes audit events whose
subject is the household (both households for a move), so each household's history shows it.
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ehsaas.core.events import HOUSEHOLDS_CHANGED, publish
from ehsaas.core.identity import mask_cnic
from ehsaas.core.maker_checker import maker_checker_decide, maker_checker_ensure_open
from ehsaas.core.services import audit_record
from ehsaas.registry import choices as c
from ehsaas.registry.models import ChangeRequest, Household, Member
from ehsaas.registry.selectors import household_get_for_user, households_for_user, members_for_user
from ehsaas.registry.services.change_apply import APPLIERS
from ehsaas.registry.services.change_checks import (
    ID_NUMBER,
    MSG_ALREADY_HEAD,
    MSG_CAUSE,
    MSG_CHANGED_SINCE,
    MSG_MEMBER_NOT_IN_HOUSEHOLD,
    MSG_NOTE_REQUIRED,
    MSG_REASON_REQUIRED,
    MSG_TARGET_NOT_VISIBLE,
    MSG_TARGET_REQUIRED,
    MSG_TARGET_SAME,
    ChangeRequestError,
    RemovalCause,
    check_correction,
    check_id_available,
    check_member,
    check_not_head_relationship,
    clean_member_fields,
    current_value,
    error,
    field_label,
    head_of,
)

__all__ = [
    "ChangeRequestError",
    "change_request_approve",
    "change_request_reject",
    "change_request_submit",
]

MSG_KIND = gettext_lazy("Choose what kind of change is requested.")
MSG_OWN_REQUEST = gettext_lazy("You made this request: another person must approve or reject it.")
MSG_ALREADY_DECIDED = gettext_lazy("This request has already been decided (%(status)s).")
MSG_ID_TYPE_FOR_NEW_NUMBER = gettext_lazy("ID type: choose CNIC or B-form for the new number.")
MSG_NO_HEAD = gettext_lazy("Household %(household)s has no head to replace.")


@transaction.atomic
def change_request_submit(
    *,
    acting_user,
    household: Household,
    kind: str,
    member: Member | None = None,
    target_household: Household | None = None,
    payload: dict,
    reason: str,
) -> ChangeRequest:
    """Record a request for a change, after checking it could be applied as it stands now."""
    if not acting_user.has_perm("registry.request_change"):
        raise PermissionDenied
    household = household_get_for_user(user=acting_user, pk=household.pk)
    reason = (reason or "").strip()
    if not reason:
        raise error(MSG_REASON_REQUIRED)
    if kind not in c.ChangeKind.values:
        raise error(MSG_KIND)
    member = _visible_member(acting_user, member, household)
    target = _visible_target(acting_user, target_household) if kind == c.ChangeKind.MOVE_MEMBER else None
    checked = _check(kind, household=household, member=member, target=target, payload=payload or {})
    request = ChangeRequest.objects.create(
        household=household,
        kind=kind,
        member=member if kind != c.ChangeKind.ADD_MEMBER else None,
        target_household=target,
        payload=checked,
        reason=reason,
        requested_by=acting_user,
    )
    summary = _("Change request #%(number)s: %(kind)s") % {
        "number": request.pk,
        "kind": request.get_kind_display(),
    }
    for subject in _households_of(request):
        audit_record(
            actor=acting_user,
            action="change.requested",
            subject=subject,
            summary=summary,
            reason=reason,
            changes={"change_request": request.pk, "kind": kind, "payload": _masked(checked)},
        )
    return request


@transaction.atomic
def change_request_approve(*, acting_user, change_request: ChangeRequest, note: str = "") -> ChangeRequest:
    """Apply the change, after checking again that it can be applied, and record the decision."""
    if not acting_user.has_perm("registry.decide_change"):
        raise PermissionDenied
    request = _open_for_decision(acting_user, change_request)
    effects = _apply(acting_user, request)
    maker_checker_decide(request, acting_user=acting_user, status=c.ChangeStatus.APPROVED, note=note)
    summary = _("Change request #%(number)s approved: %(kind)s")
    _audit_decision(acting_user, request, "change.approved", summary, reason=request.decision_note)
    for subject, action, effect_summary, changes in effects:
        audit_record(
            actor=acting_user,
            action=action,
            subject=subject,
            summary=effect_summary,
            reason=request.reason,
            changes={"change_request": request.pk, **changes},
        )
    changed = sorted({household.pk for household, *_effect in effects})
    publish(HOUSEHOLDS_CHANGED, household_ids=changed, reason="changed")
    return request


@transaction.atomic
def change_request_reject(*, acting_user, change_request: ChangeRequest, note: str) -> ChangeRequest:
    """Record that the change will not be made, and why. Nothing in the household changes."""
    if not acting_user.has_perm("registry.decide_change"):
        raise PermissionDenied
    note = (note or "").strip()
    if not note:
        raise error(MSG_NOTE_REQUIRED)
    request = _open_for_decision(acting_user, change_request)
    maker_checker_decide(request, acting_user=acting_user, status=c.ChangeStatus.REJECTED, note=note)
    _audit_decision(
        acting_user, request, "change.rejected", _("Change request #%(number)s rejected: %(kind)s"), note
    )
    return request


def _audit_decision(acting_user, request: ChangeRequest, action: str, summary: str, reason: str) -> None:
    """The decision, in the history of every household the request touches."""
    summary = summary % {"number": request.pk, "kind": request.get_kind_display()}
    for subject in _households_of(request):
        audit_record(
            actor=acting_user,
            action=action,
            subject=subject,
            summary=summary,
            reason=reason,
            changes={"change_request": request.pk, "requested_by": request.requested_by.get_username()},
        )


# --- checks shared by submission and approval ------------------------------------------------------


def _visible_member(user, member: Member | None, household: Household) -> Member | None:
    """The member as stored now, if the user may see them (check_member then says where they are)."""
    if member is None:
        return None
    visible = members_for_user(user=user).filter(pk=member.pk).prefetch_related("identifiers").first()
    if visible is None:
        raise error(MSG_MEMBER_NOT_IN_HOUSEHOLD, name=member.full_name, household=household.household_ref)
    return visible


def _visible_target(user, target: Household | None) -> Household:
    if target is None:
        raise error(MSG_TARGET_REQUIRED)
    visible = households_for_user(user=user).filter(pk=target.pk).first()
    if visible is None:
        raise error(MSG_TARGET_NOT_VISIBLE, household=target.household_ref)
    return visible


def _check(kind: str, *, household: Household, member, target, payload: dict) -> dict:
    """The payload of a request of this kind, validated against the records as they are now."""
    if kind == c.ChangeKind.ADD_MEMBER:
        fields = clean_member_fields(payload)
        if fields["id_number"]:
            check_id_available(fields["id_number"])
        return fields
    if kind == c.ChangeKind.REMOVE_MEMBER:
        check_member(member, household, movable=True)
        if payload.get("cause") not in RemovalCause.values:
            raise error(MSG_CAUSE)
        return {"cause": payload["cause"]}
    if kind == c.ChangeKind.MOVE_MEMBER:
        check_member(member, household, movable=True)
        if target.pk == household.pk:
            raise error(MSG_TARGET_SAME, household=household.household_ref)
        return {
            "relationship": check_not_head_relationship(payload.get("relationship")),
            "old_relationship": member.relationship,
        }
    if kind == c.ChangeKind.CHANGE_HEAD:
        check_member(member, household)
        if member.relationship == c.Relationship.HEAD:
            raise error(MSG_ALREADY_HEAD, name=member.full_name, household=household.household_ref)
        head = head_of(household)
        if head is None:
            raise error(MSG_NO_HEAD, household=household.household_ref)
        return {
            "old_head_relationship": check_not_head_relationship(payload.get("old_head_relationship")),
            "old_head": head.pk,
            "old_head_name": head.full_name,
            "new_head_old_relationship": member.relationship,
        }
    target_kind, name, new = check_correction(household=household, member=member, payload=payload)
    record = household if target_kind == "household" else member
    old = current_value(target_kind, record, name)
    checked = {"target": target_kind, "field": name, "old": old, "new": new}
    if name == ID_NUMBER:
        checked["id_type"] = _id_type_for_correction(member, payload.get("id_type"))
    return checked


def _id_type_for_correction(member: Member, requested) -> str:
    current = [i.id_type for i in member.identifiers.all() if i.active]
    if current:
        return current[0]
    if requested not in (c.IdType.CNIC, c.IdType.B_FORM):
        raise error(MSG_ID_TYPE_FOR_NEW_NUMBER)
    return requested


def _open_for_decision(user, change_request: ChangeRequest) -> ChangeRequest:
    """The request, re-read under a lock, still waiting for a decision, decided by someone else."""
    household_get_for_user(user=user, pk=change_request.household_id)
    locked = ChangeRequest.objects.select_for_update(of=("self",)).filter(pk=change_request.pk)
    request = locked.select_related("household", "target_household", "requested_by").get()
    maker_checker_ensure_open(
        request,
        acting_user=user,
        refused=ChangeRequestError,
        own_message=MSG_OWN_REQUEST,
        decided_message=MSG_ALREADY_DECIDED,
    )
    return request


def _households_of(request: ChangeRequest) -> list[Household]:
    return [h for h in (request.household, request.target_household) if h is not None]


def _masked(payload: dict) -> dict:
    """ID numbers appear masked in the audit trail; the request itself keeps them whole."""
    masked = dict(payload)
    keys = ("old", "new") if masked.get("field") == ID_NUMBER else ("id_number",)
    for key in keys:
        if masked.get(key):
            masked[key] = mask_cnic(masked[key])
    return masked


# --- applying an approved request ---------------------------------------------------------------------


def _apply(user, request: ChangeRequest) -> list[tuple]:
    """Check the request again against the records as they are now, then make the change.
    Returns the effects to audit: (household, action, summary, changes)."""
    households = sorted(_households_of(request), key=lambda h: h.pk)
    # Lock the households (in id order, so two approvals cannot deadlock) before reading their members.
    list(Household.objects.select_for_update().filter(pk__in=[h.pk for h in households]).values_list("pk"))
    household = household_get_for_user(user=user, pk=request.household_id)
    member = _visible_member(user, request.member, household) if request.member_id else None
    target = _visible_target(user, request.target_household) if request.target_household_id else None
    payload = request.payload
    if request.kind == c.ChangeKind.CORRECT_FIELD:
        _check_unchanged(household, member, payload)
    _check(request.kind, household=household, member=member, target=target, payload=payload)
    return APPLIERS[request.kind](household=household, member=member, target=target, payload=payload)


def _check_unchanged(household: Household, member: Member | None, payload: dict) -> None:
    target, name = payload["target"], payload["field"]
    record = household if target == "household" else member
    if record is None:
        return  # check_correction names the missing member
    current = current_value(target, record, name)
    if current != payload["old"]:
        raise error(
            MSG_CHANGED_SINCE,
            field=field_label(target, name),
            old=_shown(payload["old"]),
            current=_shown(current),
        )


def _shown(value) -> str:
    return "—" if value in (None, "") else str(value)
