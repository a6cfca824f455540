"""Reads of the registry. Every read of protected records goes through these fetchers, which apply
the user's district scope (core.access.district_scope)."""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from ehsaas.core.access import district_scope
from ehsaas.registry.models import ChangeRequest, Household, Member


def households_for_user(*, user) -> QuerySet[Household]:
    if not user.has_perm("registry.view_household"):
        raise PermissionDenied
    households = Household.objects.select_related("province", "district", "tehsil")
    scope = district_scope(user)
    if scope is not None:
        households = households.filter(district_id__in=scope)
    return households


def household_get_for_user(*, user, pk: int) -> Household:
    household = households_for_user(user=user).filter(pk=pk).first()
    if household is None:
        raise Http404
    return household


def members_for_user(*, user) -> QuerySet[Member]:
    return Member.objects.filter(household__in=households_for_user(user=user).values("id"))


def change_requests_for_user(*, user) -> QuerySet[ChangeRequest]:
    return ChangeRequest.objects.filter(
        household__in=households_for_user(user=user).values("id")
    ).select_related("household", "member", "requested_by", "decided_by")
