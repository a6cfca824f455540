"""What every change to a complaint writes in its transaction: a step of the complaint's history (what
staff and the complainant see) and an audit event (what auditors see)."""

from datetime import datetime

from ehsaas.core.services import audit_record
from ehsaas.grievances.models import Complaint, ComplaintEvent


def step(complaint: Complaint, kind: str, actor, at: datetime, note: str = "") -> ComplaintEvent:
    """A step of the complaint's history as it is now; a complainant acting without an account (the
    portal, SMS) is recorded as nobody."""
    return ComplaintEvent.objects.create(
        complaint=complaint, at=at, actor=actor if getattr(actor, "is_authenticated", False) else None,
        kind=kind, status=complaint.status, assigned_to=complaint.assigned_to, note=note,
    )  # fmt: skip


def audit(actor, complaint: Complaint, action: str, summary, reason: str = "", **changes) -> None:
    """The audit event `complaint.<action>`, its summary led by the tracking number."""
    audit_record(
        actor=actor, action=f"complaint.{action}", subject=complaint,
        summary=f"{complaint.tracking_number}: {summary}", reason=reason, changes=changes,
    )  # fmt: skip
