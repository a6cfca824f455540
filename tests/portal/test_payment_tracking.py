"""Tracking a payment: on the public page, by SMS (PAYMENT, RAQAM, PAISA, ادائیگی, رقم and a CNIC) and by
the API, a beneficiary learns whether and where her latest payment can be collected or was paid, in her
language, and nothing else about her: no name, account number or phone."""

import pytest
from django.utils import timezone, translation

from ehsaas.payments.choices import CollectionMethod, CycleStatus, PaymentStatus, PointKind
from ehsaas.payments.collection.selectors import latest_payment_for_cnic
from ehsaas.payments.models import Collection, Payment
from tests.payments.conftest import finance, kafaalat, second_finance, shipped, women  # noqa: F401
from tests.payments.test_collection_services import cnic_of, make_cycle, make_point

PAGE, SMS, API = "/payment/", "/sms/inbound", "/api/v1/payments/track"


@pytest.fixture
def cycle(kafaalat, women, finance, second_finance, district_b):  # noqa: F811
    make_point("camp-1", district_b, kind=PointKind.CAMPSITE)
    make_point("branch-1", district_b, kind=PointKind.BRANCH)
    return make_cycle(kafaalat, women.active, generator=finance, approver=second_finance)


def personal_data(beneficiary) -> list[str]:
    member = beneficiary.member
    account = beneficiary.payment_account
    values = [member.full_name, member.phone, beneficiary.household.phone, account.account_number,
              account.account_title, str(beneficiary.amount), f"{beneficiary.amount:,}"]  # fmt: skip
    return [value for value in values if value]


def sms(client, text):
    return client.get(SMS, {"from": "03009998877", "text": text}).content.decode()


def test_the_page_shows_a_cash_payment_ready_at_the_points_of_her_district(client, women, cycle):  # noqa: F811
    response = client.post(PAGE, {"cnic": cnic_of(women.cash)})
    body = response.content.decode()
    assert response.status_code == 200
    assert "ready to collect in cash" in body and "Point camp-1" in body
    assert "Point branch-1" not in body  # branches take only the fallback
    assert "2026-Q3" in body
    for value in personal_data(women.cash):
        assert value not in body


def test_the_page_shows_a_collected_payment_with_where_and_when(client, women, cycle):  # noqa: F811
    payment = Payment.objects.get(cycle=cycle, beneficiary=women.cash)
    point = make_point("shop-9", women.cash.household.district)
    Collection.objects.create(payment=payment, point=point, agent=cycle.created_by, method=CollectionMethod.BIOMETRIC,
                              verification_reference="SIM-1", collected_at=timezone.now())  # fmt: skip
    Payment.objects.filter(pk=payment.pk).update(status=PaymentStatus.PAID, status_at=timezone.now())
    body = client.post(PAGE, {"cnic": cnic_of(women.cash)}).content.decode()
    assert "has been paid" in body and "Point shop-9" in body


def test_the_page_speaks_urdu(client, women, cycle):  # noqa: F811
    body = client.post(PAGE, {"cnic": cnic_of(women.cash)}, HTTP_ACCEPT_LANGUAGE="ur").content.decode()
    assert 'lang="ur"' in body or 'dir="rtl"' in body


def test_the_page_is_public_and_limited_like_the_eligibility_check(client, women, cycle, settings):  # noqa: F811
    assert client.get(PAGE).status_code == 200
    settings.CHECK_LIMIT_PER_IP = "1/h"
    assert client.post(PAGE, {"cnic": cnic_of(women.cash)}).status_code == 200
    assert client.post(PAGE, {"cnic": cnic_of(women.cash)}).status_code == 429


def test_a_mistyped_cnic_is_shown_again(client, db):
    response = client.post(PAGE, {"cnic": "123"})
    assert response.status_code == 200 and "13 digits" in response.content.decode()


def test_an_sms_with_payment_and_a_cnic_is_answered_in_english(client, women, cycle):  # noqa: F811
    reply = sms(client, f"PAYMENT {cnic_of(women.bank)}")
    assert "sent to your account with National Bank of Pakistan" in reply
    for value in personal_data(women.bank):
        assert value not in reply


@pytest.mark.parametrize("word", ["RAQAM", "paisa", "ادائیگی", "رقم"])
def test_an_sms_with_an_urdu_keyword_is_answered_in_urdu(client, women, cycle, word):  # noqa: F811
    reply = sms(client, f"{word} {cnic_of(women.cash)}")
    with translation.override("ur"):
        assert reply == latest_payment_for_cnic(cnic_of(women.cash)).sms
    for value in personal_data(women.cash):
        assert value not in reply


def test_an_sms_for_a_cnic_without_payments_says_so(client, women):  # noqa: F811
    assert "no payment found" in sms(client, f"PAYMENT {cnic_of(women.cash)}")


def test_an_sms_with_a_malformed_cnic_says_what_is_wrong(client, db):
    assert "13 digits" in sms(client, "PAYMENT 12345")


def test_the_api_answers_without_personal_data(client, women, cycle):  # noqa: F811
    response = client.post(API, {"cnic": cnic_of(women.wallet)}, content_type="application/json")
    answer = response.json()
    assert response.status_code == 200
    assert (answer["status"], answer["period"]) == ("sent", "2026-Q3")
    assert answer["where"].startswith("JazzCash")
    assert set(answer) == {"status", "programme", "period", "where", "paid_at", "points", "message"}
    for value in personal_data(women.wallet):
        assert value not in response.content.decode()


def test_the_api_refuses_a_malformed_cnic_and_too_many_checks(client, women, cycle, settings):  # noqa: F811
    assert client.post(API, {"cnic": "1"}, content_type="application/json").status_code == 400
    settings.CHECK_LIMIT_PER_IP = "1/h"
    cnic = cnic_of(women.cash)
    assert client.post(API, {"cnic": cnic}, content_type="application/json").status_code == 200
    limited = client.post(API, {"cnic": cnic}, content_type="application/json")
    assert limited.status_code == 429 and limited["Retry-After"]


@pytest.mark.parametrize(
    ("status", "tracked"),
    [(PaymentStatus.PENDING, "pending"), (PaymentStatus.FAILED, "failed"), (PaymentStatus.UNCLAIMED, "unclaimed"),
     (PaymentStatus.PAID, "paid")],
)  # fmt: skip
def test_each_status_of_the_latest_payment_is_told(women, cycle, status, tracked):  # noqa: F811
    Payment.objects.filter(cycle=cycle).update(status=status, status_at=timezone.now())
    answer = latest_payment_for_cnic(cnic_of(women.bank))
    assert answer.status == tracked and answer.period == "2026-Q3"
    assert (answer.where == "National Bank of Pakistan") == (status == PaymentStatus.PAID)
    assert women.bank.member.full_name not in answer.sms + answer.message


def test_a_cycle_not_yet_approved_is_not_told(kafaalat, women, finance, second_finance):  # noqa: F811
    make_cycle(
        kafaalat, women.active, generator=finance, approver=second_finance, cycle_status=CycleStatus.REVIEW
    )
    assert latest_payment_for_cnic(cnic_of(women.cash)).status == "none"
