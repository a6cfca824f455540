"""The DCI messages as pydantic models, with the field names of the SPDCI Social Registry API v1.0.0
(`MsgHeader_V1.0.0`, `SearchRequest`, `SubscribeRequest`, `UnSubscribeRequest`, `TxnStatusRequest`).

They validate what clients send and describe it at /api/docs. Fields the standard defines and we do not
act on (consent, authorize, meta, …) are accepted and kept as they are. Our own answers are built as
plain dicts in `ehsaas.api.messages`, because their signature is computed over exactly what is sent.
"""

from datetime import datetime
from typing import Any, Literal

from ninja import Schema
from pydantic import ConfigDict, Field

QueryType = Literal["idtype-value", "expression", "predicate"]


class Message(Schema):
    model_config = ConfigDict(extra="allow")


class MsgHeader(Message):
    version: str = "1.0.0"
    message_id: str = Field(min_length=1, max_length=100)
    message_ts: datetime
    action: str
    sender_id: str = Field(min_length=1, max_length=200)
    sender_uri: str | None = None
    receiver_id: str | None = None
    total_count: int = Field(ge=0)
    is_msg_encrypted: bool = False
    meta: dict | None = None


class Pagination(Message):
    page_size: int = Field(ge=1)
    page_number: int = Field(default=1, ge=1)


class SortBy(Message):
    attribute_name: str
    sort_order: Literal["asc", "desc"] = "asc"


class SearchCriteria(Message):
    version: str = "1.0.0"
    reg_type: str | None = None
    reg_record_type: str | None = None
    reg_event_type: str | None = None
    query_type: QueryType
    query: Any
    sort: list[SortBy] = []
    pagination: Pagination | None = None
    consent: dict | None = None
    authorize: dict | None = None


class SearchRequestItem(Message):
    reference_id: str = Field(min_length=1, max_length=99)
    timestamp: datetime
    search_criteria: SearchCriteria
    locale: str | None = None


class SearchRequest(Message):
    transaction_id: str = Field(min_length=1, max_length=99)
    search_request: list[SearchRequestItem] = Field(min_length=1, max_length=100)


class SubscribeCriteria(Message):
    version: str = "1.0.0"
    reg_type: str | None = None
    reg_event_type: str
    frequency: dict | None = None
    filter_type: QueryType | None = None
    filter: Any = None
    notify_record_type: str | None = None
    authorize: dict | None = None


class SubscribeRequestItem(Message):
    reference_id: str = Field(min_length=1, max_length=99)
    timestamp: datetime
    subscribe_criteria: SubscribeCriteria
    locale: str | None = None


class SubscribeRequest(Message):
    transaction_id: str = Field(min_length=1, max_length=99)
    subscribe_request: list[SubscribeRequestItem] = Field(min_length=1, max_length=100)


class UnSubscribeRequest(Message):
    transaction_id: str = Field(min_length=1, max_length=99)
    timestamp: datetime
    subscription_codes: list[str] = Field(min_length=1, max_length=100)


class TxnStatusQuery(Message):
    reference_id: str = Field(min_length=1, max_length=99)
    txn_type: Literal["search", "subscribe", "receipt"]
    attribute_type: Literal["transaction_id", "reference_id_list", "correlation_id"]
    attribute_value: str | list[str]
    locale: str | None = None


class TxnStatusRequest(Message):
    transaction_id: str = Field(min_length=1, max_length=99)
    txnstatus_request: TxnStatusQuery


class Envelope(Schema):
    signature: str | None = None
    header: MsgHeader


class SearchEnvelope(Envelope):
    message: SearchRequest


class SubscribeEnvelope(Envelope):
    message: SubscribeRequest


class UnSubscribeEnvelope(Envelope):
    message: UnSubscribeRequest


class TxnStatusEnvelope(Envelope):
    message: TxnStatusRequest
