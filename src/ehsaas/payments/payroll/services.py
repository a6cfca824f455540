"""Writes of payment cycles: opening a programme's cycle for a period, generating its payroll (a job,
resumable, never a second payment), and its approval by a finance officer who did not generate it, after
which it is frozen and cash payments become collectable, each beneficiary told by SMS. Each checks who
may act, refuses with a message constant, and records an audit event in the same transaction."""

import re
from datetime import date

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ehsaas.core.models import AuditEvent, Job
from ehsaas.core.services import audit_record, job_create
from ehsaas.messaging.services import messages_queue_sql
from ehsaas.payments.choices import Channel, CycleStatus, PaymentStatus
from ehsaas.payments.models import Payment, PaymentCycle
from ehsaas.payments.payroll.generation import (
    GENERATION_STARTED,
    MSG_FROZEN,
    PayrollRefused,
    cycle_locked,
    payment_policy_for,
    require,
)
from ehsaas.payments.payroll.generation import (
    payroll_generate as payroll_generate,  # the service, re-exported
)
from ehsaas.payments.payroll.tasks import GENERATE_KIND, generate_payroll_job
from ehsaas.programs.choices import ProgrammeStatus
from ehsaas.programs.models import Programme

PAYMENT_READY = "payment_ready"
PERIOD = re.compile(r"^(?P<year>\d{4})-(?:Q(?P<quarter>[1-4])|(?P<month>0[1-9]|1[0-2]))$")

MSG_PROGRAMME_NOT_ACTIVE = _("Only an active programme is paid; %(programme)s is %(status)s.")
MSG_NOT_CASH = _("%(programme)s pays no cash (it has no benefit amounts): it has no payment cycles.")
MSG_PERIOD = _("Write the period as a year and a quarter or a month, e.g. 2026-Q3 or 2026-07.")
MSG_PERIOD_TAKEN = _("%(programme)s has a cycle for %(period)s already.")
MSG_COLLECT_BY_PAST = _("The day to collect by has passed; choose a later day.")
MSG_NOT_IN_REVIEW = _("Only a payroll awaiting approval can be approved; this one is %(status)s.")
MSG_OWN_APPROVAL = _("The person who generated a payroll cannot approve it: another finance officer must.")
MSG_EMPTY = _("The payroll has no payments: there is nothing to approve.")
MSG_STOPPED = _(
    "The generation of this payroll stopped before it finished. Generate it again: the payments made "
    "already are kept and none is made twice."
)


def period_check(period: str) -> str:
    """A period as cycles name it (2026-Q3, 2026-07), or PayrollRefused."""
    period = (period or "").strip().upper()
    if not PERIOD.match(period):
        raise PayrollRefused(MSG_PERIOD)
    return period


@transaction.atomic
def cycle_open(
    *, programme: Programme, period: str, collect_by: date | None = None, acting_user
) -> PaymentCycle:
    """Open `programme`'s payment cycle for `period` (its payroll not generated yet)."""
    require(acting_user, "generate_payroll")
    if programme.status != ProgrammeStatus.ACTIVE:
        raise PayrollRefused(MSG_PROGRAMME_NOT_ACTIVE, params={"programme": programme.name,
                                                                "status": programme.get_status_display()})  # fmt: skip
    if not programme.benefit_rules.filter(amount__gt=0).exists():
        raise PayrollRefused(MSG_NOT_CASH, params={"programme": programme.name})
    period = period_check(period)
    if collect_by is not None and collect_by < timezone.localdate():
        raise PayrollRefused(MSG_COLLECT_BY_PAST)
    if PaymentCycle.objects.filter(programme=programme, period=period).exists():
        raise PayrollRefused(MSG_PERIOD_TAKEN, params={"programme": programme.name, "period": period})
    try:
        with transaction.atomic():
            cycle = PaymentCycle.objects.create(
                programme=programme, period=period, collect_by=collect_by, created_by=acting_user
            )
    except IntegrityError:  # opened by someone else at the same moment
        raise PayrollRefused(
            MSG_PERIOD_TAKEN, params={"programme": programme.name, "period": period}
        ) from None
    payment_policy_for(programme)
    audit_record(actor=acting_user, action="payroll.cycle_opened", subject=cycle,
                 summary=f"Payment cycle {programme.code} {period} opened")  # fmt: skip
    return cycle


@transaction.atomic
def payroll_generate_queue(*, cycle: PaymentCycle, acting_user) -> Job:
    """Queue the generation of the cycle's payroll, followed by a Job. Allowed until it is approved: run
    again, it adds only the payments still missing (after a job that stopped halfway, say)."""
    require(acting_user, "generate_payroll")
    cycle = cycle_locked(cycle)
    if cycle.frozen:
        raise PayrollRefused(MSG_FROZEN)
    job = job_create(kind=GENERATE_KIND, acting_user=acting_user, params={"cycle": cycle.pk},
                     message=str(_("Waiting for the worker")))  # fmt: skip
    cycle.job = job
    cycle.save(update_fields=["job"])
    audit_record(actor=acting_user, action="payroll.generation_queued", subject=cycle,
                 summary=f"Payroll of {cycle} queued for generation")  # fmt: skip
    transaction.on_commit(lambda: generate_payroll_job.enqueue(job.pk))
    return job


def _amount_sql(column: str) -> str:
    """An amount in rupees written with thousands separators (13,500), in SQL."""
    if connection.vendor == "postgresql":
        return f"to_char({column}, 'FM999,999,999,999')"
    return f"printf('%%,d', {column})"


def _ready_messages_queue(cycle: PaymentCycle) -> int:
    """Each cash payment's beneficiary told, in Urdu, that her payment is ready to collect: one SMS per
    household phone and cycle, whatever happens again."""
    programme = cycle.programme
    return messages_queue_sql(
        template=PAYMENT_READY,
        event=f"payment_ready:{programme.code}-{cycle.period}",
        sql=f"""SELECT h.phone AS phone, %(language)s AS language, %(programme)s AS programme,
                {_amount_sql("p.amount")} AS amount
            FROM payments_payment p JOIN registry_household h ON h.id = p.household_id
            WHERE p.cycle_id = %(cycle)s AND p.channel = %(cash)s AND h.phone <> ''""",
        params={"language": "ur", "programme": programme.name_ur or programme.name_en, "cycle": cycle.pk,
                "cash": Channel.CASH.value},
    )  # fmt: skip


def _ran_generation(cycle: PaymentCycle, user) -> bool:
    """Whether `user` started any run of the cycle's generation (one that stopped halfway included)."""
    return AuditEvent.objects.filter(
        subject_type=PaymentCycle._meta.label_lower,
        subject_id=cycle.pk,
        action=GENERATION_STARTED,
        actor=user,
    ).exists()


@transaction.atomic
def cycle_approve(*, cycle: PaymentCycle, acting_user, note: str = "") -> PaymentCycle:
    """Approve a payroll awaiting approval, by a finance officer who did not generate it; it is frozen
    from then on. Cash payments become collectable at the points and their beneficiaries are told by
    SMS; bank and wallet payments wait for their instructions to go out."""
    require(acting_user, "approve_payroll")
    cycle = cycle_locked(cycle)
    if cycle.frozen:
        raise PayrollRefused(MSG_FROZEN)
    if cycle.status != CycleStatus.REVIEW:
        raise PayrollRefused(MSG_NOT_IN_REVIEW, params={"status": cycle.get_status_display()})
    if cycle.generated_by_id == acting_user.pk or _ran_generation(cycle, acting_user):
        raise PayrollRefused(MSG_OWN_APPROVAL)
    if not cycle.payments_count:
        raise PayrollRefused(MSG_EMPTY)
    now = timezone.now()
    cycle.status, cycle.approved_by, cycle.approved_at = CycleStatus.APPROVED, acting_user, now
    cycle.approval_note = note.strip()
    cycle.save(update_fields=["status", "approved_by", "approved_at", "approval_note"])
    collectable = Payment.objects.filter(
        cycle=cycle, channel=Channel.CASH, status=PaymentStatus.PENDING
    ).update(status=PaymentStatus.INSTRUCTED, status_at=now)
    told = _ready_messages_queue(cycle)
    audit_record(
        actor=acting_user, action="payroll.approved", subject=cycle, reason=cycle.approval_note,
        summary=f"Payroll of {cycle} approved: {cycle.payments_count} payments, Rs {cycle.amount_total}; "
        f"{collectable} cash payments collectable, {told} told by SMS",
    )  # fmt: skip
    return cycle
