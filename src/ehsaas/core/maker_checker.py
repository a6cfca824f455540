"""The decision step every maker-checker record (`core.models.MakerChecker`) shares: a record is
decided once, by someone other than the person who asked for it, and the decision is written the same
way. The domain's services check the permission, lock the record, do what the decision means and write
the audit event; they raise their own error class with their own words."""

from django.core.exceptions import ValidationError
from django.utils import timezone

from ehsaas.core.models import AWAITING_DECISION, MakerChecker


def maker_checker_ensure_open(
    record: MakerChecker, *, acting_user, refused: type[ValidationError], own_message, decided_message
) -> None:
    """Refuse a decision on a record that is already decided, or that `acting_user` asked for (the
    database refuses that too; this says why, in words). `decided_message` names the %(status)s."""
    if record.status != AWAITING_DECISION:
        raise refused(decided_message, params={"status": record.get_status_display()})
    if record.requested_by_id == acting_user.pk:
        raise refused(own_message)


def maker_checker_decide(record: MakerChecker, *, acting_user, status: str, note: str) -> None:
    """Write the decision and nothing else: what was asked for stays as it was asked."""
    record.status, record.decided_by, record.decided_at = status, acting_user, timezone.now()
    record.decision_note = (note or "").strip()
    record.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
