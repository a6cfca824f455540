"""Handling a complaint once received: an officer takes it up, a supervisor assigns it, its category is
changed to what it is really about, notes are written on its history, it is resolved with a reason the
complainant reads, and the complainant may appeal the resolution once. Who may act on a complaint
(`may_act`, `supervises`) is decided here; opening a re-survey (`resurveys`) uses the same checks."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _

from ehsaas.grievances import notify
from ehsaas.grievances.assignment import SUPERVISE, Assigner, covers, may_handle, may_see_category
from ehsaas.grievances.choices import ComplaintStatus, EventKind
from ehsaas.grievances.models import Category, Complaint, ComplaintEvent
from ehsaas.grievances.selectors import complaints_for_user
from ehsaas.grievances.services import ComplaintRefused
from ehsaas.grievances.services.history import audit, step
from ehsaas.grievances.services.receiving import MSG_CATEGORY, sla_due_at

MSG_NOT_OPEN = _("Complaint %(number)s is %(status)s: it cannot be changed now.")
MSG_NOT_YOURS = _(
    "Complaint %(number)s is handled by %(officer)s: only they or a supervisor of the area may act on it."
)
MSG_CANNOT_TAKE = _(
    "Complaint %(number)s is %(status)s: only a received or assigned complaint can be taken up."
)
MSG_OFFICER = _("%(officer)s cannot be given complaints of this category.")
MSG_RESOLUTION = _("Write the reason for the resolution: the complainant reads it.")
MSG_NOTE = _("Write the note.")
MSG_APPEAL_REASON = _("Say why the resolution is not right.")
MSG_NOT_RESOLVED = _("Complaint %(number)s is not resolved yet: there is nothing to appeal.")
MSG_APPEALED_ALREADY = _("Complaint %(number)s was appealed already: a complaint can be appealed once.")
MSG_SAME_CATEGORY = _("The complaint is in this category already.")


def locked(acting_user, complaint: Complaint) -> Complaint:
    """The complaint as it is now, locked until the transaction ends, if the user may see it."""
    found = (
        complaints_for_user(user=acting_user).select_for_update(of=("self",)).filter(pk=complaint.pk).first()
    )
    if found is None:
        raise PermissionDenied
    return found


def supervises(user, complaint: Complaint) -> bool:
    """A supervisor of the complaint's area (or the one it went to) who may see its category."""
    return (
        user.has_perm(SUPERVISE)
        and may_see_category(user, complaint.category)
        and (complaint.supervisor_id == user.pk or covers(user, complaint.district_id))
    )


def may_act(user, complaint: Complaint) -> bool:
    """Whether `user` may work on the complaint: the officer who has it, a handler taking an unassigned
    one, or a supervisor of its area."""
    if supervises(user, complaint):
        return True
    return may_handle(user, complaint.category) and complaint.assigned_to_id in (None, user.pk)


def ensure_open(complaint: Complaint) -> None:
    """Refuse a change to a complaint that is resolved or closed."""
    if not complaint.is_open:
        raise ComplaintRefused(
            MSG_NOT_OPEN,
            params={"number": complaint.tracking_number, "status": complaint.get_status_display()},
        )


def ensure_may_act(user, complaint: Complaint) -> None:
    """Refuse anyone who neither handles nor supervises complaints, and name the officer who has this one
    to anyone else."""
    if not (user.has_perm("grievances.handle_complaint") or user.has_perm(SUPERVISE)):
        raise PermissionDenied
    if not may_act(user, complaint):
        raise ComplaintRefused(
            MSG_NOT_YOURS, params={"number": complaint.tracking_number, "officer": complaint.assigned_to}
        )


@transaction.atomic
def complaint_take(*, acting_user, complaint: Complaint) -> Complaint:
    """An officer takes up a complaint from the queue: it is theirs, being handled, and the complainant
    is told."""
    complaint = locked(acting_user, complaint)
    if complaint.status not in (ComplaintStatus.RECEIVED, ComplaintStatus.ASSIGNED):
        raise ComplaintRefused(
            MSG_CANNOT_TAKE,
            params={"number": complaint.tracking_number, "status": complaint.get_status_display()},
        )
    ensure_may_act(acting_user, complaint)
    if not may_handle(acting_user, complaint.category):
        raise PermissionDenied
    now = timezone.now()
    complaint.assigned_to, complaint.status = acting_user, ComplaintStatus.IN_PROGRESS
    complaint.save(update_fields=["assigned_to", "status"])
    step(complaint, EventKind.TAKEN, acting_user, now)
    audit(acting_user, complaint, "taken", _("taken up"))
    notify.complaint_notify(complaint, notify.ASSIGNED)
    return complaint


@transaction.atomic
def complaint_assign(*, acting_user, complaint: Complaint, officer, note: str = "") -> Complaint:
    """A supervisor gives a complaint of their area to an officer able to handle it."""
    complaint = locked(acting_user, complaint)
    if not supervises(acting_user, complaint):
        raise PermissionDenied
    ensure_open(complaint)
    if not may_handle(officer, complaint.category):
        raise ComplaintRefused(MSG_OFFICER, params={"officer": officer})
    complaint.assigned_to = officer
    fields = ["assigned_to"]
    if complaint.status in (ComplaintStatus.RECEIVED, ComplaintStatus.IN_PROGRESS):
        complaint.status = ComplaintStatus.ASSIGNED
        fields.append("status")
    complaint.save(update_fields=fields)
    step(complaint, EventKind.ASSIGNED, acting_user, timezone.now(), (note or "").strip())
    audit(acting_user, complaint, "assigned", _("assigned to %(officer)s") % {"officer": officer},
          reason=note, officer=officer.pk)  # fmt: skip
    return complaint


@transaction.atomic
def complaint_recategorise(
    *, acting_user, complaint: Complaint, category: Category, note: str = ""
) -> Complaint:
    """Put a complaint in the category it is really about (an SMS arrives uncategorised): its due date
    follows the new category's SLA, and when the one who has it may not handle the new category (it is
    sensitive), it goes where the rules send it."""
    complaint = locked(acting_user, complaint)
    ensure_open(complaint)
    ensure_may_act(acting_user, complaint)
    if category.pk == complaint.category_id:
        raise ComplaintRefused(MSG_SAME_CATEGORY)
    if not category.active:
        raise ComplaintRefused(MSG_CATEGORY)
    before = complaint.category
    complaint.category = category
    start = complaint.appealed_at or complaint.received_at
    complaint.due_at, complaint.warned_at = sla_due_at(category, start), None
    fields = ["category", "due_at", "warned_at"]
    if complaint.assigned_to is not None and not may_handle(complaint.assigned_to, category):
        officer, supervisor = Assigner().route(district_id=complaint.district_id, category=category)
        complaint.assigned_to, complaint.supervisor = officer, supervisor or complaint.supervisor
        if complaint.status == ComplaintStatus.IN_PROGRESS or officer is None:
            complaint.status = ComplaintStatus.ASSIGNED if officer else ComplaintStatus.RECEIVED
        fields += ["assigned_to", "supervisor", "status"]
    complaint.save(update_fields=fields)
    step(complaint, EventKind.RECATEGORISED, acting_user, timezone.now(),
         f"{before.name} → {category.name}" + (f": {note.strip()}" if (note or "").strip() else ""))  # fmt: skip
    audit(acting_user, complaint, "recategorised", _("category changed"), reason=note,
          category=[before.code, category.code])  # fmt: skip
    return complaint


@transaction.atomic
def complaint_note(*, acting_user, complaint: Complaint, note: str) -> ComplaintEvent:
    """A note on the complaint's history (a call made, a visit, what was found)."""
    complaint = locked(acting_user, complaint)
    ensure_may_act(acting_user, complaint)
    note = (note or "").strip()
    if not note:
        raise ComplaintRefused({"note": [_g(MSG_NOTE)]})
    event = step(complaint, EventKind.NOTE, acting_user, timezone.now(), note)
    audit(acting_user, complaint, "noted", _("note added"), reason=note)
    return event


@transaction.atomic
def complaint_resolve(*, acting_user, complaint: Complaint, resolution: str) -> Complaint:
    """Resolve a complaint with a written reason the complainant reads (and is sent)."""
    complaint = locked(acting_user, complaint)
    ensure_open(complaint)
    ensure_may_act(acting_user, complaint)
    resolution = (resolution or "").strip()
    if not resolution:
        raise ComplaintRefused({"resolution": [_g(MSG_RESOLUTION)]})
    now = timezone.now()
    complaint.status, complaint.resolution = ComplaintStatus.RESOLVED, resolution
    complaint.resolved_at, complaint.resolved_by = now, acting_user
    if complaint.assigned_to is None:
        complaint.assigned_to = acting_user
    complaint.save(update_fields=["status", "resolution", "resolved_at", "resolved_by", "assigned_to"])
    step(complaint, EventKind.RESOLVED, acting_user, now, resolution)
    audit(acting_user, complaint, "resolved", _("resolved"), reason=resolution)
    notify.complaint_notify(complaint, notify.RESOLVED)
    return complaint


@transaction.atomic
def complaint_appeal(*, acting_user, complaint: Complaint, reason: str) -> Complaint:
    """The complainant disagrees with the resolution, once: the complaint opens again and goes to a
    supervisor of its area, with a new due date. `acting_user` is None when the complainant appeals
    on the portal or by SMS (the caller has checked it is them), or staff who took the appeal."""
    staff = getattr(acting_user, "is_authenticated", False)
    if staff and not acting_user.has_perm("grievances.add_complaint"):
        raise PermissionDenied
    # The complainant cannot see the complaint as staff do: the lock is taken on the row itself.
    complaint = Complaint.objects.select_for_update().select_related("category").get(pk=complaint.pk)
    if complaint.appealed_at is not None:
        raise ComplaintRefused(MSG_APPEALED_ALREADY, params={"number": complaint.tracking_number})
    if complaint.status != ComplaintStatus.RESOLVED:
        raise ComplaintRefused(MSG_NOT_RESOLVED, params={"number": complaint.tracking_number})
    reason = (reason or "").strip()
    if not reason:
        raise ComplaintRefused({"reason": [_g(MSG_APPEAL_REASON)]})
    now = timezone.now()
    assigner = Assigner()
    supervisor = assigner.supervisor_for(district_id=complaint.district_id, category=complaint.category)
    complaint.status, complaint.appeal_reason, complaint.appealed_at = ComplaintStatus.APPEALED, reason, now
    complaint.due_at = sla_due_at(complaint.category, now)
    complaint.warned_at = None
    if supervisor is not None:
        complaint.assigned_to = complaint.supervisor = supervisor
    complaint.save(
        update_fields=[
            "status",
            "appeal_reason",
            "appealed_at",
            "due_at",
            "warned_at",
            "assigned_to",
            "supervisor",
        ]
    )
    step(complaint, EventKind.APPEALED, acting_user, now, reason)
    audit(acting_user if staff else None, complaint, "appealed", _("appealed"), reason=reason)
    notify.complaint_notify(complaint, notify.APPEAL)
    return complaint
