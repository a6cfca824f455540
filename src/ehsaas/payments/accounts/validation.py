"""What an account must look like for its channel: a bank account is a Pakistani IBAN at a bank provider
(24 characters: PK, two check digits, the bank's four-letter code, sixteen digits; the check digits
verified by ISO 13616's mod 97), a wallet is a mobile number 03XXXXXXXXX at a wallet provider, cash
needs neither."""

import re

from django.utils.translation import gettext_lazy as _

from ehsaas.core.identity import InvalidIdentifier, normalize_mobile
from ehsaas.payments.choices import Channel
from ehsaas.payments.models import Provider

_IBAN = re.compile(r"PK\d{2}[A-Z]{4}\d{16}")

MSG_CHANNEL = _("The channel must be bank, wallet or cash.")
MSG_BANK_PROVIDER = _("A bank account needs one of the banks as its provider.")
MSG_WALLET_PROVIDER = _("A mobile wallet needs one of the wallet operators as its provider.")
MSG_IBAN_SHAPE = _("An account at a bank is an IBAN of 24 characters, such as PK36SCBL0000001123456702.")
MSG_IBAN_CHECK = _("The IBAN's check digits are wrong: a character was mistyped.")
MSG_IBAN_BANK = _("The IBAN is of another bank than %(provider)s (its bank code is %(code)s).")
MSG_WALLET_NUMBER = _("A wallet is the mobile number it was opened with, such as 03001234567.")
MSG_CASH_NEEDS_NONE = _("Cash at a payment point needs no provider and no account number.")
MSG_INACTIVE_PROVIDER = _("%(provider)s does not take new accounts.")


def iban_checksum_ok(iban: str) -> bool:
    """ISO 13616: the four first characters moved to the end, letters as 10–35, the number mod 97 is 1."""
    moved = iban[4:] + iban[:4]
    return int("".join(str(int(ch, 36)) for ch in moved)) % 97 == 1


def iban_with_checksum(bank_code: str, digits: str) -> str:
    """A valid PK IBAN for a bank code and sixteen digits (for tests and the demo)."""
    check = 98 - int("".join(str(int(ch, 36)) for ch in f"{bank_code}{digits}PK00")) % 97
    return f"PK{check:02d}{bank_code}{digits}"


def account_problems(*, channel: str, provider: Provider | None, account_number: str) -> tuple[list, str]:
    """(the problems, each (field, message); the account number as it is kept)."""
    number = (account_number or "").strip().replace(" ", "").replace("-", "")
    if channel not in Channel.values:
        return [("channel", MSG_CHANNEL)], number
    if channel == Channel.CASH:
        problems = [("account_number", MSG_CASH_NEEDS_NONE)] if provider is not None or number else []
        return problems, ""
    problems = []
    if provider is not None and not provider.active:
        problems.append(("provider", MSG_INACTIVE_PROVIDER % {"provider": provider.name}))
    if channel == Channel.BANK:
        number = number.upper()
        if provider is None or provider.channel != Channel.BANK:
            problems.append(("provider", MSG_BANK_PROVIDER))
        if not _IBAN.fullmatch(number):
            problems.append(("account_number", MSG_IBAN_SHAPE))
        elif not iban_checksum_ok(number):
            problems.append(("account_number", MSG_IBAN_CHECK))
        elif provider is not None and provider.bic and number[4:8] != provider.bic[:4]:
            problems.append(
                ("account_number", MSG_IBAN_BANK % {"provider": provider.name, "code": number[4:8]})
            )
        return problems, number
    if provider is None or provider.channel != Channel.WALLET:
        problems.append(("provider", MSG_WALLET_PROVIDER))
    try:
        number = "0" + normalize_mobile(number)[3:]
    except InvalidIdentifier:
        problems.append(("account_number", MSG_WALLET_NUMBER))
    return problems, number
