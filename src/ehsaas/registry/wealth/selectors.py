"""What a user may see of the wealth filters, which households are excluded, and why."""

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy

from ehsaas.core.access import district_scope
from ehsaas.core.identity import mask_cnic
from ehsaas.registry import choices as c
from ehsaas.registry.models import Household, WealthFlag, WealthList, WealthOverride

MSG_REASON = gettext_lazy(
    "%(name)s (member %(member_no)s, CNIC %(cnic)s) is on the %(list)s of %(agency)s, as of %(date)s"
)


def _require_view(user) -> None:
    if not user.has_perm("registry.view_wealthlist"):
        raise PermissionDenied


def wealth_lists_for_user(*, user) -> QuerySet[WealthList]:
    """Every list (a list's source and date are not protected); for a user limited to some districts the
    figures count only those districts' members and households (`members_shown`, `households_shown`)."""
    _require_view(user)
    lists = WealthList.objects.select_related("imported_by")
    scope = district_scope(user)
    if scope is None:
        return lists
    in_scope = Q(flags__household__district_id__in=scope)
    return lists.annotate(
        scoped_members=Count("flags__member", filter=in_scope, distinct=True),
        scoped_households=Count("flags__household", filter=in_scope, distinct=True),
    )


def wealth_list_get_for_user(*, user, pk: int) -> WealthList:
    wealth_list = wealth_lists_for_user(user=user).filter(pk=pk).first()
    if wealth_list is None:
        raise Http404
    return wealth_list


def wealth_flags_for_user(*, user) -> QuerySet[WealthFlag]:
    """Flags of the households the user may see (a partner: its districts only)."""
    _require_view(user)
    flags = WealthFlag.objects.select_related("wealth_list", "member", "household__district")
    scope = district_scope(user)
    if scope is not None:
        flags = flags.filter(household__district_id__in=scope)
    return flags


def wealth_overrides_for_user(*, user) -> QuerySet[WealthOverride]:
    _require_view(user)
    overrides = WealthOverride.objects.select_related(
        "flag__wealth_list", "member", "household__district", "requested_by", "decided_by"
    )
    scope = district_scope(user)
    if scope is not None:
        overrides = overrides.filter(household__district_id__in=scope)
    return overrides


def wealth_override_get_for_user(*, user, pk: int) -> WealthOverride:
    override = wealth_overrides_for_user(user=user).filter(pk=pk).first()
    if override is None:
        raise Http404
    return override


def _overridden() -> Exists:
    return Exists(
        WealthOverride.objects.filter(
            member_id=OuterRef("member_id"),
            source=OuterRef("source"),
            status=c.WealthOverrideStatus.APPROVED,
        )
    )


def excluding_flags() -> QuerySet[WealthFlag]:
    """The flags that exclude their household now: active, and not lifted by an approved override."""
    return WealthFlag.objects.filter(status=c.WealthFlagStatus.ACTIVE).exclude(_overridden())


def households_excluded_by_wealth() -> QuerySet[Household]:
    """Households currently excluded by a wealth filter, for targeting and programmes to leave out
    (`.exclude(pk__in=households_excluded_by_wealth().values("pk"))`). One SQL statement, no loop."""
    return Household.objects.filter(Exists(excluding_flags().filter(household_id=OuterRef("pk"))))


# The same rule as SQL, for set-based work that joins it in (`… AND h.id NOT IN (<this>)`).
EXCLUDED_HOUSEHOLDS_SQL = (
    "SELECT f.household_id FROM registry_wealthflag f WHERE f.status = 'active' AND NOT EXISTS ("
    "SELECT 1 FROM registry_wealthoverride o WHERE o.member_id = f.member_id AND o.source = f.source "
    "AND o.status = 'approved')"
)


def wealth_reason(flag: WealthFlag) -> str:
    """“Muhammad Aslam (member 1, CNIC 35202-*****71-1) is on the car owners list of Excise and
    Taxation, Punjab, as of 1 May 2026”, in the active language."""
    wealth_list = flag.wealth_list
    return MSG_REASON % {
        "name": flag.member.full_name,
        "member_no": flag.member.member_no,
        "cnic": mask_cnic(flag.cnic),
        "list": c.WEALTH_LIST_NAMES[wealth_list.source],
        "agency": wealth_list.agency,
        "date": date_format(wealth_list.as_of, "DATE_FORMAT"),
    }


def wealth_reasons_for_household(*, household: Household) -> list[str]:
    """Why the household is excluded now, one sentence per flag (empty when it is not excluded)."""
    flags = excluding_flags().filter(household=household).select_related("wealth_list", "member")
    return [wealth_reason(flag) for flag in flags.order_by("member__member_no", "source")]
