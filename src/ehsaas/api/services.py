"""Writes of the DCI API: registering clients, recording the transactions clients start, and their
subscriptions. Each writes an audit event in the same transaction."""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _

from ehsaas.api import signing
from ehsaas.api.choices import RegEventType, SubscriptionStatus, TxnStatus
from ehsaas.api.envelope import MSG_DUPLICATE, DciError
from ehsaas.api.models import DciClient, DciSubscription, DciTransaction
from ehsaas.core.models import District, Province
from ehsaas.core.services import audit_record

MSG_CLIENT_EXISTS = _("a client with sender id “%(sender)s” is already registered")
MSG_BAD_PUBLIC_KEY = _("the public key must be 32 bytes of ed25519, base64 encoded")
MSG_UNKNOWN_PLACES = _("unknown district or province codes: %(codes)s")
MSG_NO_SCOPE = _("a client needs districts, provinces or nationwide access")


class ClientRefused(ValueError):
    """Raised with a message saying why a client cannot be registered."""


@transaction.atomic
def dci_client_register(
    *,
    acting_user,
    sender_id: str,
    name: str,
    public_key: str,
    callback_uri: str = "",
    nationwide: bool = False,
    district_codes: list[str] = (),
    province_codes: list[str] = (),
    personal_data: bool = False,
) -> DciClient:
    if DciClient.objects.filter(sender_id=sender_id).exists():
        raise ClientRefused(_g(MSG_CLIENT_EXISTS) % {"sender": sender_id})
    try:
        signing.load_public_key_text(public_key)
    except ValueError:
        raise ClientRefused(_g(MSG_BAD_PUBLIC_KEY)) from None
    districts = list(District.objects.filter(code__in=district_codes))
    provinces = list(Province.objects.filter(code__in=province_codes))
    unknown = (set(district_codes) - {d.code for d in districts}) | (
        set(province_codes) - {p.code for p in provinces}
    )
    if unknown:
        raise ClientRefused(_g(MSG_UNKNOWN_PLACES) % {"codes": ", ".join(sorted(unknown))})
    if not (nationwide or districts or provinces):
        raise ClientRefused(_g(MSG_NO_SCOPE))
    client = DciClient.objects.create(
        sender_id=sender_id,
        name=name,
        public_key=public_key,
        callback_uri=callback_uri,
        nationwide=nationwide,
        personal_data=personal_data,
    )
    client.districts.set(districts)
    client.provinces.set(provinces)
    audit_record(
        actor=acting_user,
        action="api.client_register",
        subject=client,
        summary=f"DCI client {sender_id} registered",
        changes={
            "nationwide": nationwide,
            "districts": sorted(district_codes),
            "provinces": sorted(province_codes),
            "personal_data": personal_data,
        },
    )
    return client


def dci_transaction_open(
    *,
    client: DciClient,
    action: str,
    header: dict,
    message,
    status: str = TxnStatus.PENDING,
    sender_uri: str = "",
) -> DciTransaction:
    """Record a client's request; a message_id the client used before is refused (a replay)."""
    try:
        with transaction.atomic():
            return DciTransaction.objects.create(
                client=client,
                action=action,
                message_id=header["message_id"],
                transaction_id=str(message.get("transaction_id", "")) if isinstance(message, dict) else "",
                status=status,
                sender_uri=sender_uri,
                request=message,
            )
    except IntegrityError:
        raise DciError(
            "err.request.bad", _g(MSG_DUPLICATE) % {"message_id": header["message_id"]}, status=409
        ) from None


def dci_transaction_complete(*, txn: DciTransaction, response: dict, status: str) -> DciTransaction:
    txn.response = response
    txn.status = status
    txn.completed_at = timezone.now()
    txn.save(update_fields=["response", "status", "completed_at"])
    return txn


@transaction.atomic
def dci_subscription_create(
    *, client: DciClient, reg_event_type: str, filter_type: str, filter_value, notify_uri: str
) -> DciSubscription:
    subscription = DciSubscription.objects.create(
        client=client,
        reg_event_type=reg_event_type,
        filter_type=filter_type or "",
        filter=filter_value,
        notify_uri=notify_uri,
    )
    audit_record(
        actor=None,
        action="api.subscribe",
        subject=subscription,
        summary=f"{client.sender_id} subscribed to {reg_event_type}",
        changes={"filter_type": filter_type, "filter": filter_value},
    )
    return subscription


@transaction.atomic
def dci_subscription_end(*, subscription: DciSubscription) -> DciSubscription:
    subscription.status = SubscriptionStatus.UNSUBSCRIBED
    subscription.ended_at = timezone.now()
    subscription.save(update_fields=["status", "ended_at"])
    audit_record(
        actor=None,
        action="api.unsubscribe",
        subject=subscription,
        summary=f"{subscription.client.sender_id} unsubscribed from {subscription.reg_event_type}",
    )
    return subscription


def event_type_of(raw: str) -> str | None:
    """The event a subscription names, in the standard's spellings (`REGISTER`,
    `spdci-common:RegistryEventType:REGISTER`); None when we publish no such event."""
    name = raw.rsplit(":", 1)[-1].upper()
    return name if name in RegEventType.values else None
