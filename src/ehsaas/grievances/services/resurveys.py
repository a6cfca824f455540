"""Re-surveys: a complaint that the survey left a household out wrongly opens a request for the
household to be surveyed again, listed for the registration officers of its district, who record it
done."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _

from ehsaas.core.services import audit_record
from ehsaas.grievances.choices import EventKind, ResurveyStatus
from ehsaas.grievances.models import Complaint, ResurveyRequest
from ehsaas.grievances.services import ComplaintRefused
from ehsaas.grievances.services.handling import ensure_may_act, ensure_open, locked
from ehsaas.grievances.services.history import audit, step
from ehsaas.registry.selectors import households_for_user

MSG_NO_HOUSEHOLD = _("Complaint %(number)s names no household of the registry to survey again.")
MSG_NO_FOLLOW_UP = _("A complaint about %(category)s does not open a re-survey.")
MSG_RESURVEY_OPEN = _("Household %(household)s is already waiting to be surveyed again.")
MSG_RESURVEY_DONE = _("This re-survey is recorded as done already.")


@transaction.atomic
def resurvey_request_open(*, acting_user, complaint: Complaint, reason: str) -> ResurveyRequest:
    """A complaint that the survey left a household out wrongly asks for the household to be surveyed
    again: listed for the registration officers of its district."""
    complaint = locked(acting_user, complaint)
    ensure_open(complaint)
    ensure_may_act(acting_user, complaint)
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
    step(complaint, EventKind.RESURVEY, acting_user, now, reason)
    audit(acting_user, complaint, "resurvey_requested", _("re-survey requested"), reason=reason,
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
