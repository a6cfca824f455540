"""Reads of complaints, for those allowed to see them.

Who sees which complaint, one rule a line:
- complaints of a sensitive category (misconduct, fraud, harassment) only with
  `view_sensitive_complaint` (investigators); the others only with `view_complaint`;
- everyone sees the complaints they have, or that were escalated or appealed to them;
- with `oversee_complaints` (supervisors, investigators, auditors), every complaint of their area;
- handlers (officers) also the complaints of their area that nobody has yet, to take up;
- an area is the districts of the user's StaffScope; staff with none listed work nationwide, and only
  they see complaints whose district is not known.
"""

from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.db.models import Case, Q, QuerySet, Value, When
from django.http import Http404
from django.utils import timezone

from ehsaas.core.access import district_scope
from ehsaas.core.identity import InvalidIdentifier, normalize_mobile
from ehsaas.grievances.assignment import ORDINARY, SENSITIVE
from ehsaas.grievances.choices import OPEN_STATUSES, ComplaintStatus
from ehsaas.grievances.models import Category, Complaint, ResurveyRequest
from ehsaas.grievances.tracking import parse_tracking_number
from ehsaas.registry.selectors import households_for_user


def complaints_for_user(*, user) -> QuerySet[Complaint]:
    ordinary, sensitive = user.has_perm(ORDINARY), user.has_perm(SENSITIVE)
    if not (ordinary or sensitive):
        raise PermissionDenied
    rows = Complaint.objects.select_related("category", "district", "assigned_to")
    if not sensitive:
        rows = rows.filter(category__sensitive=False)
    if not ordinary:
        rows = rows.filter(category__sensitive=True)
    scope = district_scope(user)
    if scope is None and user.has_perm("grievances.oversee_complaints"):
        return rows
    reach = Q(assigned_to=user) | Q(supervisor=user)
    area = Q() if scope is None else Q(district_id__in=scope)
    if user.has_perm("grievances.oversee_complaints"):
        reach |= area
    if user.has_perm("grievances.handle_complaint"):
        reach |= Q(assigned_to__isnull=True) & area
    return rows.filter(reach)


def complaint_get_for_user(*, user, pk: int) -> Complaint:
    complaint = complaints_for_user(user=user).select_related("household", "supervisor").filter(pk=pk).first()
    if complaint is None:
        raise Http404
    return complaint


def overdue(now: datetime | None = None) -> Q:
    return Q(status__in=OPEN_STATUSES, due_at__lte=now or timezone.now())


def queue_filter(rows: QuerySet[Complaint], *, user, filters: dict) -> QuerySet[Complaint]:
    """The queue as filtered: status ("open" for every open one), category, channel, district, overdue
    only, mine only. Unknown values are ignored."""
    status = filters.get("status")
    if status == "open":
        rows = rows.filter(status__in=OPEN_STATUSES)
    elif status in ComplaintStatus.values:
        rows = rows.filter(status=status)
    if filters.get("category"):
        rows = rows.filter(category__code=filters["category"])
    if filters.get("channel"):
        rows = rows.filter(channel=filters["channel"])
    if str(filters.get("district") or "").isdigit():
        rows = rows.filter(district_id=int(filters["district"]))
    if filters.get("overdue"):
        rows = rows.filter(overdue())
    if filters.get("mine"):
        rows = rows.filter(assigned_to=user)
    # Open complaints first, the most urgent on top; then the closed, the latest first.
    closed = Case(When(status__in=OPEN_STATUSES, then=Value(0)), default=Value(1))
    return rows.order_by(closed, "due_at", "id")


def categories_for_user(*, user) -> QuerySet[Category]:
    """The categories a user may file or filter by: sensitive ones only for those who may see them."""
    rows = Category.objects.filter(active=True)
    if not user.has_perm(SENSITIVE):
        rows = rows.filter(sensitive=False)
    return rows


def complaint_tracked(*, number: str, phone: str = "") -> Complaint | None:
    """A complaint for the complainant who follows it: by its tracking number, and the phone it was
    made from when it was made with one (a stranger who guesses a number learns nothing)."""
    canonical = parse_tracking_number(number)
    if canonical is None:
        return None
    complaint = Complaint.objects.select_related("category").filter(tracking_number=canonical).first()
    if complaint is None or (complaint.phone and complaint.phone != _mobile(phone)):
        return None
    return complaint


def _mobile(raw: str) -> str:
    try:
        return normalize_mobile(raw)
    except InvalidIdentifier:
        return ""


def resurveys_for_user(*, user) -> QuerySet[ResurveyRequest]:
    """Re-surveys of the households the user may see (registration officers: their districts)."""
    if not user.has_perm("grievances.view_resurveyrequest"):
        raise PermissionDenied
    visible = households_for_user(user=user)
    return (
        ResurveyRequest.objects.filter(household__in=visible.values("id"))
        .select_related("household", "household__district", "complaint", "requested_by", "done_by")
        .order_by("status", "requested_at", "id")
    )


def resurvey_get_for_user(*, user, pk: int) -> ResurveyRequest:
    request = resurveys_for_user(user=user).filter(pk=pk).first()
    if request is None:
        raise Http404
    return request
