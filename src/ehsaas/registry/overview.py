"""The figures on the staff home page: households and members a user can see, by province.

Counting every row of a national registry takes seconds, and the home page is the page everyone
opens first, so the figures are kept for a few minutes. The cache key carries the user's scope and the
newest household and member ids, so a registration or an import shows up on the next visit.
"""

from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Count, Max

from ehsaas.core.access import district_scope
from ehsaas.core.models import Province
from ehsaas.registry.choices import MemberStatus
from ehsaas.registry.models import Household, Member
from ehsaas.registry.selectors import households_for_user

CACHE_SECONDS = 300


@dataclass(frozen=True)
class ProvinceCount:
    province: Province
    households: int
    members: int


@dataclass(frozen=True)
class RegistryCounts:
    households: int
    members: int
    by_province: list[ProvinceCount]


def registry_counts_for_user(*, user) -> RegistryCounts:
    """Households and active members the user can see, in total and by province."""
    visible = households_for_user(user=user)
    scope = district_scope(user)
    newest = (
        Household.objects.aggregate(newest=Max("id"))["newest"],
        Member.objects.aggregate(newest=Max("id"))["newest"],
    )
    scope_key = "all" if scope is None else ",".join(map(str, sorted(scope))) or "none"
    key = f"registry:counts:{scope_key}:{newest[0]}:{newest[1]}"
    raw = cache.get(key)
    if raw is None:
        households = dict(visible.order_by().values_list("province_id").annotate(n=Count("id")))
        members = dict(
            Member.objects.filter(status=MemberStatus.ACTIVE, household__in=visible.values("id"))
            .order_by()
            .values_list("household__province_id")
            .annotate(n=Count("id"))
        )
        raw = {pk: (households.get(pk, 0), members.get(pk, 0)) for pk in set(households) | set(members)}
        cache.set(key, raw, CACHE_SECONDS)
    provinces = Province.objects.in_bulk(list(raw))
    rows = sorted(
        (ProvinceCount(provinces[pk], h, m) for pk, (h, m) in raw.items() if pk in provinces),
        key=lambda row: -row.households,
    )
    return RegistryCounts(
        households=sum(row.households for row in rows),
        members=sum(row.members for row in rows),
        by_province=rows,
    )
