"""Reads of cash collection: a person's payments found by her CNIC, the points an agent works at, and
what a beneficiary may learn of her latest payment (tracking) — whether and where it can be collected or
was paid, and nothing else about her."""

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from ehsaas.payments.choices import Channel, CycleStatus, PaymentStatus, PointKind
from ehsaas.payments.models import Collection, Payment, PaymentPoint

# Cycles whose payments a beneficiary may know of: approved (being paid) or closed (reconciled).
VISIBLE_CYCLES = (CycleStatus.APPROVED, CycleStatus.CLOSED)


def payments_of_cnic(cnic: str) -> QuerySet[Payment]:
    """The payments of approved or closed cycles made to the living holder of `cnic` (13 digits),
    the latest first."""
    return Payment.objects.filter(
        member__identifiers__number=cnic, member__identifiers__active=True, cycle__status__in=VISIBLE_CYCLES
    ).order_by("-cycle__created_at", "-cycle_id", "-id")


def collectable_payment_for_cnic(cnic: str) -> Payment | None:
    """Her latest cash payment that can be collected now: instructed, in an approved cycle."""
    return (
        payments_of_cnic(cnic)
        .filter(channel=Channel.CASH, status=PaymentStatus.INSTRUCTED, cycle__status=CycleStatus.APPROVED)
        .select_related("cycle__programme", "member", "household")
        .first()
    )


def collected_payment_for_cnic(cnic: str) -> Collection | None:
    """The collection of her latest cash payment that was collected, if any."""
    return (
        Collection.objects.filter(payment__in=payments_of_cnic(cnic).filter(channel=Channel.CASH))
        .select_related("point", "payment")
        .order_by("-payment__cycle__created_at", "-payment_id")
        .first()
    )


def points_of_agent(agent) -> QuerySet[PaymentPoint]:
    """The active points where `agent` may pay out."""
    if not agent.is_authenticated:
        return PaymentPoint.objects.none()
    return PaymentPoint.objects.filter(agents=agent, active=True).select_related("district").order_by("name")


def point_of_agent(agent, code: str) -> PaymentPoint | None:
    return points_of_agent(agent).filter(code=code).first()


def collection_points_in(district_id: int) -> QuerySet[PaymentPoint]:
    """Where cash is collected in a district: its active agents and campsites (branches take only the
    fallback with a one-time code)."""
    return PaymentPoint.objects.filter(
        district_id=district_id, active=True, kind__in=[PointKind.AGENT, PointKind.CAMPSITE]
    ).order_by("kind", "name")


# What tracking says of a payment, in words a beneficiary reads.
TRACK_NONE, TRACK_PENDING, TRACK_COLLECTABLE, TRACK_CREDITED, TRACK_PAID, TRACK_FAILED, TRACK_UNCLAIMED = (
    "none", "pending", "collectable", "sent", "paid", "failed", "unclaimed",
)  # fmt: skip
TRACK_WORDS = {
    TRACK_NONE: _("No payment was found for this CNIC."),
    TRACK_PENDING: _("Your payment is being prepared; you will get an SMS when it is ready."),
    TRACK_COLLECTABLE: _("Your payment is ready to collect in cash at a payment point, with your CNIC."),
    TRACK_CREDITED: _("Your payment has been sent to your account with %(provider)s."),
    TRACK_PAID: _("Your payment has been paid."),
    TRACK_FAILED: _("Your payment could not be made; it is paid again in the next cycle where the rules allow."),
    TRACK_UNCLAIMED: _("Your payment was not collected in time; it is paid again in the next cycle where the rules allow."),
}  # fmt: skip


# The same, short enough for one SMS (the Urdu ones for one UCS-2 message of 70 characters).
TRACK_SMS = {
    TRACK_NONE: _("Ehsaas: no payment found for this CNIC."),
    TRACK_PENDING: _("Ehsaas %(programme)s %(period)s: payment being prepared; an SMS follows when ready."),
    TRACK_COLLECTABLE: _("Ehsaas %(programme)s %(period)s: ready to collect in cash at a payment point with your CNIC."),
    TRACK_CREDITED: _("Ehsaas %(programme)s %(period)s: sent to your account with %(where)s."),
    TRACK_PAID: _("Ehsaas %(programme)s %(period)s: paid on %(date)s at %(where)s."),
    TRACK_FAILED: _("Ehsaas %(programme)s %(period)s: payment failed; paid again next cycle where allowed."),
    TRACK_UNCLAIMED: _("Ehsaas %(programme)s %(period)s: not collected in time; paid again next cycle where allowed."),
}  # fmt: skip


@dataclass(frozen=True)
class TrackedPoint:
    name: str
    kind: str
    address: str


@dataclass(frozen=True)
class Tracking:
    """The latest payment of a CNIC as its holder may learn it: no name, account, phone or amount."""

    status: str
    programme: str = ""
    period: str = ""
    where: str = ""
    paid_at: datetime | None = None
    points: list[TrackedPoint] = field(default_factory=list)

    @property
    def message(self) -> str:
        return str(TRACK_WORDS[self.status]) % {"provider": self.where}

    @property
    def sms(self) -> str:
        """The answer in one SMS."""
        when = timezone.localtime(self.paid_at).strftime("%d-%m-%Y") if self.paid_at else ""
        values = {"programme": self.programme, "period": self.period, "where": self.where, "date": when}
        return str(TRACK_SMS[self.status]) % values

    def as_json(self) -> dict:
        return {
            "status": self.status,
            "programme": self.programme,
            "period": self.period,
            "where": self.where,
            "paid_at": self.paid_at.isoformat() if self.paid_at else None,
            "points": [{"name": p.name, "kind": p.kind, "address": p.address} for p in self.points],
            "message": self.message,
        }


def _programme_name(programme) -> str:
    return programme.name_ur if (get_language() or "").startswith("ur") else programme.name_en


def latest_payment_for_cnic(cnic: str) -> Tracking:
    """Whether and where the latest payment of `cnic`'s holder can be collected or was paid: the
    programme, the cycle's period, its status, where (the provider, the collection point, or the
    points of her district) and when it was paid."""
    payment = (
        payments_of_cnic(cnic).select_related("cycle__programme", "provider", "collection__point").first()
    )
    if payment is None:
        return Tracking(status=TRACK_NONE)
    common = {"programme": _programme_name(payment.cycle.programme), "period": payment.cycle.period}
    collection = getattr(payment, "collection", None) if payment.channel == Channel.CASH else None
    if payment.status == PaymentStatus.PAID:
        where = collection.point.name if collection else (payment.provider.name if payment.provider else "")
        return Tracking(status=TRACK_PAID, where=where, paid_at=payment.status_at, **common)
    if payment.status == PaymentStatus.FAILED:
        return Tracking(status=TRACK_FAILED, **common)
    if payment.status == PaymentStatus.UNCLAIMED:
        return Tracking(status=TRACK_UNCLAIMED, **common)
    if payment.status == PaymentStatus.PENDING:
        return Tracking(status=TRACK_PENDING, **common)
    if payment.channel == Channel.CASH:
        points = [
            TrackedPoint(name=p.name, kind=p.get_kind_display(), address=p.address)
            for p in collection_points_in(payment.district_id)[:20]
        ]
        return Tracking(status=TRACK_COLLECTABLE, where=str(_("at a payment point")), points=points, **common)
    provider = payment.provider.name if payment.provider else ""
    return Tracking(status=TRACK_CREDITED, where=provider, **common)
