"""The demo's accounts: every active Kafaalat woman without one gets an account through a change request
the demo finance officer asks for and the second finance officer approves (two people, as always):
about half at a bank (an IBAN with right check digits), a third in a mobile wallet, the rest cash.
Written set-based: a few queries for thousands of women."""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ehsaas.core.identity import InvalidIdentifier, normalize_mobile
from ehsaas.core.services import audit_record
from ehsaas.payments.accounts.validation import iban_with_checksum
from ehsaas.payments.choices import AccountRequestStatus, Channel
from ehsaas.payments.models import AccountChangeRequest, PaymentAccount, Provider
from ehsaas.programs.choices import BeneficiaryStatus
from ehsaas.programs.models import Beneficiary

PROGRAMME, MAKER, CHECKER = "kafaalat", "finance", "finance2"
BANKS, WALLETS = ("nbp", "hbl", "alfalah", "bop"), ("jazzcash", "easypaisa")


def _wallet_number(phone: str, pk: int) -> str:
    try:
        return "0" + normalize_mobile(phone)[3:]
    except InvalidIdentifier:
        return f"0345{pk % 10**7:07d}"


def _account(pk: int, phone: str, providers: dict) -> tuple[str, Provider | None, str]:
    """Half the women at a bank, a third in a wallet, a sixth in cash, by their id."""
    slot = pk % 6
    if slot < 3:
        bank = providers[BANKS[pk % len(BANKS)]]
        return Channel.BANK, bank, iban_with_checksum(bank.bic[:4], f"{pk:016d}")
    if slot < 5:
        return Channel.WALLET, providers[WALLETS[pk % len(WALLETS)]], _wallet_number(phone, pk)
    return Channel.CASH, None, ""


@transaction.atomic
def demo_accounts() -> str:
    users = get_user_model().objects.in_bulk([MAKER, CHECKER], field_name="username")
    if len(users) < 2:
        return _("The demo finance officers are missing: no accounts given.")
    maker, checker = users[MAKER], users[CHECKER]
    providers = Provider.objects.in_bulk(list(BANKS + WALLETS), field_name="code")
    women = Beneficiary.objects.filter(
        programme__code=PROGRAMME, status=BeneficiaryStatus.ACTIVE, payment_account__isnull=True
    ).values_list("id", "member__full_name", "member__phone", "household__phone")
    now = timezone.now()
    requests, accounts = [], []
    for pk, name, phone, household_phone in women.iterator(chunk_size=5000):
        channel, provider, number = _account(pk, phone or household_phone or "", providers)
        title = (name or "")[:140] if channel != Channel.CASH else ""
        requests.append(AccountChangeRequest(
            beneficiary_id=pk, channel=channel, provider=provider, account_number=number, account_title=title,
            reason=_("Account opened for the demo"), requested_by=maker, status=AccountRequestStatus.APPROVED,
            decided_by=checker, decided_at=now, decision_note=_("Demo set-up"),
        ))  # fmt: skip
        accounts.append(PaymentAccount(beneficiary_id=pk, channel=channel, provider=provider, account_number=number,
                                       account_title=title, changed_at=now))  # fmt: skip
    AccountChangeRequest.objects.bulk_create(requests, batch_size=2000)
    PaymentAccount.objects.bulk_create(accounts, batch_size=2000)
    counts = {channel: sum(1 for a in accounts if a.channel == channel) for channel in Channel.values}
    if accounts:
        audit_record(actor=checker, action="payment_account.demo_approved", subject=checker,
                     summary=_("%(count)s demo accounts asked for by %(maker)s and approved")
                     % {"count": len(accounts), "maker": MAKER})  # fmt: skip
    return _(
        "Gave %(count)s Kafaalat women accounts (%(bank)s bank, %(wallet)s wallet, %(cash)s cash), asked for by "
        "%(maker)s and approved by %(checker)s."
    ) % {"count": f"{len(accounts):,}", "bank": f"{counts['bank']:,}", "wallet": f"{counts['wallet']:,}",
         "cash": f"{counts['cash']:,}", "maker": MAKER, "checker": CHECKER}  # fmt: skip
