"""Answering a DCI search: each `search_request` item run against the households the client may see,
answered with a page of `spdci:Group` records, or rejected with the standard's reason code and a message
that says what is wrong.

A search by ID number is an equality on the active-number index of `Identifier`; by mobile number, on the
phone indexes of households and members; by household id, on the unique household reference.
"""

from django.conf import settings
from django.db.models import F, QuerySet
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _

from ehsaas.api.envelope import now_text
from ehsaas.api.models import DciClient
from ehsaas.api.query import QueryError, query_q
from ehsaas.api.records import REG_RECORD_TYPE, REG_TYPE, groups
from ehsaas.api.schemas import SearchRequest, SearchRequestItem
from ehsaas.api.selectors import households_for_client
from ehsaas.core.identity import InvalidIdentifier, normalize_cnic, normalize_mobile
from ehsaas.registry.choices import MemberStatus
from ehsaas.registry.models import Household, Identifier, Member

ID_TYPES = ("UIN", "HOUSEHOLD_ID", "MOBILE")
SORTABLE = {
    "poverty_score": "pmt_score__score",
    "household_id": "household_ref",
    "registration_date": "survey_date",
    "last_updated": "updated_at",
}
DEFAULT_PAGE_SIZE = 20

MSG_ID_TYPE = _("query.type “%(type)s” is not one of %(types)s")
MSG_ID_VALUE = _("query.value: %(problem)s")
MSG_ID_SHAPE = _("an idtype-value query is an object with a type and a value")
MSG_SORT = _("sort attribute “%(name)s” is not one of %(names)s")
MSG_PAGE_SIZE = _("pagination.page_size must be at most %(limit)d")


class Rejected(Exception):
    def __init__(self, reason_code: str, message: str):
        super().__init__(message)
        self.reason_code = reason_code
        self.message = message


def _by_identifier(visible: QuerySet[Household], query) -> QuerySet[Household]:
    if not isinstance(query, dict) or "type" not in query or "value" not in query:
        raise Rejected("rjct.search_criteria.invalid", _g(MSG_ID_SHAPE))
    id_type, value = str(query["type"]).upper(), str(query["value"])
    try:
        if id_type == "UIN":
            number = normalize_cnic(value)
            holders = Identifier.objects.filter(
                number=number, active=True, member__status=MemberStatus.ACTIVE
            )
            return visible.filter(pk__in=holders.values("member__household_id"))
        if id_type == "HOUSEHOLD_ID":
            return visible.filter(household_ref=value.strip())
        if id_type == "MOBILE":
            e164 = normalize_mobile(value)
            # Two index lookups and their union: an OR across the two tables would scan the registry.
            ids = set(Household.objects.filter(phone=e164).values_list("id", flat=True))
            ids |= set(
                Member.objects.filter(phone=e164, status=MemberStatus.ACTIVE).values_list(
                    "household_id", flat=True
                )
            )
            return visible.filter(pk__in=ids)
    except InvalidIdentifier as error:
        raise Rejected("rjct.search_criteria.invalid", _g(MSG_ID_VALUE) % {"problem": error}) from None
    raise Rejected(
        "rjct.search_criteria.invalid",
        _g(MSG_ID_TYPE) % {"type": query["type"], "types": ", ".join(ID_TYPES)},
    )


def _ordering(item: SearchRequestItem) -> list:
    order = []
    for sort in item.search_criteria.sort:
        if sort.attribute_name not in SORTABLE:
            raise Rejected(
                "rjct.sort.invalid",
                _g(MSG_SORT) % {"name": sort.attribute_name, "names": ", ".join(SORTABLE)},
            )
        column = F(SORTABLE[sort.attribute_name])
        order.append(
            column.desc(nulls_last=True) if sort.sort_order == "desc" else column.asc(nulls_last=True)
        )
    return [*order, "id"]


def search_item(*, client: DciClient, item: SearchRequestItem) -> dict:
    """One `search_response` item for one `search_request` item."""
    answer = {"reference_id": item.reference_id, "timestamp": now_text()}
    if item.locale:
        answer["locale"] = item.locale
    criteria = item.search_criteria
    try:
        visible = households_for_client(client=client)
        if criteria.query_type == "idtype-value":
            matches = _by_identifier(visible, criteria.query)
        else:
            try:
                matches = visible.filter(query_q(criteria.query_type, criteria.query))
            except QueryError as error:
                raise Rejected("rjct.search_criteria.invalid", str(error)) from None
        ordering = _ordering(item)
        page_size = criteria.pagination.page_size if criteria.pagination else DEFAULT_PAGE_SIZE
        page_number = criteria.pagination.page_number if criteria.pagination else 1
        if page_size > settings.DCI_MAX_PAGE_SIZE:
            raise Rejected(
                "rjct.pagination.invalid", _g(MSG_PAGE_SIZE) % {"limit": settings.DCI_MAX_PAGE_SIZE}
            )
    except Rejected as rejected:
        return {
            **answer,
            "status": "rjct",
            "status_reason_code": rejected.reason_code,
            "status_reason_message": rejected.message,
        }
    start = (page_number - 1) * page_size
    ids = list(matches.order_by(*ordering).values_list("id", flat=True)[start : start + page_size])
    # A page that is not full after the first row needs no count: it is the last one.
    total = (
        start + len(ids) if (ids and len(ids) < page_size) or (not ids and start == 0) else matches.count()
    )
    return {
        **answer,
        "status": "succ",
        "data": {
            "version": "1.0.0",
            "reg_type": REG_TYPE,
            "reg_record_type": REG_RECORD_TYPE,
            "reg_records": groups(client=client, household_ids=ids),
        },
        "pagination": {"page_size": page_size, "page_number": page_number, "total_count": total},
    }


def search_response(*, client: DciClient, request: SearchRequest, correlation_id: str) -> tuple[dict, str]:
    """The SearchResponse message for a SearchRequest, and the overall status (succ unless every item
    was rejected)."""
    items = [search_item(client=client, item=item) for item in request.search_request]
    status = "succ" if any(item["status"] == "succ" for item in items) else "rjct"
    message = {
        "transaction_id": request.transaction_id,
        "correlation_id": correlation_id,
        "search_response": items,
    }
    return message, status
