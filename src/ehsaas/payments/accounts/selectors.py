"""Reads of beneficiaries' accounts and the requests that change them."""

from django.db.models import QuerySet
from django.http import Http404

from ehsaas.core.access import district_scope
from ehsaas.payments.models import AccountChangeRequest, PaymentAccount
from ehsaas.programs.models import Beneficiary


def account_requests_for_user(*, user) -> QuerySet[AccountChangeRequest]:
    """The change requests `user` may see: none without the permission; a partner's districts only."""
    if not user.has_perm("payments.view_accountchangerequest"):
        return AccountChangeRequest.objects.none()
    requests = AccountChangeRequest.objects.select_related(
        "beneficiary__programme", "beneficiary__member", "beneficiary__household", "provider", "requested_by",
        "decided_by",
    )  # fmt: skip
    scope = district_scope(user)
    if scope is not None:
        requests = requests.filter(beneficiary__household__district_id__in=scope)
    return requests


def account_request_get_for_user(*, user, pk: int) -> AccountChangeRequest:
    request = account_requests_for_user(user=user).filter(pk=pk).first()
    if request is None:
        raise Http404
    return request


def beneficiary_get_for_account_change(*, user, pk: int) -> Beneficiary:
    """A beneficiary whose account `user` may ask to change."""
    if not user.has_perm("payments.add_accountchangerequest"):
        raise Http404
    beneficiaries = Beneficiary.objects.select_related("programme", "household", "member")
    scope = district_scope(user)
    if scope is not None:
        beneficiaries = beneficiaries.filter(household__district_id__in=scope)
    beneficiary = beneficiaries.filter(pk=pk).first()
    if beneficiary is None:
        raise Http404
    return beneficiary


def household_accounts(*, household) -> QuerySet[PaymentAccount]:
    return PaymentAccount.objects.filter(beneficiary__household=household).select_related(
        "beneficiary__programme", "beneficiary__member", "provider"
    )
