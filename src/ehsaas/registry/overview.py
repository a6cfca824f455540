"""The figures on the staff home page: households and members a user can see, by province.

Counting every row takes time in proportion to the registry (about a second per 300,000 households
with their members on PostgreSQL), and the home page is the page everyone opens first. So:

* figures are kept in the cache for a few minutes, per scope of districts;
* on PostgreSQL, a nationwide user of a registry past `ESTIMATE_ABOVE` households is shown the
  planner's statistics (kept by ANALYZE, to within about a percent) instead of a count, marked as
  approximate; members by province are then not shown, as the statistics do not have them.
"""

from dataclasses import dataclass

from django.core.cache import cache
from django.db import connection
from django.db.models import Count
from django.utils import timezone

from ehsaas.core.access import district_scope
from ehsaas.core.models import Province
from ehsaas.registry.choices import MemberStatus
from ehsaas.registry.models import Household, Member
from ehsaas.registry.selectors import households_for_user

CACHE_SECONDS = 300
ESTIMATE_ABOVE = 1_000_000


@dataclass(frozen=True)
class ProvinceCount:
    province: Province
    households: int
    members: int | None


@dataclass(frozen=True)
class RegistryCounts:
    households: int
    members: int
    by_province: list[ProvinceCount]
    estimated: bool
    as_of: object  # an aware datetime


def registry_counts_for_user(*, user) -> RegistryCounts:
    """Households and active members the user can see, in total and by province."""
    visible = households_for_user(user=user)
    scope = district_scope(user)
    scope_key = "all" if scope is None else ",".join(map(str, sorted(scope))) or "none"
    key = f"registry:counts:{scope_key}"
    figures = cache.get(key)
    if figures is None:
        figures = (_estimated() if scope is None else None) or _counted(visible)
        cache.set(key, figures, CACHE_SECONDS)
    provinces = Province.objects.in_bulk(list(figures["provinces"]))
    rows = sorted(
        (
            ProvinceCount(provinces[pk], households, members)
            for pk, (households, members) in figures["provinces"].items()
            if pk in provinces
        ),
        key=lambda row: (-row.households, row.province.name_en),
    )
    return RegistryCounts(
        households=sum(row.households for row in rows),
        members=figures["members"],
        by_province=rows,
        estimated=figures["estimated"],
        as_of=figures["as_of"],
    )


def _counted(visible) -> dict:
    households = dict(visible.order_by().values_list("province_id").annotate(n=Count("id")))
    members = dict(
        Member.objects.filter(status=MemberStatus.ACTIVE, household__in=visible.values("id"))
        .order_by()
        .values_list("household__province_id")
        .annotate(n=Count("id"))
    )
    return {
        "provinces": {
            pk: (households.get(pk, 0), members.get(pk, 0)) for pk in set(households) | set(members)
        },
        "members": sum(members.values()),
        "estimated": False,
        "as_of": timezone.now(),
    }


def _estimated() -> dict | None:
    """Figures from PostgreSQL's statistics, or None where there are none or a count is cheap."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT (SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass),"
            " (SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass)",
            [Household._meta.db_table, Member._meta.db_table],
        )
        households, members = cursor.fetchone()
        if households < ESTIMATE_ABOVE:
            return None
        # Seven provinces: every value is among the "most common values" ANALYZE keeps, with its share.
        cursor.execute(
            "SELECT most_common_vals::text::bigint[], most_common_freqs FROM pg_stats "
            "WHERE schemaname = current_schema() AND tablename = %s AND attname = 'province_id'",
            [Household._meta.db_table],
        )
        stats = cursor.fetchone()
    if not stats or not stats[0]:
        return None
    return {
        "provinces": {pk: (round(share * households), None) for pk, share in zip(*stats, strict=True)},
        "members": members,
        "estimated": True,
        "as_of": timezone.now(),
    }
