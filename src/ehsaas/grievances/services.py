"""Writes of complaints: receiving one from any channel (or a town-hall meeting's many at once), taking
it up, assigning it, changing its category, noting, resolving it with a reason, appealing once, the SLA
warnings and escalations, and opening a re-survey of the household. Each checks who may act, refuses
with a message saying what is wrong, writes a step of the complaint's history and an audit event in the
same transaction, and queues the SMS that tells the complainant."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _

from ehsaas.core.identity import InvalidIdentifier, normalize_cnic, normalize_mobile
from ehsaas.core.models import AuditEvent, District
from ehsaas.core.services import audit_record
from ehsaas.grievances import notify
from ehsaas.grievances.assignment import SUPERVISE, Assigner, covers, may_handle, may_see_category
from ehsaas.grievances.choices import (
    ESCALABLE,
    OPEN_STATUSES,
    Channel,
    ComplaintStatus,
    EventKind,
    ResurveyStatus,
)
from ehsaas.grievances.models import (
    Category,
    Complaint,
    ComplaintEvent,
    ResurveyRequest,
    TrackingNumber,
    format_tracking_number,
)
from ehsaas.grievances.selectors import complaints_for_user
from ehsaas.registry.models import Household, Identifier, Member
from ehsaas.registry.selectors import households_for_user

MAX_DESCRIPTION = 4000
LANGUAGES = ("ur", "en")

MSG_DESCRIPTION = _("Write what the complaint is about.")
MSG_DESCRIPTION_LONG = _("Keep the complaint within %(count)s characters.")
MSG_CATEGORY = _("Choose what the complaint is about.")
MSG_CHANNEL = _(
    "A complaint is received by the portal, SMS, the helpline, at an office or at a town-hall meeting."
)
MSG_PHONE = _("The mobile number %(problem)s.")
MSG_CNIC = _("The CNIC %(problem)s.")
MSG_LANGUAGE = _("The language is Urdu (ur) or English (en).")
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
MSG_NO_HOUSEHOLD = _("Complaint %(number)s names no household of the registry to survey again.")
MSG_NO_FOLLOW_UP = _("A complaint about %(category)s does not open a re-survey.")
MSG_RESURVEY_OPEN = _("Household %(household)s is already waiting to be surveyed again.")
MSG_RESURVEY_DONE = _("This re-survey is recorded as done already.")
MSG_SAME_CATEGORY = _("The complaint is in this category already.")

RECEIVED_ON = {
    Channel.PORTAL: _("received on the portal"),
    Channel.SMS: _("received by SMS"),
    Channel.HELPLINE: _("received by the helpline"),
    Channel.WALK_IN: _("received at an office"),
    Channel.TOWN_HALL: _("received at a town-hall meeting"),
}
STAFF_CHANNELS = (Channel.HELPLINE, Channel.WALK_IN, Channel.TOWN_HALL)


class ComplaintRefused(ValidationError):
    """A complaint or a step that cannot be taken, with what is wrong (by field when there are fields)."""


@dataclass(frozen=True)
class ComplaintInput:
    """One complaint as received, checked: the form, a line of a town-hall file, an SMS."""

    category: Category
    description: str
    anonymous: bool = False
    name: str = ""
    phone: str = ""
    cnic: str = ""
    language: str = "ur"
    district: District | None = None


def complaint_input(
    *, category: Category | None, description: str, anonymous: bool = False, name: str = "", phone: str = "",
    cnic: str = "", language: str = "ur", district: District | None = None,
) -> ComplaintInput:  # fmt: skip
    """The complaint checked, or ComplaintRefused with every problem by field. An anonymous complaint
    keeps no name and no CNIC; it may keep a phone to be told of its progress."""
    errors: dict[str, list[str]] = {}
    description = (description or "").strip()
    if not description:
        errors["description"] = [_g(MSG_DESCRIPTION)]
    elif len(description) > MAX_DESCRIPTION:
        errors["description"] = [_g(MSG_DESCRIPTION_LONG) % {"count": MAX_DESCRIPTION}]
    if category is None or not category.active:
        errors["category"] = [_g(MSG_CATEGORY)]
    if language not in LANGUAGES:
        errors["language"] = [_g(MSG_LANGUAGE)]
    phone = (phone or "").strip()
    if phone:
        try:
            phone = normalize_mobile(phone)
        except InvalidIdentifier as error:
            errors["phone"] = [_g(MSG_PHONE) % {"problem": error}]
    name, cnic = ("", "") if anonymous else (" ".join((name or "").split())[:150], (cnic or "").strip())
    if cnic:
        try:
            cnic = normalize_cnic(cnic)
        except InvalidIdentifier as error:
            errors["cnic"] = [_g(MSG_CNIC) % {"problem": error}]
    if errors:
        raise ComplaintRefused(errors)
    return ComplaintInput(category=category, description=description, anonymous=anonymous, name=name,
                          phone=phone, cnic=cnic, language=language, district=district)  # fmt: skip


def _household_of(complaint: ComplaintInput) -> Household | None:
    """The complainant's household: the one whose member holds the CNIC, else the one household whose
    phone (or a member's) is theirs. An anonymous complaint is never linked to anyone."""
    if complaint.anonymous:
        return None
    if complaint.cnic:
        holder = (
            Identifier.objects.filter(number=complaint.cnic, active=True).select_related("member").first()
        )
        if holder is not None:
            return Household.objects.filter(pk=holder.member.household_id).first()
    if complaint.phone:
        ids = set(Household.objects.filter(phone=complaint.phone).values_list("pk", flat=True)[:2])
        ids |= set(Member.objects.filter(phone=complaint.phone).values_list("household_id", flat=True)[:2])
        if len(ids) == 1:
            return Household.objects.filter(pk=ids.pop()).first()
    return None


def _step(complaint: Complaint, kind: str, actor, at: datetime, note: str = "") -> ComplaintEvent:
    return ComplaintEvent.objects.create(
        complaint=complaint, at=at, actor=actor if getattr(actor, "is_authenticated", False) else None,
        kind=kind, status=complaint.status, assigned_to=complaint.assigned_to, note=note,
    )  # fmt: skip


def _audit(actor, complaint: Complaint, action: str, summary, reason: str = "", **changes) -> None:
    audit_record(
        actor=actor, action=f"complaint.{action}", subject=complaint,
        summary=f"{complaint.tracking_number}: {summary}", reason=reason, changes=changes,
    )  # fmt: skip


def _create(
    checked: ComplaintInput, *, channel: str, acting_user, place: str, now: datetime, assigner: Assigner
) -> Complaint:
    household = _household_of(checked)
    district = checked.district or (household.district if household else None)
    officer, supervisor = assigner.route(
        district_id=district.pk if district else None, category=checked.category
    )
    number = TrackingNumber.objects.create()
    staff = acting_user if getattr(acting_user, "is_authenticated", False) else None
    complaint = Complaint.objects.create(
        tracking_number=format_tracking_number(number.pk, number.drawn_at), number=number, channel=channel,
        category=checked.category, description=checked.description, anonymous=checked.anonymous,
        name=checked.name, phone=checked.phone, cnic=checked.cnic, language=checked.language,
        district=district, household=household, place=place[:200], received_at=now, received_by=staff,
        due_at=now + timedelta(days=checked.category.sla_days), assigned_to=officer, supervisor=supervisor,
        status=ComplaintStatus.ASSIGNED if officer else ComplaintStatus.RECEIVED,
    )  # fmt: skip
    _step(complaint, EventKind.RECEIVED, staff, now, str(RECEIVED_ON[channel]))
    if officer is not None:
        _step(complaint, EventKind.ASSIGNED, None, now)
    _audit(staff, complaint, "received", RECEIVED_ON[channel], channel=channel,
           category=checked.category.code, assigned_to=officer.pk if officer else None)  # fmt: skip
    if channel != Channel.SMS:  # an SMS complaint is answered with its number straight away
        notify.complaint_notify(complaint, notify.RECEIVED)
    return complaint


def _check_receiver(acting_user, channel: str) -> None:
    if channel not in Channel.values:
        raise ComplaintRefused(MSG_CHANNEL)
    if channel in STAFF_CHANNELS and not (
        getattr(acting_user, "is_authenticated", False) and acting_user.has_perm("grievances.add_complaint")
    ):
        raise PermissionDenied


@transaction.atomic
def complaint_receive(
    *, acting_user, channel: str, complaint: ComplaintInput, place: str = "", now: datetime | None = None
) -> Complaint:
    """Record a complaint, give it its tracking number and its due date, and send it to the officer the
    rules name (or a supervisor of the area). Staff channels need the right to receive complaints; the
    portal and SMS are open to anyone (acting_user None or anonymous)."""
    _check_receiver(acting_user, channel)
    return _create(complaint, channel=channel, acting_user=acting_user, place=place,
                   now=now or timezone.now(), assigner=Assigner())  # fmt: skip


@transaction.atomic
def complaints_receive_bulk(
    *, acting_user, complaints: list[ComplaintInput], place: str, channel: str = Channel.TOWN_HALL,
    now: datetime | None = None,
) -> list[Complaint]:  # fmt: skip
    """The complaints of a town-hall meeting, checked already (every line, before any is written), all
    recorded or none."""
    _check_receiver(acting_user, channel)
    now, assigner = now or timezone.now(), Assigner()
    return [
        _create(checked, channel=channel, acting_user=acting_user, place=place, now=now, assigner=assigner)
        for checked in complaints
    ]


def _locked(acting_user, complaint: Complaint) -> Complaint:
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


def _ensure_open(complaint: Complaint) -> None:
    if not complaint.is_open:
        raise ComplaintRefused(
            MSG_NOT_OPEN,
            params={"number": complaint.tracking_number, "status": complaint.get_status_display()},
        )


def _ensure_may_act(user, complaint: Complaint) -> None:
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
    complaint = _locked(acting_user, complaint)
    if complaint.status not in (ComplaintStatus.RECEIVED, ComplaintStatus.ASSIGNED):
        raise ComplaintRefused(
            MSG_CANNOT_TAKE,
            params={"number": complaint.tracking_number, "status": complaint.get_status_display()},
        )
    _ensure_may_act(acting_user, complaint)
    if not may_handle(acting_user, complaint.category):
        raise PermissionDenied
    now = timezone.now()
    complaint.assigned_to, complaint.status = acting_user, ComplaintStatus.IN_PROGRESS
    complaint.save(update_fields=["assigned_to", "status"])
    _step(complaint, EventKind.TAKEN, acting_user, now)
    _audit(acting_user, complaint, "taken", _("taken up"))
    notify.complaint_notify(complaint, notify.ASSIGNED)
    return complaint


@transaction.atomic
def complaint_assign(*, acting_user, complaint: Complaint, officer, note: str = "") -> Complaint:
    """A supervisor gives a complaint of their area to an officer able to handle it."""
    complaint = _locked(acting_user, complaint)
    if not supervises(acting_user, complaint):
        raise PermissionDenied
    _ensure_open(complaint)
    if not may_handle(officer, complaint.category):
        raise ComplaintRefused(MSG_OFFICER, params={"officer": officer})
    complaint.assigned_to = officer
    fields = ["assigned_to"]
    if complaint.status in (ComplaintStatus.RECEIVED, ComplaintStatus.IN_PROGRESS):
        complaint.status = ComplaintStatus.ASSIGNED
        fields.append("status")
    complaint.save(update_fields=fields)
    _step(complaint, EventKind.ASSIGNED, acting_user, timezone.now(), (note or "").strip())
    _audit(acting_user, complaint, "assigned", _("assigned to %(officer)s") % {"officer": officer},
           reason=note, officer=officer.pk)  # fmt: skip
    return complaint


@transaction.atomic
def complaint_recategorise(
    *, acting_user, complaint: Complaint, category: Category, note: str = ""
) -> Complaint:
    """Put a complaint in the category it is really about (an SMS arrives uncategorised): its due date
    follows the new category's SLA, and when the one who has it may not handle the new category (it is
    sensitive), it goes where the rules send it."""
    complaint = _locked(acting_user, complaint)
    _ensure_open(complaint)
    _ensure_may_act(acting_user, complaint)
    if category.pk == complaint.category_id:
        raise ComplaintRefused(MSG_SAME_CATEGORY)
    if not category.active:
        raise ComplaintRefused(MSG_CATEGORY)
    before = complaint.category
    complaint.category = category
    start = complaint.appealed_at or complaint.received_at
    complaint.due_at, complaint.warned_at = start + timedelta(days=category.sla_days), None
    fields = ["category", "due_at", "warned_at"]
    if complaint.assigned_to is not None and not may_handle(complaint.assigned_to, category):
        officer, supervisor = Assigner().route(district_id=complaint.district_id, category=category)
        complaint.assigned_to, complaint.supervisor = officer, supervisor or complaint.supervisor
        if complaint.status == ComplaintStatus.IN_PROGRESS or officer is None:
            complaint.status = ComplaintStatus.ASSIGNED if officer else ComplaintStatus.RECEIVED
        fields += ["assigned_to", "supervisor", "status"]
    complaint.save(update_fields=fields)
    _step(complaint, EventKind.RECATEGORISED, acting_user, timezone.now(),
          f"{before.name} → {category.name}" + (f": {note.strip()}" if (note or "").strip() else ""))  # fmt: skip
    _audit(acting_user, complaint, "recategorised", _("category changed"), reason=note,
           category=[before.code, category.code])  # fmt: skip
    return complaint


@transaction.atomic
def complaint_note(*, acting_user, complaint: Complaint, note: str) -> ComplaintEvent:
    """A note on the complaint's history (a call made, a visit, what was found)."""
    complaint = _locked(acting_user, complaint)
    _ensure_may_act(acting_user, complaint)
    note = (note or "").strip()
    if not note:
        raise ComplaintRefused({"note": [_g(MSG_NOTE)]})
    event = _step(complaint, EventKind.NOTE, acting_user, timezone.now(), note)
    _audit(acting_user, complaint, "noted", _("note added"), reason=note)
    return event


@transaction.atomic
def complaint_resolve(*, acting_user, complaint: Complaint, resolution: str) -> Complaint:
    """Resolve a complaint with a written reason the complainant reads (and is sent)."""
    complaint = _locked(acting_user, complaint)
    _ensure_open(complaint)
    _ensure_may_act(acting_user, complaint)
    resolution = (resolution or "").strip()
    if not resolution:
        raise ComplaintRefused({"resolution": [_g(MSG_RESOLUTION)]})
    now = timezone.now()
    complaint.status, complaint.resolution = ComplaintStatus.RESOLVED, resolution
    complaint.resolved_at, complaint.resolved_by = now, acting_user
    if complaint.assigned_to is None:
        complaint.assigned_to = acting_user
    complaint.save(update_fields=["status", "resolution", "resolved_at", "resolved_by", "assigned_to"])
    _step(complaint, EventKind.RESOLVED, acting_user, now, resolution)
    _audit(acting_user, complaint, "resolved", _("resolved"), reason=resolution)
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
    complaint.due_at = now + timedelta(days=complaint.category.sla_days)
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
    _step(complaint, EventKind.APPEALED, acting_user, now, reason)
    _audit(acting_user if staff else None, complaint, "appealed", _("appealed"), reason=reason)
    notify.complaint_notify(complaint, notify.APPEAL)
    return complaint


@dataclass(frozen=True)
class EscalationFigures:
    warned: int
    escalated: int


@transaction.atomic
def complaints_escalate(*, now: datetime | None = None) -> EscalationFigures:
    """The SLA timer, run by `ehsaas grievances escalate` and its task: open complaints within their
    category's days of warning are marked warned (amber in the queue, a step in their history); those
    past their due date go to a supervisor of their area (escalated), and the complainant is told.
    Set-based: a few statements, whatever the number of complaints; running it again changes nothing."""
    now = now or timezone.now()
    # A window a category: the categories are few, and each has its own days of warning.
    within_warning = Q(pk__in=[])
    for category in Category.objects.all():
        within_warning |= Q(category=category, due_at__lte=now + timedelta(days=category.warn_days))
    warn = Complaint.objects.filter(
        within_warning, status__in=OPEN_STATUSES, warned_at__isnull=True, due_at__gt=now
    )
    warned = _bulk_steps(warn, EventKind.WARNED, now, str(_("the SLA lapses soon")))
    Complaint.objects.filter(pk__in=warned).update(warned_at=now)

    due = (
        Complaint.objects.filter(status__in=ESCALABLE, due_at__lte=now)
        .select_for_update(of=("self",))
        .select_related("category")
        .order_by()
    )
    assigner, supervisors, by_supervisor = Assigner(), {}, {}
    for complaint in due:  # the supervisors are read once an area and category, not once a complaint
        area = (complaint.district_id, complaint.category_id)
        if area not in supervisors:
            supervisors[area] = assigner.supervisor_for(district_id=area[0], category=complaint.category)
        supervisor = supervisors[area]
        by_supervisor.setdefault(supervisor.pk if supervisor else None, (supervisor, []))[1].append(
            complaint.pk
        )
    escalated = 0
    for supervisor, ids in by_supervisor.values():
        changes = {
            "status": ComplaintStatus.ESCALATED,
            "escalated_at": now,
            "warned_at": Coalesce("warned_at", Value(now)),
        }
        if supervisor is not None:  # with nobody above, it stays with its officer, escalated and red
            changes |= {"supervisor": supervisor, "assigned_to": supervisor}
        escalated += Complaint.objects.filter(pk__in=ids).update(**changes)
    _bulk_steps(Complaint.objects.filter(escalated_at=now, status=ComplaintStatus.ESCALATED),
                EventKind.ESCALATED, now, str(_("not resolved within the SLA")))  # fmt: skip
    notify.escalations_notify(now)
    return EscalationFigures(warned=len(warned), escalated=escalated)


def _bulk_steps(complaints, kind: str, now: datetime, summary: str) -> list[int]:
    """A step and an audit event for each complaint, written in two statements; the complaints' ids."""
    rows = list(complaints.values("pk", "tracking_number", "status", "assigned_to_id"))
    ComplaintEvent.objects.bulk_create(
        ComplaintEvent(complaint_id=row["pk"], at=now, kind=kind, status=row["status"],
                       assigned_to_id=row["assigned_to_id"], note=summary)
        for row in rows
    )  # fmt: skip
    AuditEvent.objects.bulk_create(
        AuditEvent(action=f"complaint.{kind}", subject_type=Complaint._meta.label_lower, subject_id=row["pk"],
                   summary=f"{row['tracking_number']}: {summary}", changes={"assigned_to": row["assigned_to_id"]})
        for row in rows
    )  # fmt: skip
    return [row["pk"] for row in rows]


@transaction.atomic
def resurvey_request_open(*, acting_user, complaint: Complaint, reason: str) -> ResurveyRequest:
    """A complaint that the survey left a household out wrongly asks for the household to be surveyed
    again: listed for the registration officers of its district."""
    complaint = _locked(acting_user, complaint)
    _ensure_open(complaint)
    _ensure_may_act(acting_user, complaint)
    if not complaint.category.registry_follow_up:
        raise ComplaintRefused(MSG_NO_FOLLOW_UP, params={"category": complaint.category.name})
    if complaint.household_id is None:
        raise ComplaintRefused(MSG_NO_HOUSEHOLD, params={"number": complaint.tracking_number})
    reason = (reason or "").strip() or complaint.description
    if ResurveyRequest.objects.filter(
        household_id=complaint.household_id, status=ResurveyStatus.OPEN
    ).exists():
        raise ComplaintRefused(MSG_RESURVEY_OPEN, params={"household": complaint.household})
    now = timezone.now()
    request = ResurveyRequest.objects.create(
        complaint=complaint, household_id=complaint.household_id, reason=reason, requested_by=acting_user,
        requested_at=now,
    )  # fmt: skip
    _step(complaint, EventKind.RESURVEY, acting_user, now, reason)
    _audit(acting_user, complaint, "resurvey_requested", _("re-survey requested"), reason=reason,
           household=complaint.household_id)  # fmt: skip
    audit_record(actor=acting_user, action="household.resurvey_requested", subject=complaint.household,
                 summary=_g("Re-survey requested by complaint %(number)s") % {"number": complaint.tracking_number},
                 reason=reason)  # fmt: skip
    return request


@transaction.atomic
def resurvey_request_done(*, acting_user, request: ResurveyRequest, note: str = "") -> ResurveyRequest:
    """A registration officer records that the household was surveyed again."""
    if not acting_user.has_perm("grievances.record_resurvey"):
        raise PermissionDenied
    visible = households_for_user(user=acting_user).filter(pk=request.household_id)
    request = ResurveyRequest.objects.select_for_update().filter(pk=request.pk, household__in=visible).first()
    if request is None:
        raise PermissionDenied
    if request.status != ResurveyStatus.OPEN:
        raise ComplaintRefused(MSG_RESURVEY_DONE)
    request.status, request.done_by, request.done_at = ResurveyStatus.DONE, acting_user, timezone.now()
    request.note = (note or "").strip()
    request.save(update_fields=["status", "done_by", "done_at", "note"])
    audit_record(actor=acting_user, action="household.resurveyed", subject=request.household,
                 summary=_g("Surveyed again after complaint %(number)s") % {"number": request.complaint.tracking_number},
                 reason=request.note)  # fmt: skip
    return request
