"""The end of a cycle: payments not paid or collected by the deadline made unclaimed (daily, set-based),
and a cycle closed once none is still open."""

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ehsaas.core.services import audit_record
from ehsaas.payments.choices import CycleStatus, PaymentStatus
from ehsaas.payments.models import PaymentCycle
from ehsaas.payments.policies import payment_policy_of
from ehsaas.payments.statuses.services import MSG_NO_PERMISSION, StatusRefused

MSG_CYCLE_NOT_APPROVED = _("Only an approved cycle can be closed; %(cycle)s is %(status)s.")
MSG_CYCLE_OPEN = _(
    "%(cycle)s cannot be closed: %(open)s payments are still open (not yet paid, failed or unclaimed)."
)


def collect_deadline(cycle: PaymentCycle) -> date | None:
    """The last day a payment of `cycle` may be paid or collected: the cycle's own collect_by, or its
    approval day plus its programme's days to collect."""
    if cycle.collect_by is not None:
        return cycle.collect_by
    if cycle.approved_at is None:
        return None
    days = payment_policy_of(cycle.programme_id).collect_within_days
    return timezone.localdate(cycle.approved_at) + timedelta(days=days)


@transaction.atomic
def payments_expire(*, today: date, acting_user=None) -> dict[str, int]:
    """Every payment still instructed in an approved cycle whose deadline has passed (before `today`)
    made unclaimed, in one UPDATE a cycle; returns how many in each cycle ("kafaalat 2026-Q3": 120)."""
    now = timezone.now()
    expired = {}
    cycles = PaymentCycle.objects.filter(status=CycleStatus.APPROVED).select_related("programme")
    for cycle in cycles.select_for_update(of=("self",)):
        deadline = collect_deadline(cycle)
        if deadline is None or deadline >= today:
            continue
        count = cycle.payments.filter(status=PaymentStatus.INSTRUCTED).update(
            status=PaymentStatus.UNCLAIMED, status_at=now,
            status_reason=f"Not paid or collected by {deadline.isoformat()}",
        )  # fmt: skip
        if count:
            expired[str(cycle)] = count
            audit_record(actor=acting_user, action="payments.unclaimed", subject=cycle,
                         summary=f"{count} payments of {cycle} unclaimed after {deadline.isoformat()}")  # fmt: skip
    return expired


@transaction.atomic
def cycle_close(*, cycle: PaymentCycle, acting_user) -> PaymentCycle:
    """Close an approved cycle once every payment in it is paid, failed or unclaimed; raises
    StatusRefused otherwise."""
    if not acting_user.has_perm("payments.release_payments"):
        raise StatusRefused(MSG_NO_PERMISSION)
    cycle = PaymentCycle.objects.select_for_update().select_related("programme").get(pk=cycle.pk)
    if cycle.status != CycleStatus.APPROVED:
        raise StatusRefused(MSG_CYCLE_NOT_APPROVED % {"cycle": cycle, "status": cycle.get_status_display()})
    still_open = cycle.payments.filter(status__in=[PaymentStatus.PENDING, PaymentStatus.INSTRUCTED]).count()
    if still_open:
        raise StatusRefused(MSG_CYCLE_OPEN % {"cycle": cycle, "open": f"{still_open:,}"})
    cycle.status, cycle.closed_at = CycleStatus.CLOSED, timezone.now()
    cycle.save(update_fields=["status", "closed_at"])
    audit_record(actor=acting_user, action="payments.cycle_closed", subject=cycle, summary=f"{cycle} closed")
    return cycle
