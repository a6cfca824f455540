"""The demo's statuses and cash: every instruction batch of an approved cycle answered by the simulated
provider (most paid, a few failed with a bank's reason) and applied as the demo's finance officer; then
the demo agent pays out a few cash payments after a (simulated) fingerprint match, in the district with
the most cash to collect, and one woman whose fingerprint fails three times is sent a one-time code for a
branch. The rest of the cash is left to collect, and the cycle to reconcile, by whoever tries the demo."""

from django.contrib.auth import get_user_model
from django.db.models import Count
from django.utils.translation import gettext as _

from ehsaas.payments.choices import Channel, CycleStatus, PaymentStatus, PointKind
from ehsaas.payments.collection.adapters import SimulatedBiometricVerifier
from ehsaas.payments.collection.services import collection_verify
from ehsaas.payments.models import InstructionBatch, Payment, PaymentPoint
from ehsaas.payments.statuses.services import status_file_apply
from ehsaas.payments.statuses.simulator import status_file_simulate

RELEASER, AGENT = "finance", "agent"
COLLECTED = 12  # cash payments the demo agent pays out


def demo_statuses() -> str:
    users = get_user_model().objects.in_bulk([RELEASER, AGENT], field_name="username")
    if len(users) < 2:
        return _("The demo finance officer or agent is missing: no statuses applied.")
    paid = failed = 0
    batches = InstructionBatch.objects.filter(cycle__status=CycleStatus.APPROVED).select_related("provider")
    for batch in batches:
        name, content = status_file_simulate(batch)
        applied = status_file_apply(provider=batch.provider, content=content, file_name=name,
                                    acting_user=users[RELEASER])  # fmt: skip
        paid, failed = paid + applied.status_file.paid, failed + applied.status_file.failed
    collected, fallback = _cash_collected(users[AGENT])
    line = _("Applied the providers' statuses: %(paid)s paid, %(failed)s failed. The agent paid out %(collected)s "
             "cash payments.") % {"paid": f"{paid:,}", "failed": f"{failed:,}", "collected": collected}  # fmt: skip
    if fallback:
        line += " " + _("A woman whose fingerprint failed three times was sent a one-time code for a branch.")
    return line


def _cash_collected(agent) -> tuple[int, int]:
    """Pay out a few cash payments at an agent point of their district, the agent first given the points
    of the district with the most cash to collect; the last woman's fingerprint fails every time, so she
    is sent a one-time code."""
    collectable = Payment.objects.filter(channel=Channel.CASH, status=PaymentStatus.INSTRUCTED,
                                         cycle__status=CycleStatus.APPROVED, member__identifiers__active=True)  # fmt: skip
    busiest = collectable.values("district_id").annotate(n=Count("id")).order_by("-n").first()
    if busiest is None:
        return 0, 0
    agent.payment_points.add(*PaymentPoint.objects.filter(district_id=busiest["district_id"]))
    point = PaymentPoint.objects.filter(district_id=busiest["district_id"], kind=PointKind.AGENT).first()
    women = collectable.filter(district_id=busiest["district_id"]).order_by("id")
    cnics = list(women.values_list("member__identifiers__number", flat=True)[: COLLECTED + 1])
    collected = fallback = 0
    for index, cnic in enumerate(cnics):
        matched = index < len(cnics) - 1 or len(cnics) == 1  # the last one fails, unless she is alone
        for _attempt in range(1 if matched else 3):
            reference = SimulatedBiometricVerifier.scan(cnic, matched)
            outcome = collection_verify(cnic=cnic, point=point, agent=agent, reference=reference)
        collected += matched
        fallback += not matched and outcome.code_sent
    return collected, fallback
