"""Cash collected at payment points: each fingerprint attempt, the one-time codes of the branch
fallback, and the collection itself, once per payment."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ehsaas.payments.choices import CollectionMethod
from ehsaas.payments.models.cycles import Payment
from ehsaas.payments.models.providers import PaymentPoint


class BiometricAttempt(models.Model):
    """One fingerprint check of a beneficiary at a point, as the verification provider reported it."""

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="biometric_attempts")
    point = models.ForeignKey(PaymentPoint, on_delete=models.PROTECT, related_name="+")
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    matched = models.BooleanField(_("matched"))
    verification_reference = models.CharField(_("verification reference"), max_length=64)
    at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        ordering = ["payment", "at"]
        verbose_name = _("fingerprint attempt")
        verbose_name_plural = _("fingerprint attempts")
        constraints = [
            # A verification result counts once, however often a device sends it.
            models.UniqueConstraint(
                fields=["verification_reference"], name="%(app_label)s_%(class)s_reference_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.payment} {'✓' if self.matched else '✗'}"


class CollectionCode(models.Model):
    """A one-time code sent by SMS to the beneficiary's phone when her fingerprint failed: with her
    CNIC it lets a branch pay her out. Only its hash is kept."""

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="collection_codes")
    code_hash = models.CharField(max_length=128)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["payment", "-created_at"]
        verbose_name = _("one-time code")
        verbose_name_plural = _("one-time codes")

    def __str__(self) -> str:
        return f"{self.payment} ({self.created_at:%Y-%m-%d %H:%M})"


class Collection(models.Model):
    """Cash handed over: where, by which agent, when and how verified. One per payment, held by the
    database, so a payment collected once cannot be collected again."""

    payment = models.OneToOneField(Payment, on_delete=models.PROTECT, related_name="collection")
    point = models.ForeignKey(PaymentPoint, on_delete=models.PROTECT, related_name="collections")
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    method = models.CharField(_("verified by"), max_length=12, choices=CollectionMethod.choices)
    verification_reference = models.CharField(_("verification reference"), max_length=64, blank=True)
    collected_at = models.DateTimeField(_("collected"))

    class Meta:
        ordering = ["-collected_at", "-id"]
        verbose_name = _("collection")
        verbose_name_plural = _("collections")
        permissions = [("collect_payment", _("Can pay out cash at a payment point"))]
        constraints = [
            models.CheckConstraint(
                condition=Q(method=CollectionMethod.BRANCH_CODE) | ~Q(verification_reference=""),
                name="%(app_label)s_%(class)s_biometric_has_reference",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.payment} at {self.point.code}"
