"""Where a beneficiary is paid: her channel and account, changed only through a request that one user
makes and another approves."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ehsaas.core.models import MakerChecker
from ehsaas.payments.choices import AccountRequestStatus, Channel
from ehsaas.payments.models.providers import Provider

# A bank or wallet account names its provider and its number; cash needs neither.
_ACCOUNT_COMPLETE = Q(channel=Channel.CASH) | (Q(provider__isnull=False) & ~Q(account_number=""))


class PaymentAccount(models.Model):
    """A beneficiary's current channel and account. Written only by approving an AccountChangeRequest
    (or by the import of accounts), so every change has a maker, a checker and a reason."""

    beneficiary = models.OneToOneField(
        "programs.Beneficiary", on_delete=models.PROTECT, related_name="payment_account"
    )
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    provider = models.ForeignKey(
        Provider, on_delete=models.PROTECT, related_name="accounts", null=True, blank=True
    )
    # An IBAN (PK36NBPA0000001234567890) for a bank; the wallet's mobile number (03001234567) for a wallet.
    account_number = models.CharField(_("account"), max_length=34, blank=True)
    account_title = models.CharField(_("account title"), max_length=140, blank=True)
    changed_at = models.DateTimeField(_("changed"))

    class Meta:
        ordering = ["beneficiary"]
        verbose_name = _("payment account")
        verbose_name_plural = _("payment accounts")
        constraints = [
            models.CheckConstraint(condition=_ACCOUNT_COMPLETE, name="%(app_label)s_%(class)s_complete"),
        ]
        # Finds wallets and accounts shared by several beneficiaries.
        indexes = [models.Index(fields=["provider", "account_number"], name="payments_account_number_idx")]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.account_number}".strip()


class AccountChangeRequest(MakerChecker):
    """A change of a beneficiary's channel or account, asked for by one user and decided by another;
    frozen once submitted."""

    beneficiary = models.ForeignKey(
        "programs.Beneficiary", on_delete=models.PROTECT, related_name="account_change_requests"
    )
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    provider = models.ForeignKey(
        Provider, on_delete=models.PROTECT, related_name="change_requests", null=True, blank=True
    )
    account_number = models.CharField(_("account"), max_length=34, blank=True)
    account_title = models.CharField(_("account title"), max_length=140, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=AccountRequestStatus.choices,
        default=AccountRequestStatus.SUBMITTED,
    )  # fmt: skip
    # The import of a bank's file of opened accounts that made this request (approved together), if any.
    import_job = models.ForeignKey(
        "core.Job", on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )

    class Meta(MakerChecker.Meta):
        verbose_name = _("account change request")
        verbose_name_plural = _("account change requests")
        permissions = [("decide_accountchangerequest", _("Can approve or reject account changes"))]
        constraints = [
            *MakerChecker.Meta.constraints,
            models.CheckConstraint(condition=_ACCOUNT_COMPLETE, name="%(app_label)s_%(class)s_complete"),
        ]

    def __str__(self) -> str:
        return f"{self.beneficiary} → {self.get_channel_display()} {self.account_number}".strip()
