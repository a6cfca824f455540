"""Reads for the DCI API. Every household a client sees comes from `households_for_client`, which applies
the client's scope; nothing else decides what a client may see."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q, QuerySet

from ehsaas.api.choices import RegEventType, SubscriptionStatus
from ehsaas.api.models import DciClient, DciSubscription, DciTransaction
from ehsaas.registry.models import Household
from ehsaas.targeting.models import HouseholdScore


def client_by_sender_id(sender_id: str) -> DciClient | None:
    return DciClient.objects.filter(sender_id=sender_id).first()


def households_for_client(*, client: DciClient) -> QuerySet[Household]:
    """The households a client may see: all when nationwide; otherwise those in its districts or
    provinces, and none when it has neither (a client is never given everything by omission)."""
    households = Household.objects.all()
    if client.nationwide:
        return households
    district_ids = list(client.districts.values_list("id", flat=True))
    province_ids = list(client.provinces.values_list("id", flat=True))
    return households.filter(Q(district_id__in=district_ids) | Q(province_id__in=province_ids))


@dataclass(frozen=True)
class CurrentScore:
    score: float
    model_version: str
    scored_at: datetime


def current_scores(household_ids: list[int]) -> dict[int, CurrentScore]:
    """Each listed household's current poverty score, in one query; unscored households are absent."""
    rows = HouseholdScore.objects.filter(household_id__in=household_ids).values_list(
        "household_id", "score", "model__version", "scored_at"
    )
    return {pk: CurrentScore(score, version, at) for pk, score, version, at in rows}


def transaction_for_client(
    *, client: DciClient, attribute_type: str, attribute_value
) -> DciTransaction | None:
    """One of the client's own earlier transactions, by its transaction_id, our correlation_id, or one of
    the reference_ids of its requests; never another client's."""
    transactions = DciTransaction.objects.filter(client=client)
    if attribute_type == "transaction_id":
        return (
            transactions.filter(transaction_id=str(attribute_value)).order_by("-received_at", "-id").first()
        )
    if attribute_type == "correlation_id":
        return transactions.filter(correlation_id=str(attribute_value)).first()
    return None


def active_subscriptions(*, event: str = RegEventType.REGISTER) -> QuerySet[DciSubscription]:
    return DciSubscription.objects.filter(
        reg_event_type=event, status=SubscriptionStatus.SUBSCRIBED
    ).select_related("client")


def subscriptions_of(*, client: DciClient, codes: list[str]) -> QuerySet[DciSubscription]:
    return DciSubscription.objects.filter(client=client, code__in=codes)
