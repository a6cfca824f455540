"""Account changes: each channel's rules (a PK IBAN at a bank, a 03 number at a wallet operator, nothing
for cash), decided by a second user who holds the permission, and a bank's file of opened accounts
checked whole and approved together."""

import pytest
from django.core.exceptions import PermissionDenied

from ehsaas.core.models import AuditEvent
from ehsaas.payments.accounts import services
from ehsaas.payments.accounts.services import (
    AccountChangeRefused,
    AccountsFileRefused,
    account_change_decide,
    account_change_request,
    accounts_import,
    accounts_import_approve,
)
from ehsaas.payments.accounts.validation import iban_checksum_ok, iban_with_checksum
from ehsaas.payments.choices import AccountRequestStatus, Channel
from ehsaas.payments.models import AccountChangeRequest, PaymentAccount, Provider
from tests.payments.test_collection_services import cnic_of

HBL_IBAN = iban_with_checksum("HABB", "0000001234567890")


def provider(code):
    return Provider.objects.get(code=code)


def ask(beneficiary, user, *, channel=Channel.BANK, code="hbl", number=HBL_IBAN, reason="Opened an account"):
    return account_change_request(
        beneficiary=beneficiary, channel=channel, provider=provider(code) if code else None,
        account_number=number, account_title="Her title", reason=reason, acting_user=user,
    )  # fmt: skip


def test_iban_check_digits_follow_iso_13616():
    assert iban_checksum_ok("GB82WEST12345698765432")
    assert iban_checksum_ok(HBL_IBAN)
    assert not iban_checksum_ok(HBL_IBAN[:-1] + ("1" if HBL_IBAN[-1] != "1" else "2"))


def test_an_approved_change_becomes_her_account(women, finance, second_finance):
    request = ask(women.cash, finance)
    assert PaymentAccount.objects.get(beneficiary=women.cash).channel == Channel.CASH
    account_change_decide(request=request, acting_user=second_finance, approve=True, note="Seen the letter")
    account = PaymentAccount.objects.get(beneficiary=women.cash)
    assert (account.channel, account.provider.code, account.account_number) == (Channel.BANK, "hbl", HBL_IBAN)
    assert request.__class__.objects.get(pk=request.pk).status == AccountRequestStatus.APPROVED
    assert AuditEvent.objects.filter(action="payment_account.change_approved", subject_id=request.pk).exists()


def test_a_rejected_change_leaves_the_account(women, finance, second_finance):
    request = ask(women.cash, finance)
    account_change_decide(request=request, acting_user=second_finance, approve=False, note="No proof")
    assert PaymentAccount.objects.get(beneficiary=women.cash).channel == Channel.CASH


def test_nobody_decides_their_own_change_or_a_decided_one(women, finance, second_finance):
    request = ask(women.cash, finance)
    with pytest.raises(AccountChangeRefused, match="another user"):
        account_change_decide(request=request, acting_user=finance, approve=True)
    account_change_decide(request=request, acting_user=second_finance, approve=True)
    with pytest.raises(AccountChangeRefused, match="decided already"):
        account_change_decide(request=request, acting_user=second_finance, approve=False)


def test_a_user_without_the_decide_permission_is_refused(women, personas, finance):
    request = ask(women.cash, personas["registration_officer"])
    with pytest.raises(PermissionDenied):
        account_change_decide(request=request, acting_user=personas["programme_officer"], approve=True)


def test_a_user_without_the_add_permission_cannot_ask(women, personas):
    with pytest.raises(PermissionDenied):
        ask(women.cash, personas["auditor"])


@pytest.mark.parametrize(
    ("channel", "code", "number", "field"),
    [
        (Channel.BANK, "jazzcash", HBL_IBAN, "provider"),
        (Channel.BANK, "hbl", "PK00HABB0000001234567890", "account_number"),
        (Channel.BANK, "hbl", "PK36HABB12345", "account_number"),
        (Channel.BANK, "nbp", HBL_IBAN, "account_number"),  # an HBL IBAN at NBP
        (Channel.WALLET, "hbl", "03001234567", "provider"),
        (Channel.WALLET, "jazzcash", "0421234567", "account_number"),
        (Channel.CASH, "hbl", "", "account_number"),
        (Channel.CASH, None, "03001234567", "account_number"),
    ],
)
def test_each_channel_s_rules_are_held(women, finance, channel, code, number, field):
    with pytest.raises(AccountChangeRefused) as refused:
        ask(women.cash, finance, channel=channel, code=code, number=number)
    assert field in refused.value.message_dict
    assert not AccountChangeRequest.objects.exists()


def test_a_wallet_number_is_kept_as_03_and_cash_needs_nothing(women, finance):
    assert (
        ask(
            women.cash, finance, channel=Channel.WALLET, code="jazzcash", number="+92 300 7654321"
        ).account_number
        == "03007654321"
    )
    assert ask(women.bank, finance, channel=Channel.CASH, code=None, number="").account_number == ""


def test_a_reason_is_required_and_one_request_waits_at_a_time(women, finance):
    with pytest.raises(AccountChangeRefused):
        ask(women.cash, finance, reason=" ")
    ask(women.cash, finance)
    with pytest.raises(AccountChangeRefused, match="waiting"):
        ask(women.cash, finance)


def csv_of(*lines) -> bytes:
    return ("cnic,channel,provider,account_number,account_title\n" + "\n".join(lines) + "\n").encode()


def test_an_import_asks_for_each_line_and_a_second_user_approves_them_all(women, finance, second_finance):
    data = csv_of(f"{cnic_of(women.cash)},bank,hbl,{HBL_IBAN},Nasreen",
                  f"{cnic_of(women.bank)},wallet,jazzcash,03009876543,Nasreen")  # fmt: skip
    job = accounts_import(data=data, label="hbl.csv", acting_user=finance)
    assert AccountChangeRequest.objects.filter(import_job=job).count() == 2
    assert PaymentAccount.objects.get(beneficiary=women.cash).channel == Channel.CASH
    with pytest.raises(AccountChangeRefused, match="another user"):
        accounts_import_approve(job=job, acting_user=finance)
    assert accounts_import_approve(job=job, acting_user=second_finance, note="Bank's letter") == 2
    assert PaymentAccount.objects.get(beneficiary=women.cash).account_number == HBL_IBAN
    assert PaymentAccount.objects.get(beneficiary=women.bank).channel == Channel.WALLET
    assert not AccountChangeRequest.objects.filter(status=AccountRequestStatus.SUBMITTED).exists()
    with pytest.raises(AccountChangeRefused, match="No account change"):
        accounts_import_approve(job=job, acting_user=second_finance)


def test_a_file_with_any_bad_line_is_refused_whole_naming_every_bad_line(women, finance):
    data = csv_of(f"{cnic_of(women.cash)},bank,hbl,{HBL_IBAN},Nasreen",
                  "12345,bank,hbl,PK00HABB0000001234567890,X",
                  f"{cnic_of(women.bank)},wallet,nope,03009876543,Y",
                  "3520299999998,cash,,,Z",
                  f"{cnic_of(women.cash)},cash,,,Again")  # fmt: skip
    with pytest.raises(AccountsFileRefused) as refused:
        accounts_import(data=data, label="bad.csv", acting_user=finance)
    lines = {(p.line, p.column) for p in refused.value.problems}
    assert {(3, "cnic"), (3, "account_number"), (4, "provider"), (5, "cnic"), (6, "cnic")} <= lines
    assert 2 not in {p.line for p in refused.value.problems}
    assert not AccountChangeRequest.objects.exists()


def test_a_file_without_the_columns_is_refused(women, finance):
    with pytest.raises(AccountsFileRefused, match="lacks the columns"):
        accounts_import(data=b"cnic,iban\n1,2\n", label="x.csv", acting_user=finance)


def test_an_unknown_import_is_refused(db):
    with pytest.raises(AccountChangeRefused):
        services.account_import_get(999)
