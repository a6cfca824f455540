"""Who pays out (banks, wallet operators, agent networks), where cash is collected, and each
programme's payment rules."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ehsaas.payments.choices import Channel, InstructionFormat, PointKind


class Provider(models.Model):
    """A bank, a wallet operator or a cash agent network that pays beneficiaries, and how it takes its
    instructions. Shipped as data (NBP, HBL, Bank Alfalah, Bank of Punjab, JazzCash, Easypaisa)."""

    code = models.SlugField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=120)
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    instruction_format = models.CharField(_("instructions"), max_length=12, choices=InstructionFormat.choices)
    bic = models.CharField(_("BIC"), max_length=11, blank=True, help_text=_("e.g. NBPAPKKA"))
    api_url = models.URLField(_("API address"), blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("payment provider")
        verbose_name_plural = _("payment providers")
        constraints = [
            models.UniqueConstraint(fields=["code"], name="%(app_label)s_%(class)s_code_unique"),
            models.CheckConstraint(
                condition=~Q(instruction_format=InstructionFormat.API) | ~Q(api_url=""),
                name="%(app_label)s_%(class)s_api_has_address",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class PaymentPoint(models.Model):
    """A place where cash is collected: a retail agent, a campsite or a bank branch (the fallback when a
    fingerprint fails). Agents are the staff users allowed to pay out there."""

    code = models.SlugField(_("code"), max_length=30)
    name = models.CharField(_("name"), max_length=160)
    kind = models.CharField(_("kind"), max_length=10, choices=PointKind.choices)
    district = models.ForeignKey("core.District", on_delete=models.PROTECT, related_name="payment_points")
    provider = models.ForeignKey(
        Provider, on_delete=models.PROTECT, related_name="points", null=True, blank=True
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    agents = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="payment_points", blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["district", "name"]
        verbose_name = _("payment point")
        verbose_name_plural = _("payment points")
        constraints = [
            models.UniqueConstraint(fields=["code"], name="%(app_label)s_%(class)s_code_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class PaymentPolicy(models.Model):
    """A programme's payment rules: whether failed and unclaimed payments are paid again in the next
    cycle (and for how many cycles), how long a payment may be collected, how many fingerprint attempts
    an agent may make before the branch fallback."""

    programme = models.OneToOneField(
        "programs.Programme", on_delete=models.CASCADE, related_name="payment_policy"
    )
    reissue_failed = models.BooleanField(_("pay failed payments again in the next cycle"), default=True)
    reissue_unclaimed = models.BooleanField(_("pay unclaimed payments again in the next cycle"), default=True)
    reissue_limit = models.PositiveSmallIntegerField(
        _("carry a payment over at most (cycles)"), default=2,
        help_text=_("After this many cycles an unpaid amount is no longer carried over"),
    )  # fmt: skip
    collect_within_days = models.PositiveSmallIntegerField(
        _("days to collect"), default=90,
        help_text=_("A payment not paid or collected this many days after approval is unclaimed"),
    )  # fmt: skip
    biometric_attempts = models.PositiveSmallIntegerField(
        _("fingerprint attempts"), default=3,
        help_text=_("Failed attempts after which collection falls back to a branch with a one-time code"),
    )  # fmt: skip

    class Meta:
        verbose_name = _("payment rules")
        verbose_name_plural = _("payment rules")
        constraints = [
            models.CheckConstraint(
                condition=Q(biometric_attempts__gte=1), name="%(app_label)s_%(class)s_one_attempt_at_least"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.programme}"
