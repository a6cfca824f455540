"""A cycle's payroll written set-based: one INSERT … SELECT … ON CONFLICT DO NOTHING per range of
beneficiary ids, each range in its own transaction, so that a job killed halfway keeps the ranges it
committed and, run again, adds only the payments still missing; the database's one-payment-per-cycle
constraint makes a second payment impossible, however often or however concurrently it runs.

Unpaid payments of the programme's earlier cycles (failed, unclaimed: as the programme's payment rules
say) are carried over: their amounts are added to the new payment as arrears and they are linked to it
(`reissued_in`) in the range's own transaction, so an amount is carried once, and only while it has been
carried fewer times than the rules allow.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ehsaas.core.progress import NoProgress, Progress
from ehsaas.core.services import audit_record
from ehsaas.payments.choices import Channel, CycleStatus, PaymentStatus
from ehsaas.payments.models import PaymentCycle, PaymentPolicy
from ehsaas.programs.choices import BeneficiaryStatus
from ehsaas.programs.models import Beneficiary, Programme

MSG_FROZEN = _("This payroll is approved and frozen: it cannot be generated again or changed.")

GENERATION_STARTED = "payroll.generation_started"

# Beneficiary ids a range covers: a range is one statement and one transaction.
RANGE = 50_000
CARRY_TABLE = "payroll_carry"

# The unpaid payments that may be carried into the cycle, with how often their money was carried
# already (the length of the chain of payments carried into them), into a temporary table read by each
# range. Computed once per run: a payment that fails meanwhile is carried by the next cycle.
CARRY_FILL = """
    WITH RECURSIVE chain (root, node, depth) AS (
        SELECT p.id, p.id, 0
        FROM payments_payment p
        JOIN payments_paymentcycle c ON c.id = p.cycle_id
        WHERE c.programme_id = %(programme)s AND p.cycle_id <> %(cycle)s AND p.reissued_in_id IS NULL
            AND p.status IN ({statuses})
        UNION ALL
        SELECT chain.root, q.id, chain.depth + 1
        FROM chain JOIN payments_payment q ON q.reissued_in_id = chain.node
    )
    INSERT INTO {table} (payment_id, beneficiary_id, amount)
    SELECT p.id, p.beneficiary_id, p.amount
    FROM payments_payment p
    JOIN (SELECT root, max(depth) AS depth FROM chain GROUP BY root) d ON d.root = p.id
    WHERE d.depth < %(limit)s
"""

INSERT_RANGE = f"""
    INSERT INTO payments_payment (cycle_id, beneficiary_id, household_id, member_id, district_id, amount,
        arrears, category, channel, provider_id, account_number, account_changed, status, status_reason)
    SELECT %(cycle)s, b.id, b.household_id, b.member_id, h.district_id,
        b.amount + COALESCE(ar.arrears, 0), COALESCE(ar.arrears, 0), b.category,
        COALESCE(a.channel, %(cash)s), a.provider_id, COALESCE(a.account_number, ''),
        CASE WHEN a.changed_at > %(previous)s THEN %(true)s ELSE %(false)s END, %(pending)s, ''
    FROM programs_beneficiary b
    JOIN registry_household h ON h.id = b.household_id
    LEFT JOIN payments_paymentaccount a ON a.beneficiary_id = b.id
    LEFT JOIN (
        SELECT beneficiary_id, SUM(amount) AS arrears FROM {CARRY_TABLE}
        WHERE beneficiary_id BETWEEN %(low)s AND %(high)s GROUP BY beneficiary_id
    ) ar ON ar.beneficiary_id = b.id
    WHERE b.programme_id = %(programme)s AND b.status = %(active)s AND b.id BETWEEN %(low)s AND %(high)s
    ON CONFLICT (cycle_id, beneficiary_id) DO NOTHING
"""

# The carried payments linked to the payment that now pays them: only payments made by this range's
# insert (ids above the mark taken before it), never one made earlier without their amounts.
LINK_RANGE = f"""
    UPDATE payments_payment SET reissued_in_id = (
        SELECT n.id FROM payments_payment n
        WHERE n.cycle_id = %(cycle)s AND n.beneficiary_id = payments_payment.beneficiary_id
    )
    WHERE reissued_in_id IS NULL AND id IN (
        SELECT k.payment_id FROM {CARRY_TABLE} k
        JOIN payments_payment n ON n.beneficiary_id = k.beneficiary_id AND n.cycle_id = %(cycle)s
        WHERE k.beneficiary_id BETWEEN %(low)s AND %(high)s AND n.id > %(mark)s
    )
"""


def _carry_table(cycle: PaymentCycle, policy: PaymentPolicy) -> None:
    statuses = [s for s, wanted in ((PaymentStatus.FAILED, policy.reissue_failed),
                                    (PaymentStatus.UNCLAIMED, policy.reissue_unclaimed)) if wanted]  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {CARRY_TABLE}")
        cursor.execute(
            f"CREATE TEMPORARY TABLE {CARRY_TABLE} (payment_id bigint PRIMARY KEY, beneficiary_id bigint NOT NULL,"
            " amount bigint NOT NULL)"
        )
        cursor.execute(f"CREATE INDEX {CARRY_TABLE}_beneficiary ON {CARRY_TABLE} (beneficiary_id)")
        if statuses and policy.reissue_limit > 0:
            named = {f"status{index}": status.value for index, status in enumerate(statuses)}
            sql = CARRY_FILL.format(table=CARRY_TABLE, statuses=", ".join(f"%({name})s" for name in named))
            cursor.execute(sql, {"programme": cycle.programme_id, "cycle": cycle.pk,
                                 "limit": policy.reissue_limit, **named})  # fmt: skip
        if connection.vendor == "postgresql":  # a temporary table has no statistics until it is analysed
            cursor.execute(f"ANALYZE {CARRY_TABLE}")


def previous_generated_at(cycle: PaymentCycle):
    """When the programme's previous cycle was generated (None for its first): an account changed
    after it changed this cycle."""
    return (
        PaymentCycle.objects.filter(programme_id=cycle.programme_id, generated_at__isnull=False)
        .exclude(pk=cycle.pk)
        .filter(created_at__lt=cycle.created_at)
        .order_by("-generated_at")
        .values_list("generated_at", flat=True)
        .first()
    )


def _payroll_write(cycle: PaymentCycle, policy: PaymentPolicy, *, progress: Progress) -> None:
    """Write the payments the cycle still lacks, range by range, each range committed on its own."""
    beneficiaries = Beneficiary.objects.filter(
        programme_id=cycle.programme_id, status=BeneficiaryStatus.ACTIVE
    )
    bounds = beneficiaries.order_by("id").values_list("id", flat=True)
    low, high = bounds.first(), bounds.last()
    previous = previous_generated_at(cycle)
    _carry_table(cycle, policy)
    params = {
        "cycle": cycle.pk, "programme": cycle.programme_id, "cash": Channel.CASH.value,
        "pending": PaymentStatus.PENDING.value, "active": BeneficiaryStatus.ACTIVE.value, "true": True,
        "false": False, "previous": previous,  # None for the first cycle: no account changed "this cycle"
    }  # fmt: skip
    progress.start(beneficiaries.count(), str(cycle), unit="beneficiaries")
    if low is None:
        return
    for start in range(low, high + 1, RANGE):
        end = min(start + RANGE - 1, high)
        with transaction.atomic(), connection.cursor() as cursor:
            # Ranges of two runs of one cycle are taken in turn, never interleaved.
            PaymentCycle.objects.select_for_update().filter(pk=cycle.pk).values_list("pk").first()
            cursor.execute("SELECT COALESCE(MAX(id), 0) FROM payments_payment")
            mark = cursor.fetchone()[0]
            cursor.execute(INSERT_RANGE, {**params, "low": start, "high": end})
            cursor.execute(LINK_RANGE, {"cycle": cycle.pk, "low": start, "high": end, "mark": mark})
        progress.advance(beneficiaries.filter(id__range=(start, end)).count())
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {CARRY_TABLE}")


class PayrollRefused(ValidationError):
    """A step of a payment cycle that cannot be taken, with the reason why."""


def require(user, permission: str) -> None:
    if user is None or not user.has_perm(f"payments.{permission}"):
        raise PermissionDenied


def payment_policy_for(programme: Programme) -> PaymentPolicy:
    """The programme's payment rules, made with the defaults the first time they are asked for."""
    policy, _created = PaymentPolicy.objects.get_or_create(programme=programme)
    return policy


def cycle_locked(cycle: PaymentCycle) -> PaymentCycle:
    return PaymentCycle.objects.select_for_update().select_related("programme").get(pk=cycle.pk)


def _start(cycle: PaymentCycle, acting_user) -> PaymentCycle:
    with transaction.atomic():
        cycle = cycle_locked(cycle)
        if cycle.frozen:
            raise PayrollRefused(MSG_FROZEN)
        cycle.status = CycleStatus.GENERATING
        cycle.save(update_fields=["status"])
        audit_record(actor=acting_user, action=GENERATION_STARTED, subject=cycle,
                     summary=f"Payroll of {cycle} generation started")  # fmt: skip
    return cycle


def payroll_generate(cycle: PaymentCycle, *, acting_user, progress: Progress | None = None) -> PaymentCycle:
    """Generate (or complete) the cycle's payroll: one payment per active beneficiary of its programme,
    her benefit plus what is carried over, through her account; the suspended and the others are left
    out. Not one transaction: each range of beneficiaries is committed on its own, so
    a run killed halfway is completed by running it again, and the cycle stays "generating" until a run
    finishes. Then the totals are counted and it awaits approval."""
    require(acting_user, "generate_payroll")
    cycle = _start(cycle, acting_user)
    _payroll_write(cycle, payment_policy_for(cycle.programme), progress=progress or NoProgress())
    with transaction.atomic():
        cycle = cycle_locked(cycle)
        totals = cycle.payments.aggregate(count=Count("id"), amount=Sum("amount"))
        cycle.status, cycle.generated_by, cycle.generated_at = CycleStatus.REVIEW, acting_user, timezone.now()
        cycle.payments_count, cycle.amount_total = totals["count"], totals["amount"] or 0
        cycle.save(update_fields=["status", "generated_by", "generated_at", "payments_count", "amount_total"])
        audit_record(
            actor=acting_user, action="payroll.generated", subject=cycle,
            summary=f"Payroll of {cycle} generated: {cycle.payments_count} payments, Rs {cycle.amount_total}",
        )  # fmt: skip
    return cycle
