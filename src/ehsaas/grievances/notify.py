"""What the complainant is told by SMS at each step, in their language, through the outbox. Each step
is an event of its own (the outbox sends one message per event and phone, however often a step is
retried); a complaint without a phone (anonymous, or made at a meeting without one) is told nothing.
Queued in the caller's transaction: a step that rolls back tells nobody."""

from datetime import datetime

from ehsaas.grievances.choices import ComplaintStatus
from ehsaas.grievances.models import Complaint
from ehsaas.messaging.services import message_queue

RECEIVED = "complaint_received"
ASSIGNED = "complaint_assigned"
ESCALATED = "complaint_escalated"
RESOLVED = "complaint_resolved"
APPEAL = "complaint_appeal"


def _event(template: str, complaint: Complaint) -> str:
    # A complaint is resolved at most twice: once, and once more on appeal.
    step = f"{template}-on-appeal" if template == RESOLVED and complaint.appealed_at else template
    return f"{step}:{complaint.tracking_number}"


def complaint_notify(complaint: Complaint, template: str) -> None:
    if not complaint.phone:
        return
    message_queue(
        event=_event(template, complaint), phone=complaint.phone, template=template,
        language=complaint.language if complaint.language in ("ur", "en") else "ur",
        context={"number": complaint.tracking_number, "reason": complaint.resolution},
    )  # fmt: skip


def escalations_notify(at: datetime) -> int:
    """Every complaint escalated by the run at `at` told, one message each (a run escalates the few
    complaints that lapsed since the last, an hour before)."""
    escalated = Complaint.objects.filter(escalated_at=at, status=ComplaintStatus.ESCALATED).exclude(phone="")
    for complaint in escalated.only("pk", "tracking_number", "phone", "language", "appealed_at"):
        complaint_notify(complaint, ESCALATED)
    return len(escalated)
