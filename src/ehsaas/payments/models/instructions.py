"""Instructions sent to providers: files (pain.001, wallet CSV) written once per batch, and batches
sent to a provider's API under an idempotency key."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ehsaas.payments.choices import InstructionFormat, SubmissionStatus
from ehsaas.payments.models.cycles import PaymentCycle
from ehsaas.payments.models.providers import Provider


class InstructionBatch(models.Model):
    """The payments of one cycle sent to one provider at once, as one file or one API submission;
    never produced twice: its file is written once and served again as it was, with its checksum."""

    cycle = models.ForeignKey(PaymentCycle, on_delete=models.PROTECT, related_name="batches")
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="batches")
    sequence = models.PositiveSmallIntegerField(_("number"))
    instruction_format = models.CharField(_("format"), max_length=12, choices=InstructionFormat.choices)
    # The message id the provider sees (pain.001 MsgId, the CSV's batch id, the API's batch id).
    message_id = models.CharField(_("message id"), max_length=35)
    file_name = models.CharField(_("file"), max_length=200, blank=True)
    transactions = models.PositiveIntegerField(_("payments"))
    control_sum = models.PositiveBigIntegerField(_("control total (Rs)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["cycle", "provider", "sequence"]
        verbose_name = _("instruction batch")
        verbose_name_plural = _("instruction batches")
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "provider", "sequence"], name="%(app_label)s_%(class)s_once"
            ),
            models.UniqueConstraint(fields=["message_id"], name="%(app_label)s_%(class)s_message_id_unique"),
        ]

    def __str__(self) -> str:
        return self.message_id


class ProviderSubmission(models.Model):
    """A batch sent to a provider's HTTP API. Every attempt carries the same idempotency key, so a retry
    after a timeout can never make the provider pay twice."""

    batch = models.OneToOneField(InstructionBatch, on_delete=models.PROTECT, related_name="submission")
    idempotency_key = models.UUIDField(_("idempotency key"), default=uuid.uuid4, editable=False)
    status = models.CharField(
        _("status"), max_length=10, choices=SubmissionStatus.choices, default=SubmissionStatus.WAITING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    provider_reference = models.CharField(_("provider's reference"), max_length=100, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API submission")
        verbose_name_plural = _("API submissions")
        constraints = [
            models.UniqueConstraint(
                fields=["idempotency_key"], name="%(app_label)s_%(class)s_idempotency_key_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.batch} ({self.get_status_display()})"
