"""Reads of payment cycles and their payrolls, for those allowed to see them: the cycles, one cycle, its
payments filtered, and the review a finance officer approves by (totals by district, channel and
provider, category; the exceptions). Every figure is one aggregate query, whatever the payroll's size."""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet, Sum
from django.http import Http404

from ehsaas.core.models import District, Job
from ehsaas.payments.choices import Channel, CycleStatus
from ehsaas.payments.models import Payment, PaymentCycle, Provider, payment_id_of
from ehsaas.programs.choices import ProgrammeStatus
from ehsaas.programs.models import Programme

# Payments listed in an exception on the review (the count is always whole).
EXCEPTION_ROWS = 20


def _require(user, permission: str) -> None:
    if not user.has_perm(f"payments.{permission}"):
        raise PermissionDenied


def cycles_for_user(*, user) -> QuerySet[PaymentCycle]:
    _require(user, "view_paymentcycle")
    return PaymentCycle.objects.select_related(
        "programme", "job", "created_by", "generated_by", "approved_by"
    )


def cycle_get_for_user(*, user, pk: int) -> PaymentCycle:
    cycle = cycles_for_user(user=user).filter(pk=pk).first()
    if cycle is None:
        raise Http404
    return cycle


def cycle_of_job(*, user, job: Job) -> PaymentCycle:
    """The cycle a payroll job generated (a job's page links to it by the job's number)."""
    cycle = cycles_for_user(user=user).filter(pk=job.params.get("cycle")).first()
    if cycle is None:
        raise Http404
    return cycle


def payable_programmes() -> QuerySet[Programme]:
    """The programmes a cycle may be opened for: active, paying cash."""
    return Programme.objects.filter(status=ProgrammeStatus.ACTIVE, benefit_rules__amount__gt=0).distinct()


def payments_of_cycle(
    *, user, cycle: PaymentCycle, status: str = "", channel: str = "", district: int | None = None,
    reference: str = "",
) -> QuerySet[Payment]:  # fmt: skip
    """The cycle's payments, filtered; a reference (EP0000012345) names one payment."""
    _require(user, "view_payment")
    payments = Payment.objects.filter(cycle=cycle).select_related("district", "provider", "member")
    if status:
        payments = payments.filter(status=status)
    if channel:
        payments = payments.filter(channel=channel)
    if district:
        payments = payments.filter(district_id=district)
    if reference:
        payments = payments.filter(pk=payment_id_of(reference) or 0)
    return payments.order_by("id")


@dataclass
class Review:
    """What a finance officer checks before approving: totals three ways, and the exceptions."""

    by_district: list[dict]
    by_channel: list[dict]
    by_category: list[dict]
    changed_count: int
    changed: list[Payment]
    shared_count: int
    shared: list[dict]
    arrears_count: int
    arrears_total: int
    arrears: list[Payment]
    cash_count: int
    cash_total: int


def _totals(payments: QuerySet[Payment], *keys: str) -> list[dict]:
    return list(
        payments.values(*keys)
        .annotate(payments=Count("id"), amount=Sum("amount"), arrears=Sum("arrears"))
        .order_by(*keys)
    )


def _named(rows: list[dict], key: str, model, name: str) -> list[dict]:
    """Each row given the record its `key` column names (one query for them all), as `name`."""
    manager = model if hasattr(model, "in_bulk") else model.objects
    records = manager.in_bulk({row[key] for row in rows if row[key] is not None})
    for row in rows:
        row[name] = records.get(row[key])
    return rows


def payroll_review(*, user, cycle: PaymentCycle) -> Review:
    _require(user, "view_payment")
    return cycle_review(cycle)


def cycle_review(cycle: PaymentCycle) -> Review:
    """The review of a cycle, unchecked: for the command line, which acts as the platform."""
    payments = Payment.objects.filter(cycle=cycle)
    listed = payments.select_related("district", "provider", "member").order_by("id")
    shared = (
        payments.exclude(account_number="")
        .values("provider__name", "account_number")
        .annotate(payments=Count("id"), amount=Sum("amount"))
        .filter(payments__gt=1)
        .order_by("-payments", "account_number")
    )
    figures = payments.aggregate(
        changed=Count("id", filter=Q(account_changed=True)),
        arrears_count=Count("id", filter=Q(arrears__gt=0)),
        arrears_total=Sum("arrears", filter=Q(arrears__gt=0)),
        cash_count=Count("id", filter=Q(channel=Channel.CASH)),
        cash_total=Sum("amount", filter=Q(channel=Channel.CASH)),
    )
    districts = District.objects.select_related("province")
    return Review(
        by_district=sorted(
            _named(_totals(payments, "district_id"), "district_id", districts, "district"),
            key=lambda row: (row["district"].province.name, row["district"].name),
        ),
        by_channel=_named(_totals(payments, "channel", "provider_id"), "provider_id", Provider, "provider"),
        by_category=_totals(payments, "category"),
        changed_count=figures["changed"],
        changed=list(listed.filter(account_changed=True)[:EXCEPTION_ROWS]),
        shared_count=shared.count(),
        shared=list(shared[:EXCEPTION_ROWS]),
        arrears_count=figures["arrears_count"],
        arrears_total=figures["arrears_total"] or 0,
        arrears=list(listed.filter(arrears__gt=0)[:EXCEPTION_ROWS]),
        cash_count=figures["cash_count"],
        cash_total=figures["cash_total"] or 0,
    )


def generation_stopped(cycle: PaymentCycle) -> bool:
    """A cycle left "generating" by a job that failed or is gone: generating it again completes it."""
    if cycle.status != CycleStatus.GENERATING:
        return False
    return cycle.job is None or cycle.job.is_finished
