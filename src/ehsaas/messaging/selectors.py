"""Reads of the outbox for its pages."""

from django.db.models import Count, QuerySet

from ehsaas.messaging.choices import MessageStatus
from ehsaas.messaging.models import Message, MessageTemplate
from ehsaas.messaging.services import MessageRefused, phone_normalise


def outbox(*, status: str = "", event: str = "", phone: str = "") -> QuerySet[Message]:
    """Messages, newest first, of a status, of events starting with `event`, to a phone written any
    usual way (a number that cannot be a mobile matches nothing)."""
    rows = Message.objects.all()
    if status in MessageStatus.values:
        rows = rows.filter(status=status)
    if event:
        rows = rows.filter(event__startswith=event)
    if phone:
        try:
            rows = rows.filter(phone=phone_normalise(phone))
        except MessageRefused:
            rows = rows.none()
    return rows


def status_counts(rows: QuerySet[Message]) -> dict[str, int]:
    """How many of `rows` are in each status (every status listed, 0 when none)."""
    found = dict(rows.order_by().values_list("status").annotate(n=Count("id")).values_list("status", "n"))
    return {status: found.get(status, 0) for status in MessageStatus.values}


def templates() -> QuerySet[MessageTemplate]:
    return MessageTemplate.objects.order_by("code")
