"""The demo's payment points: in each district with Kafaalat beneficiaries, two retail agents, a campsite
and a bank branch (the fallback), written set-based; and the demo agent ("agent", a demo account of
registry.demo) at the points of the partner's districts, so that cash can be
collected on /payments/collect/ and with `ehsaas collect`."""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext as _

from ehsaas.core.models import District
from ehsaas.payments.choices import PointKind
from ehsaas.payments.models import PaymentPoint, Provider
from ehsaas.programs.choices import BeneficiaryStatus

AGENT = "agent"
PROGRAMME = "kafaalat"
AGENT_DISTRICTS = ("Lahore", "Muzaffargarh")  # the partner's districts (registry.demo)
# (code suffix, kind, provider code, name, address)
POINTS = (
    ("a1", PointKind.AGENT, "hbl-konnect", "HBL Konnect agent, Main Bazaar", "Main Bazaar"),
    ("a2", PointKind.AGENT, "hbl-konnect", "HBL Konnect agent, Railway Road", "Railway Road"),
    (
        "camp",
        PointKind.CAMPSITE,
        "hbl-konnect",
        "Ehsaas campsite, Government Girls High School",
        "Girls High School",
    ),
    ("branch", PointKind.BRANCH, "hbl", "HBL branch, Mall Road", "Mall Road"),
)


@transaction.atomic
def demo_payment_points() -> str:
    districts = list(
        District.objects.filter(
            households__beneficiaries__programme__code=PROGRAMME,
            households__beneficiaries__status=BeneficiaryStatus.ACTIVE,
        ).distinct().values_list("id", "code", "name_en")
    )  # fmt: skip
    providers = dict(Provider.objects.values_list("code", "id"))
    existing = set(PaymentPoint.objects.values_list("code", flat=True))
    points = [
        PaymentPoint(code=f"{code.lower()}-{suffix}"[:30], name=f"{name} ({district})", kind=kind,
                     district_id=pk, provider_id=providers.get(provider), address=f"{address}, {district}")
        for pk, code, district in districts for suffix, kind, provider, name, address in POINTS
        if f"{code.lower()}-{suffix}"[:30] not in existing
    ]  # fmt: skip
    PaymentPoint.objects.bulk_create(points, batch_size=2000)
    agent = get_user_model().objects.get(username=AGENT)  # a demo account (registry.demo)
    mine = PaymentPoint.objects.filter(district__name_en__in=AGENT_DISTRICTS)
    if not mine.exists():  # a geography without those names: the first two districts with points
        mine = PaymentPoint.objects.filter(district_id__in=[d[0] for d in districts[:2]])
    agent.payment_points.set(mine)
    line = _(
        "Opened %(points)s payment points in %(districts)s districts; the agent %(agent)s pays out at %(mine)s of them."
    ) % {"points": len(points), "districts": len(districts), "agent": AGENT, "mine": mine.count()}
    return line
