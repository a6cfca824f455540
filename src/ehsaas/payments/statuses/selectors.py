"""Reads of the statuses part: status files and their problem lines, for those who may see them, and a
cycle's reconciliation (what was instructed, paid, failed, unclaimed and is still open, by provider and by
district, and which unpaid payments were carried into which cycle)."""

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db.models import Count, QuerySet, Sum
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _

from ehsaas.core.models import District
from ehsaas.payments.choices import Channel, PaymentStatus
from ehsaas.payments.models import Payment, PaymentCycle, StatusFile

CASH_AT_POINTS = _("Cash at points")


def status_files_for_user(*, user) -> QuerySet[StatusFile]:
    if not user.has_perm("payments.view_statusfile"):
        raise PermissionDenied
    return StatusFile.objects.select_related("provider", "received_by", "job")


def status_file_get_for_user(*, user, pk: int) -> StatusFile:
    return get_object_or_404(status_files_for_user(user=user), pk=pk)


def cycle_get_for_user(*, user, pk: int) -> PaymentCycle:
    if not user.has_perm("payments.view_paymentcycle"):
        raise PermissionDenied
    return get_object_or_404(PaymentCycle.objects.select_related("programme"), pk=pk)


@dataclass
class Figures:
    """Counts and amounts (Rs) of a group of a cycle's payments. `instructed` counts every payment sent
    (or made collectable); `still_open` those neither paid, failed nor unclaimed yet."""

    instructed: int = 0
    instructed_amount: int = 0
    paid: int = 0
    paid_amount: int = 0
    failed: int = 0
    failed_amount: int = 0
    unclaimed: int = 0
    unclaimed_amount: int = 0
    still_open: int = 0
    still_open_amount: int = 0

    def add(self, status: str, count: int, amount: int) -> None:
        if status != PaymentStatus.PENDING:
            self.instructed += count
            self.instructed_amount += amount
        if status in (PaymentStatus.PENDING, PaymentStatus.INSTRUCTED):
            self.still_open += count
            self.still_open_amount += amount
        elif status in (PaymentStatus.PAID, PaymentStatus.FAILED, PaymentStatus.UNCLAIMED):
            setattr(self, status, getattr(self, status) + count)
            setattr(self, f"{status}_amount", getattr(self, f"{status}_amount") + amount)


@dataclass
class Reissue:
    """Unpaid payments of the cycle (failed or unclaimed) and where they went: carried into the cycle
    `into` (None: not carried over)."""

    status: str
    status_label: str
    into: str | None
    into_pk: int | None
    count: int
    amount: int


@dataclass
class Reconciliation:
    cycle: PaymentCycle
    total: Figures
    by_provider: list[tuple[str, Figures]]
    by_district: list[tuple[str, Figures]]
    reissued: list[Reissue] = field(default_factory=list)
    carried_in: int = 0
    carried_in_amount: int = 0


def cycle_reconciliation(*, cycle: PaymentCycle) -> Reconciliation:
    """The reconciliation of `cycle`, from two grouped queries over its payments."""
    payments = Payment.objects.filter(cycle=cycle)
    groups = payments.values("channel", "provider__name", "district_id", "status").annotate(
        n=Count("id"), amount=Sum("amount")
    )
    total, providers, districts = Figures(), {}, {}
    groups = list(groups.order_by())
    names = {d.pk: d.name for d in District.objects.filter(pk__in={g["district_id"] for g in groups})}
    for group in groups:
        provider = str(CASH_AT_POINTS) if group["channel"] == Channel.CASH else group["provider__name"] or "—"
        for figures in (total, providers.setdefault(provider, Figures()),
                        districts.setdefault(names[group["district_id"]], Figures())):  # fmt: skip
            figures.add(group["status"], group["n"], group["amount"] or 0)
    unpaid = payments.filter(status__in=[PaymentStatus.FAILED, PaymentStatus.UNCLAIMED])
    reissued = [
        Reissue(status=row["status"], status_label=str(PaymentStatus(row["status"]).label),
                into=f"{cycle.programme.code} {row['reissued_in__cycle__period']}"
                if row["reissued_in__cycle_id"] else None,
                into_pk=row["reissued_in__cycle_id"], count=row["n"], amount=row["amount"] or 0)
        for row in unpaid.values("status", "reissued_in__cycle_id", "reissued_in__cycle__period")
        .annotate(n=Count("id"), amount=Sum("amount")).order_by("status", "reissued_in__cycle_id")
    ]  # fmt: skip
    carried = payments.filter(arrears__gt=0).aggregate(n=Count("id"), amount=Sum("arrears"))
    return Reconciliation(
        cycle=cycle, total=total, by_provider=sorted(providers.items()), by_district=sorted(districts.items()),
        reissued=reissued, carried_in=carried["n"] or 0, carried_in_amount=carried["amount"] or 0,
    )  # fmt: skip


FIGURE_COLUMNS = [
    ("instructed", _("Instructed")), ("instructed_amount", _("Instructed (Rs)")),
    ("paid", _("Paid")), ("paid_amount", _("Paid (Rs)")),
    ("failed", _("Failed")), ("failed_amount", _("Failed (Rs)")),
    ("unclaimed", _("Unclaimed")), ("unclaimed_amount", _("Unclaimed (Rs)")),
    ("still_open", _("Still open")), ("still_open_amount", _("Still open (Rs)")),
]  # fmt: skip


def reconciliation_rows(reconciliation: Reconciliation) -> list[list]:
    """The reconciliation as the rows of its CSV download: a header, the total, each provider, each
    district, then the unpaid payments and the cycle each was carried into."""
    rows = [[_g("Group"), _g("Name"), *[str(label) for _key, label in FIGURE_COLUMNS]]]

    def line(group: str, name: str, figures: Figures) -> list:
        return [group, name, *[getattr(figures, key) for key, _label in FIGURE_COLUMNS]]

    rows.append(line(_g("Total"), str(reconciliation.cycle), reconciliation.total))
    rows += [line(_g("Provider"), name, figures) for name, figures in reconciliation.by_provider]
    rows += [line(_g("District"), name, figures) for name, figures in reconciliation.by_district]
    rows.append([])
    rows.append([_g("Unpaid"), _g("Carried into"), _g("Payments"), _g("Amount (Rs)")])
    rows += [
        [r.status_label, r.into or _g("Not carried over"), r.count, r.amount] for r in reconciliation.reissued
    ]
    return rows
