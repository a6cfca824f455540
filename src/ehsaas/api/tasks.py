"""Background work of the DCI API: answering asynchronous searches, delivering stored answers to
callbacks, and notifying subscribers of registrations. Every message sent is signed with our key and
goes out through `ehsaas.api.outbound`."""

import logging
import uuid
from datetime import datetime

from django.utils import timezone
from django_tasks import task

from ehsaas.api.choices import SubscriptionStatus
from ehsaas.api.envelope import signed
from ehsaas.api.models import DciSubscription, DciTransaction
from ehsaas.api.outbound import outbound
from ehsaas.api.query import QueryError, query_q
from ehsaas.api.records import REG_RECORD_TYPE, REG_TYPE, groups
from ehsaas.api.schemas import SearchRequest
from ehsaas.api.search import search_response
from ehsaas.api.selectors import active_subscriptions, households_for_client
from ehsaas.api.services import dci_transaction_complete

logger = logging.getLogger(__name__)

NOTIFY_BATCH = 100  # households per notify message


def _send(uri: str, envelope: dict) -> bool:
    delivery = outbound().post(uri, envelope)
    if not delivery.delivered:
        logger.warning("DCI delivery to %s failed: %s %s", uri, delivery.status, delivery.error)
    return delivery.delivered


@task()
def answer_search(transaction_pk: int) -> bool:
    """Run an asynchronous search and POST the signed `on-search` to the requester's callback URI."""
    txn = DciTransaction.objects.select_related("client").get(pk=transaction_pk)
    message, status = search_response(
        client=txn.client,
        request=SearchRequest.model_validate(txn.request),
        correlation_id=txn.correlation_id,
    )
    dci_transaction_complete(txn=txn, response=message, status=status)
    envelope = signed(
        action="on-search",
        receiver_id=txn.client.sender_id,
        message=message,
        status=status,
        count=len(message["search_response"]),
    )
    return _send(txn.sender_uri, envelope)


@task()
def deliver_answer(transaction_pk: int, action: str) -> bool:
    """POST an answer already stored with its transaction (on-subscribe, on-unsubscribe, txn-on-status)."""
    txn = DciTransaction.objects.select_related("client").get(pk=transaction_pk)
    return _send(
        txn.sender_uri,
        signed(action=action, receiver_id=txn.client.sender_id, message=txn.response, status=txn.status),
    )


def _registered_households(
    subscription: DciSubscription, household_ids: list[int] | None, since: datetime | None
):
    households = households_for_client(client=subscription.client)
    households = (
        households.filter(pk__in=household_ids)
        if household_ids is not None
        else households.filter(created_at__gte=since)
    )
    if subscription.filter:
        try:
            households = households.filter(
                query_q(subscription.filter_type or "expression", subscription.filter)
            )
        except QueryError:
            return []  # checked when subscribing; a filter that no longer parses matches nothing
    return list(households.order_by("id").values_list("id", flat=True))


@task()
def notify_registered(household_ids: list[int] | None = None, since: str | None = None) -> int:
    """Tell every subscriber of REGISTER events about these new households (those it may see and its filter
    matches), in signed `notify` messages of at most NOTIFY_BATCH households. Returns the messages sent."""
    since_at = datetime.fromisoformat(since) if since else None
    sent = 0
    for subscription in active_subscriptions():
        ids = _registered_households(subscription, household_ids, since_at)
        for start in range(0, len(ids), NOTIFY_BATCH):
            records = groups(client=subscription.client, household_ids=ids[start : start + NOTIFY_BATCH])
            now = timezone.now().isoformat()
            events = [
                {
                    "reference_id": uuid.uuid4().hex,
                    "timestamp": now,
                    "data": {
                        "version": "1.0.0",
                        "reg_type": REG_TYPE,
                        "reg_event_type": subscription.reg_event_type,
                        "reg_record_type": REG_RECORD_TYPE,
                        "reg_records": record,
                    },
                }
                for record in records
            ]
            message = {
                "transaction_id": uuid.uuid4().hex,
                "subscription_code": subscription.code,
                "notify_event": events,
            }
            envelope = signed(
                action="notify", receiver_id=subscription.client.sender_id, message=message, count=len(events)
            )
            sent += _send(subscription.notify_uri, envelope)
    return sent


def on_households_changed(*, household_ids=None, reason: str = "", since=None, **_payload) -> None:
    """Subscriber of ehsaas.core.events.HOUSEHOLDS_CHANGED: new households (registered by hand, or created
    by an import since `since`) are queued for notification when anyone subscribes to registrations."""
    if reason not in ("registered", "imported"):
        return
    if not DciSubscription.objects.filter(status=SubscriptionStatus.SUBSCRIBED).exists():
        return
    notify_registered.enqueue(
        household_ids=list(household_ids) if household_ids is not None else None,
        since=since.isoformat() if since is not None and household_ids is None else None,
    )
