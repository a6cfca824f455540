"""DCI clients (other systems that query the registry), the messages they sent us, and their
subscriptions to registration events."""

import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ehsaas.api.choices import RegEventType, SubscriptionStatus, TxnAction, TxnStatus
from ehsaas.core.models import District, Province


def new_code() -> str:
    """A correlation id or subscription code: random, so that one client cannot guess another's."""
    return uuid.uuid4().hex


class DciClient(models.Model):
    """A system allowed to call the DCI endpoints, known by the `sender_id` it puts in message headers.

    Its requests are signed with the ed25519 key whose public half is kept here (32 bytes, base64). It sees
    only households in its districts and provinces (or all, when `nationwide`); without
    `personal_data` it sees members without names, ID numbers or birth dates. Callbacks are sent only to
    URIs under `callback_uri`, so that a stolen key cannot make the registry post data anywhere else.
    """

    sender_id = models.CharField(_("sender id"), max_length=200)
    name = models.CharField(_("name"), max_length=200)
    public_key = models.CharField(_("public key (ed25519, base64)"), max_length=64)
    callback_uri = models.URLField(_("callback URI prefix"), max_length=500, blank=True)
    nationwide = models.BooleanField(_("sees every district"), default=False)
    districts = models.ManyToManyField(District, related_name="+", blank=True, verbose_name=_("districts"))
    provinces = models.ManyToManyField(Province, related_name="+", blank=True, verbose_name=_("provinces"))
    personal_data = models.BooleanField(_("sees names and ID numbers"), default=False)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("registered"), auto_now_add=True)

    class Meta:
        verbose_name = _("DCI client")
        ordering = ["sender_id"]
        constraints = [
            models.UniqueConstraint(fields=["sender_id"], name="%(app_label)s_%(class)s_sender_id_unique"),
        ]

    def __str__(self) -> str:
        return self.sender_id


class DciTransaction(models.Model):
    """One message a client sent (a search, a subscription, a status request) and, once answered, our
    answer's message. `message_id` is unique per client, which refuses a replayed message;
    `correlation_id` is ours, given in the acknowledgement, for the client to ask the status by."""

    client = models.ForeignKey(DciClient, on_delete=models.PROTECT, related_name="transactions")
    action = models.CharField(_("action"), max_length=16, choices=TxnAction.choices)
    message_id = models.CharField(_("message id"), max_length=100)
    transaction_id = models.CharField(_("transaction id"), max_length=99)
    correlation_id = models.CharField(_("correlation id"), max_length=99, default=new_code)
    status = models.CharField(
        _("status"), max_length=4, choices=TxnStatus.choices, default=TxnStatus.RECEIVED
    )
    sender_uri = models.CharField(_("callback URI"), max_length=500, blank=True)
    request = models.JSONField(_("request"), default=dict)
    response = models.JSONField(_("response"), null=True, blank=True)
    received_at = models.DateTimeField(_("received"), auto_now_add=True)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)

    class Meta:
        verbose_name = _("DCI transaction")
        ordering = ["-received_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["client", "message_id"], name="%(app_label)s_%(class)s_message_id_once"
            ),
            models.CheckConstraint(
                condition=Q(status__in=TxnStatus.values), name="%(app_label)s_%(class)s_status_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["client", "transaction_id"], name="api_txn_client_txn_idx"),
            models.Index(fields=["correlation_id"], name="api_txn_correlation_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.client_id} {self.action} {self.transaction_id} ({self.status})"


class DciSubscription(models.Model):
    """A client's standing request to be told of registration events, optionally only those matching a
    filter (the same expression language as searches), at `notify_uri`."""

    client = models.ForeignKey(DciClient, on_delete=models.PROTECT, related_name="subscriptions")
    code = models.CharField(_("subscription code"), max_length=99, default=new_code)
    reg_event_type = models.CharField(_("event"), max_length=32, choices=RegEventType.choices)
    filter_type = models.CharField(_("filter type"), max_length=16, blank=True)
    filter = models.JSONField(_("filter"), null=True, blank=True)
    notify_uri = models.CharField(_("notify URI"), max_length=500)
    status = models.CharField(
        _("status"), max_length=12, choices=SubscriptionStatus.choices, default=SubscriptionStatus.SUBSCRIBED
    )
    created_at = models.DateTimeField(_("subscribed"), auto_now_add=True)
    ended_at = models.DateTimeField(_("unsubscribed"), null=True, blank=True)

    class Meta:
        verbose_name = _("DCI subscription")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["code"], name="%(app_label)s_%(class)s_code_unique"),
            models.CheckConstraint(
                condition=Q(status="subscribe", ended_at__isnull=True)
                | Q(status="unsubscribe", ended_at__isnull=False),
                name="%(app_label)s_%(class)s_ended_when_unsubscribed",
            ),
        ]
        indexes = [models.Index(fields=["reg_event_type", "status"], name="api_sub_event_idx")]

    def __str__(self) -> str:
        return f"{self.client_id} {self.reg_event_type} {self.code}"
