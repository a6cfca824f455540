"""The account change pages: a request asked for from the household page's payments panel, decided by
a second user, a file imported and approved together; each role's access."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from ehsaas.core.choices import Role
from ehsaas.payments.accounts.services import account_change_request
from ehsaas.payments.accounts.validation import iban_with_checksum
from ehsaas.payments.choices import AccountRequestStatus, Channel
from ehsaas.payments.models import AccountChangeRequest, PaymentAccount
from tests.payments.test_collection_services import cnic_of

LIST = "/payments/accounts/"
IBAN = iban_with_checksum("ALFH", "0000004444555566")
DESK_ROLES = (Role.FINANCE_OFFICER, Role.ADMINISTRATOR, Role.PROGRAMME_OFFICER, Role.REGISTRATION_OFFICER)


def new_url(beneficiary):
    return f"/payments/accounts/new/{beneficiary.pk}/"


def test_the_household_page_shows_accounts_and_links_to_a_change(client_as, personas, women):
    body = (
        client_as(personas["registration_officer"])
        .get(f"/households/{women.cash.household_id}/")
        .content.decode()
    )
    assert 'data-testid="payments-panel"' in body and new_url(women.cash) in body


def test_the_household_page_has_no_payments_panel_for_a_role_without_payments(client_as, personas, women):
    response = client_as(personas["partner"]).get(f"/households/{women.bank.household_id}/")
    assert response.status_code == 200
    assert 'data-testid="payments-panel"' not in response.content.decode()


def test_a_desk_officer_asks_and_a_finance_officer_approves(client_as, personas, women, finance):
    client = client_as(personas["registration_officer"])
    response = client.post(new_url(women.cash), {"channel": "bank", "provider": women.bank.payment_account.provider_id,
                                                 "account_number": iban_with_checksum("NBPA", "0000001111222233"),
                                                 "account_title": "N", "reason": "Opened at NBP"})  # fmt: skip
    change = AccountChangeRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/payments/accounts/{change.pk}/"
    client = client_as(finance)
    assert "Approve" in client.get(f"/payments/accounts/{change.pk}/").content.decode()
    client.post(f"/payments/accounts/{change.pk}/", {"decision": "approve", "note": "ok"})
    assert PaymentAccount.objects.get(beneficiary=women.cash).channel == Channel.BANK


def test_a_bad_account_is_shown_on_the_form(client_as, personas, women):
    response = client_as(personas["registration_officer"]).post(
        new_url(women.cash), {"channel": "bank", "provider": "", "account_number": "PK1", "reason": "x"})  # fmt: skip
    assert response.status_code == 200 and "IBAN" in response.content.decode()
    assert not AccountChangeRequest.objects.exists()


def test_the_asker_cannot_approve_their_own_change(client_as, women, finance):
    change = account_change_request(beneficiary=women.cash, channel=Channel.CASH, provider=None, account_number="",
                                    account_title="", reason="Lost her card", acting_user=finance)  # fmt: skip
    client = client_as(finance)
    assert "Approve" not in client.get(f"/payments/accounts/{change.pk}/").content.decode()
    client.post(f"/payments/accounts/{change.pk}/", {"decision": "approve"})
    change.refresh_from_db()
    assert change.status == AccountRequestStatus.SUBMITTED


def test_a_file_is_imported_and_approved_by_a_second_user(client_as, women, finance, second_finance):
    data = (
        f"cnic,channel,provider,account_number,account_title\n{cnic_of(women.cash)},bank,alfalah,{IBAN},N\n"
    )
    client = client_as(finance)
    response = client.post(LIST, {"file": SimpleUploadedFile("alfalah.csv", data.encode())})
    assert response.status_code == 302
    change = AccountChangeRequest.objects.get()
    body = client_as(second_finance).get(LIST).content.decode()
    assert f"/payments/accounts/imports/{change.import_job_id}/approve/" in body
    client_as(second_finance).post(f"/payments/accounts/imports/{change.import_job_id}/approve/")
    assert PaymentAccount.objects.get(beneficiary=women.cash).account_number == IBAN


def test_a_bad_file_lists_its_bad_lines(client_as, women, finance):
    data = "cnic,channel,provider,account_number,account_title\n123,bank,alfalah,PK00,N\n"
    response = client_as(finance).post(LIST, {"file": SimpleUploadedFile("bad.csv", data.encode())})
    assert 'data-testid="problems"' in response.content.decode()
    assert not AccountChangeRequest.objects.exists()


@pytest.mark.parametrize("role", [r for r in Role if r not in DESK_ROLES and r is not Role.AUDITOR])
def test_roles_without_account_permissions_are_refused(client_as, personas, women, role):
    client = client_as(personas[role.value])
    assert client.get(LIST).status_code == 403
    assert client.get(new_url(women.cash)).status_code == 403


def test_an_auditor_reads_but_neither_asks_nor_decides(client_as, personas, women, finance):
    change = account_change_request(beneficiary=women.cash, channel=Channel.CASH, provider=None, account_number="",
                                    account_title="", reason="Lost her card", acting_user=finance)  # fmt: skip
    client = client_as(personas["auditor"])
    assert client.get(LIST).status_code == 200
    assert client.get(new_url(women.cash)).status_code == 403
    assert client.post(f"/payments/accounts/imports/{change.pk}/approve/").status_code == 403
    client.post(f"/payments/accounts/{change.pk}/", {"decision": "approve"})
    change.refresh_from_db()
    assert change.status == AccountRequestStatus.SUBMITTED


def test_a_partner_sees_only_changes_of_their_districts(client_as, personas, women, finance):
    account_change_request(beneficiary=women.cash, channel=Channel.WALLET, provider=women.wallet.payment_account.provider,
                           account_number="03001112222", account_title="", reason="r", acting_user=finance)  # fmt: skip
    partner = personas["partner"]
    if not partner.has_perm("payments.view_accountchangerequest"):
        assert client_as(partner).get(LIST).status_code == 403
    else:
        assert "03001112222" not in client_as(partner).get(LIST).content.decode()
