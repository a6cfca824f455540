"""The DCI standard's status vocabularies, as TextChoices (their values are the standard's own)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class TxnStatus(models.TextChoices):
    """A request's status (the standard's `rcvd`, `pdng`, `succ`, `rjct`)."""

    RECEIVED = "rcvd", _("received")
    PENDING = "pdng", _("pending")
    SUCCEEDED = "succ", _("succeeded")
    REJECTED = "rjct", _("rejected")


class TxnAction(models.TextChoices):
    """What a client asked for (the header's `action`)."""

    SEARCH = "search", _("search")
    SUBSCRIBE = "subscribe", _("subscribe")
    UNSUBSCRIBE = "unsubscribe", _("unsubscribe")
    TXN_STATUS = "txn-status", _("transaction status")


class SubscriptionStatus(models.TextChoices):
    SUBSCRIBED = "subscribe", _("subscribed")
    UNSUBSCRIBED = "unsubscribe", _("unsubscribed")


class RegEventType(models.TextChoices):
    """Registration events a client may subscribe to (the standard's `reg_event_type`)."""

    REGISTER = "REGISTER", _("a household is registered")
