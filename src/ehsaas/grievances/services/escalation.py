"""The SLA timer: open complaints near their due date are warned of, those past it escalated to a
supervisor of their area, and the complainants told. Set-based, whatever the number of complaints."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ehsaas.core.models import AuditEvent
from ehsaas.grievances import notify
from ehsaas.grievances.assignment import Assigner
from ehsaas.grievances.choices import ESCALABLE, OPEN_STATUSES, ComplaintStatus, EventKind
from ehsaas.grievances.models import Category, Complaint, ComplaintEvent


@dataclass(frozen=True)
class EscalationFigures:
    """How many complaints a run of the timer warned of, and how many it escalated."""

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
