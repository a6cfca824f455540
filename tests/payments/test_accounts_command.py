"""`ehsaas payment-accounts import FILE --user NAME` and `approve --import ID --user NAME`."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from ehsaas.payments.accounts.validation import iban_with_checksum
from ehsaas.payments.models import AccountChangeRequest, PaymentAccount
from tests.payments.test_collection_services import cnic_of

IBAN = iban_with_checksum("BPUN", "0000007777888899")


def run(*args) -> str:
    out, err = StringIO(), StringIO()
    call_command("payment-accounts", *args, stdout=out, stderr=err)
    return out.getvalue() + err.getvalue()


def test_a_file_is_imported_then_approved_by_a_second_user(tmp_path, women, finance, second_finance):
    path = tmp_path / "bop.csv"
    path.write_text(
        f"cnic,channel,provider,account_number,account_title\n{cnic_of(women.cash)},bank,bop,{IBAN},N\n"
    )
    out = run("import", str(path), "--user", finance.username)
    job = AccountChangeRequest.objects.get().import_job_id
    assert f"Import {job}: 1 account changes" in out
    with pytest.raises(CommandError, match="another user"):
        run("approve", "--import", str(job), "--user", finance.username)
    assert "Approved 1" in run("approve", "--import", str(job), "--user", second_finance.username)
    assert PaymentAccount.objects.get(beneficiary=women.cash).account_number == IBAN


def test_a_bad_file_prints_every_bad_line_and_writes_nothing(tmp_path, capsys, women, finance):
    path = tmp_path / "bad.csv"
    path.write_text("cnic,channel,provider,account_number,account_title\n1,bank,bop,x,N\n2,wallet,bop,x,N\n")
    err = StringIO()
    with pytest.raises(CommandError, match="2 bad lines"):
        call_command("payment-accounts", "import", str(path), "--user", finance.username, stderr=err)
    assert "line 2" in err.getvalue() and "line 3" in err.getvalue()
    assert not AccountChangeRequest.objects.exists()


def test_a_user_without_the_permission_is_refused(tmp_path, women, personas):
    path = tmp_path / "a.csv"
    path.write_text("cnic,channel,provider,account_number,account_title\n")
    with pytest.raises(CommandError, match="may not"):
        run("import", str(path), "--user", personas["auditor"].username)
