"""What the payment tests share: the shipped programmes (Kafaalat active), two finance officers (one
generates, the other approves), and Kafaalat's beneficiaries in two districts, each with an account:
bank, wallet, a wallet shared by two women, cash, and one suspended woman."""

from dataclasses import dataclass

import pytest
from django.utils import timezone

from ehsaas.core.choices import Role
from ehsaas.payments.choices import Channel
from ehsaas.payments.models import PaymentAccount, Provider
from ehsaas.programs.choices import BeneficiaryStatus, ProgrammeStatus
from ehsaas.programs.models import Beneficiary, BenefitRule, ConditionRule, Programme
from ehsaas.programs.shipped import shipped_programmes_load
from tests.conftest import make_user
from tests.registry.records import make_family

KAFAALAT_AMOUNT = 13500


@pytest.fixture(autouse=True)
def shipped(reference_data):
    shipped_programmes_load(Programme, BenefitRule, ConditionRule)


@pytest.fixture
def kafaalat(shipped) -> Programme:
    programme = Programme.objects.get(code="kafaalat")
    programme.status = ProgrammeStatus.ACTIVE
    programme.save(update_fields=["status"])
    return programme


@pytest.fixture
def finance(personas):
    return personas["finance_officer"]


@pytest.fixture
def second_finance(reference_data):
    return make_user("finance2", Role.FINANCE_OFFICER)


def enrol_woman(programme, district, *, status=BeneficiaryStatus.ACTIVE, amount=KAFAALAT_AMOUNT,
                channel=Channel.CASH, provider: str | None = None, account: str = "", phone="03001234567"):  # fmt: skip
    """A family in `district` whose wife is `programme`'s beneficiary with `status`, paid `amount`
    through `channel` (a provider's code and an account for a bank or a wallet)."""
    household, _head, wife = make_family(district, phone=phone)
    beneficiary = Beneficiary.objects.create(
        programme=programme, household=household, member=wife, status=status, status_since=timezone.now(),
        amount=amount, category="Kafaalat",
    )  # fmt: skip
    PaymentAccount.objects.create(
        beneficiary=beneficiary, channel=channel,
        provider=Provider.objects.get(code=provider) if provider else None,
        account_number=account, account_title=wife.full_name, changed_at=timezone.now(),
    )  # fmt: skip
    return beneficiary


@dataclass
class Women:
    bank: Beneficiary
    wallet: Beneficiary
    shared_a: Beneficiary
    shared_b: Beneficiary
    cash: Beneficiary
    suspended: Beneficiary

    @property
    def active(self) -> list[Beneficiary]:
        return [self.bank, self.wallet, self.shared_a, self.shared_b, self.cash]


@pytest.fixture
def women(kafaalat, district_a, district_b) -> Women:
    """Five active Kafaalat women and a suspended one: a bank account at NBP, a JazzCash wallet, two women
    sharing one Easypaisa wallet (a review exception), cash at the points; in two districts."""
    return Women(
        bank=enrol_woman(kafaalat, district_a, channel=Channel.BANK, provider="nbp",
                         account="PK36NBPA0000001234567890"),
        wallet=enrol_woman(kafaalat, district_a, channel=Channel.WALLET, provider="jazzcash",
                           account="03011111111"),
        shared_a=enrol_woman(kafaalat, district_b, channel=Channel.WALLET, provider="easypaisa",
                             account="03452222222"),
        shared_b=enrol_woman(kafaalat, district_b, channel=Channel.WALLET, provider="easypaisa",
                             account="03452222222"),
        cash=enrol_woman(kafaalat, district_b, channel=Channel.CASH, phone="03123456789"),
        suspended=enrol_woman(kafaalat, district_a, status=BeneficiaryStatus.SUSPENDED,
                              channel=Channel.BANK, provider="hbl", account="PK24HABB0000009876543210"),
    )  # fmt: skip
