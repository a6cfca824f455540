"""The DCI Social Registry endpoints, under /api/dci/registry/, following the SPDCI Social Registry API
specification version 1.0.0 (`social_api_v1.0.0.yaml`: paths, `MsgHeader_V1.0.0`,
`MsgCallbackHeader_V1.0.0`, `SearchRequest`/`SearchResponse`, `SubscribeRequest`/`SubscribeResponse`,
`UnSubscribeRequest`/`UnSubscribeResponse`, `TxnStatusRequest`/`TxnStatusResponse`, `NotifyEventRequest`,
the `Error` codes and the acknowledgement `Response`).

| path               | answers                                                                     |
|--------------------|-----------------------------------------------------------------------------|
| sync/search        | the signed `on-search` envelope with the SearchResponse, at once            |
| search             | an acknowledgement; the `on-search` is POSTed to the sender_uri later       |
| sync/txn/status    | the signed `txn-on-status` envelope: a transaction's status and its answer  |
| txn/status         | an acknowledgement; the `txn-on-status` is POSTed to the sender_uri         |
| subscribe          | an acknowledgement; `on-subscribe` with the subscription codes is POSTed    |
| unsubscribe        | an acknowledgement; `on-unsubscribe` is POSTed                              |

Subscribers of REGISTER events get signed `notify` messages at the URI they subscribed from. How requests
are checked and refused: `ehsaas.api.envelope`; how they are signed: `ehsaas.api.signing`.
"""

from django.db import transaction
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _
from ninja import Router

from ehsaas.api.choices import TxnAction, TxnStatus
from ehsaas.api.envelope import acknowledgement, authenticate, callback_uri, json_response, now_text, signed
from ehsaas.api.models import DciClient
from ehsaas.api.query import QueryError, query_q
from ehsaas.api.records import REG_RECORD_TYPE, REG_TYPE
from ehsaas.api.schemas import (
    SearchEnvelope,
    SubscribeEnvelope,
    SubscribeRequest,
    TxnStatusEnvelope,
    TxnStatusRequest,
    UnSubscribeEnvelope,
    UnSubscribeRequest,
)
from ehsaas.api.search import search_response
from ehsaas.api.selectors import subscriptions_of, transaction_for_client
from ehsaas.api.services import (
    dci_subscription_create,
    dci_subscription_end,
    dci_transaction_complete,
    dci_transaction_open,
    event_type_of,
)
from ehsaas.api.tasks import answer_search, deliver_answer

router = Router(tags=["DCI Social Registry"])

MSG_EVENT_TYPE = _("reg_event_type “%(event)s” is not published here; subscribe to REGISTER")
MSG_FILTER = _("filter: %(problem)s")
MSG_FILTER_TYPE = _("filter_type must be expression or predicate")
MSG_CODES = _("unknown subscription codes: %(codes)s")
MSG_NO_TXN = _("no transaction of yours has %(attribute)s “%(value)s”")
MSG_LOOKUP = _("look a transaction up by transaction_id or correlation_id")


@router.post("/sync/search", summary="Search the registry and get the records at once")
def sync_search(request, envelope: SearchEnvelope):
    auth = authenticate(request.body, action=TxnAction.SEARCH)
    txn = dci_transaction_open(
        client=auth.client, action=TxnAction.SEARCH, header=auth.header, message=auth.message
    )
    message, status = search_response(
        client=auth.client, request=envelope.message, correlation_id=txn.correlation_id
    )
    dci_transaction_complete(txn=txn, response=message, status=status)
    return json_response(
        signed(
            action="on-search",
            receiver_id=auth.client.sender_id,
            message=message,
            status=status,
            count=len(message["search_response"]),
        )
    )


@router.post("/search", summary="Search the registry; the records are POSTed to sender_uri (on-search)")
def search(request, envelope: SearchEnvelope):
    auth = authenticate(request.body, action=TxnAction.SEARCH)
    uri = callback_uri(auth.client, auth.header)
    txn = dci_transaction_open(
        client=auth.client, action=TxnAction.SEARCH, header=auth.header, message=auth.message, sender_uri=uri
    )
    transaction.on_commit(lambda: answer_search.enqueue(txn.pk))
    return json_response(
        acknowledgement(receiver_id=auth.client.sender_id, correlation_id=txn.correlation_id)
    )


def _status_message(client: DciClient, request: TxnStatusRequest, correlation_id: str) -> dict:
    query = request.txnstatus_request
    earlier = None
    if query.attribute_type != "reference_id_list":
        earlier = transaction_for_client(
            client=client, attribute_type=query.attribute_type, attribute_value=query.attribute_value
        )
    if earlier is None:
        reason = (
            _g(MSG_LOOKUP)
            if query.attribute_type == "reference_id_list"
            else _g(MSG_NO_TXN) % {"attribute": query.attribute_type, "value": query.attribute_value}
        )
        txn_status = {
            "transaction_id": str(query.attribute_value),
            "correlation_id": "",
            "search_response": [
                {
                    "reference_id": query.reference_id,
                    "timestamp": now_text(),
                    "status": TxnStatus.REJECTED,
                    "status_reason_code": "rjct.reference_id.invalid",
                    "status_reason_message": reason,
                }
            ],
        }
    elif earlier.response is not None:
        txn_status = earlier.response
    else:
        references = [item.get("reference_id") for item in earlier.request.get("search_request", [])]
        txn_status = {
            "transaction_id": earlier.transaction_id,
            "correlation_id": earlier.correlation_id,
            "search_response": [
                {"reference_id": reference, "timestamp": now_text(), "status": earlier.status}
                for reference in references
            ],
        }
    return {
        "transaction_id": request.transaction_id,
        "correlation_id": correlation_id,
        "txnstatus_response": {"txn_type": query.txn_type, "txn_status": txn_status},
    }


@router.post("/sync/txn/status", summary="The status of an earlier transaction and, once done, its answer")
def sync_txn_status(request, envelope: TxnStatusEnvelope):
    auth = authenticate(request.body, action=TxnAction.TXN_STATUS)
    txn = dci_transaction_open(
        client=auth.client, action=TxnAction.TXN_STATUS, header=auth.header, message=auth.message
    )
    message = _status_message(auth.client, envelope.message, txn.correlation_id)
    dci_transaction_complete(txn=txn, response=message, status=TxnStatus.SUCCEEDED)
    return json_response(signed(action="txn-on-status", receiver_id=auth.client.sender_id, message=message))


@router.post(
    "/txn/status", summary="The status of an earlier transaction, POSTed to sender_uri (txn-on-status)"
)
def txn_status(request, envelope: TxnStatusEnvelope):
    auth = authenticate(request.body, action=TxnAction.TXN_STATUS)
    uri = callback_uri(auth.client, auth.header)
    txn = dci_transaction_open(
        client=auth.client,
        action=TxnAction.TXN_STATUS,
        header=auth.header,
        message=auth.message,
        sender_uri=uri,
    )
    message = _status_message(auth.client, envelope.message, txn.correlation_id)
    dci_transaction_complete(txn=txn, response=message, status=TxnStatus.SUCCEEDED)
    transaction.on_commit(lambda: deliver_answer.enqueue(txn.pk, "txn-on-status"))
    return json_response(
        acknowledgement(receiver_id=auth.client.sender_id, correlation_id=txn.correlation_id)
    )


def _subscribe_item(client: DciClient, item, notify_uri: str) -> dict:
    answer = {"reference_id": item.reference_id, "timestamp": now_text()}
    criteria = item.subscribe_criteria
    event = event_type_of(criteria.reg_event_type)
    if event is None:
        return {
            **answer,
            "status": TxnStatus.REJECTED,
            "status_reason_code": "rjct.notify_types.invalid",
            "status_reason_message": _g(MSG_EVENT_TYPE) % {"event": criteria.reg_event_type},
        }
    if criteria.filter not in (None, "", {}, []):
        problem = None
        if criteria.filter_type not in (None, "expression", "predicate"):
            problem = _g(MSG_FILTER_TYPE)
        else:
            try:
                query_q(criteria.filter_type or "expression", criteria.filter)
            except QueryError as error:
                problem = _g(MSG_FILTER) % {"problem": error}
        if problem:
            return {
                **answer,
                "status": TxnStatus.REJECTED,
                "status_reason_code": "rjct.notify_details.invalid",
                "status_reason_message": problem,
            }
        filter_value = criteria.filter
    else:
        filter_value = None
    subscription = dci_subscription_create(
        client=client,
        reg_event_type=event,
        filter_type=criteria.filter_type if filter_value is not None else "",
        filter_value=filter_value,
        notify_uri=notify_uri,
    )
    return {
        **answer,
        "status": TxnStatus.SUCCEEDED,
        "subscriptions": [
            {
                "version": "1.0.0",
                "code": subscription.code,
                "status": subscription.status,
                "timestamp": subscription.created_at.isoformat(),
                "reg_type": REG_TYPE,
                "reg_event_type": event,
                "filter_type": subscription.filter_type or None,
                "filter": filter_value,
                "notify_record_type": REG_RECORD_TYPE,
            }
        ],
    }


@router.post("/subscribe", summary="Subscribe to registration events (REGISTER), optionally filtered")
def subscribe(request, envelope: SubscribeEnvelope):
    auth = authenticate(request.body, action=TxnAction.SUBSCRIBE)
    uri = callback_uri(auth.client, auth.header)
    txn = dci_transaction_open(
        client=auth.client,
        action=TxnAction.SUBSCRIBE,
        header=auth.header,
        message=auth.message,
        sender_uri=uri,
    )
    request_message: SubscribeRequest = envelope.message
    items = [_subscribe_item(auth.client, item, uri) for item in request_message.subscribe_request]
    status = (
        TxnStatus.SUCCEEDED if any(i["status"] == TxnStatus.SUCCEEDED for i in items) else TxnStatus.REJECTED
    )
    message = {
        "transaction_id": request_message.transaction_id,
        "correlation_id": txn.correlation_id,
        "subscribe_response": items,
    }
    dci_transaction_complete(txn=txn, response=message, status=status)
    transaction.on_commit(lambda: deliver_answer.enqueue(txn.pk, "on-subscribe"))
    return json_response(
        acknowledgement(receiver_id=auth.client.sender_id, correlation_id=txn.correlation_id)
    )


@router.post("/unsubscribe", summary="End subscriptions by their codes")
def unsubscribe(request, envelope: UnSubscribeEnvelope):
    auth = authenticate(request.body, action=TxnAction.UNSUBSCRIBE)
    uri = callback_uri(auth.client, auth.header)
    txn = dci_transaction_open(
        client=auth.client,
        action=TxnAction.UNSUBSCRIBE,
        header=auth.header,
        message=auth.message,
        sender_uri=uri,
    )
    request_message: UnSubscribeRequest = envelope.message
    codes = list(dict.fromkeys(request_message.subscription_codes))
    found = {s.code: s for s in subscriptions_of(client=auth.client, codes=codes).select_related("client")}
    message = {
        "transaction_id": request_message.transaction_id,
        "correlation_id": txn.correlation_id,
        "timestamp": now_text(),
    }
    unknown = [code for code in codes if code not in found]
    if unknown:
        message |= {
            "status": TxnStatus.REJECTED,
            "status_reason_code": "rjct.subscription_code.invalid",
            "status_reason_message": _g(MSG_CODES) % {"codes": ", ".join(unknown)},
        }
    else:
        for subscription in found.values():
            if subscription.ended_at is None:
                dci_subscription_end(subscription=subscription)
        message |= {
            "status": TxnStatus.SUCCEEDED,
            "subscription_status": [{"code": code, "status": found[code].status} for code in codes],
        }
    dci_transaction_complete(txn=txn, response=message, status=message["status"])
    transaction.on_commit(lambda: deliver_answer.enqueue(txn.pk, "on-unsubscribe"))
    return json_response(
        acknowledgement(receiver_id=auth.client.sender_id, correlation_id=txn.correlation_id)
    )
