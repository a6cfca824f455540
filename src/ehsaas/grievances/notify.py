"""What the complainant is told by SMS at each step, in their language, through the outbox. Each step
is an event of its own (the outbox sends one message per event and phone, however often a step is
retried); a complaint without a phone (anonymous, or made at a meeting without one) is told nothing.
Queued in the caller's transaction: a step that rolls back tells nobody."""

from datetime import datetime

from django.db import connection

from ehsaas.grievances.choices import ComplaintStatus
from ehsaas.grievances.models import Complaint
from ehsaas.messaging.services import message_queue, messages_queue_sql

RECEIVED = "complaint_received"
ASSIGNED = "complaint_assigned"
ESCALATED = "complaint_escalated"
RESOLVED = "complaint_resolved"
APPEAL = "complaint_appeal"


def _event(template: str, complaint: Complaint) -> str:
    # A complaint is resolved at most twice: once, and once more on appeal.
    step = f"{template}-on-appeal" if template == RESOLVED and complaint.appealed_at else template
    return f"{step}:{complaint.tracking_number}"


REASON_IN_SMS = 120  # characters of the resolution an SMS carries; the tracking page shows it whole


def _reason_for_sms(resolution: str) -> str:
    text = " ".join(resolution.split())
    if len(text) > REASON_IN_SMS:
        text = text[: REASON_IN_SMS - 1].rstrip() + "…"
    return text if not text or text[-1] in ".!?۔…" else text + "."


def complaint_notify(complaint: Complaint, template: str) -> None:
    if not complaint.phone:
        return
    message_queue(
        event=_event(template, complaint), phone=complaint.phone, template=template,
        language=complaint.language if complaint.language in ("ur", "en") else "ur",
        context={"number": complaint.tracking_number, "reason": _reason_for_sms(complaint.resolution)},
    )  # fmt: skip


def escalations_notify(at: datetime) -> int:
    """Every complaint escalated by the run at `at` told at once, in one statement, whatever their
    number; returns how many messages were queued."""
    return messages_queue_sql(
        template=ESCALATED,
        sql=(
            "SELECT phone, language, tracking_number AS number, "
            f"'{ESCALATED}:' || tracking_number AS event FROM grievances_complaint "
            "WHERE escalated_at = %(at)s AND status = %(status)s AND phone <> ''"
        ),
        params={
            "at": connection.ops.adapt_datetimefield_value(at),
            "status": ComplaintStatus.ESCALATED.value,
        },
    )
