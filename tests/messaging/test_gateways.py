"""What KannelGateway asks Kannel for: Urdu as UCS-2 (coding=2, charset=UTF-8), English in the GSM
alphabet, and delivery reports at our address with the message's id, the report's type and our token."""

import urllib.parse

import pytest

from ehsaas.messaging.gateways import DLR_MASK, KannelGateway, LogGateway, gateway_from_settings
from ehsaas.messaging.models import Message

GATEWAY = {"url": "http://127.0.0.1:13013/cgi-bin/sendsms", "username": "platform", "password": "secret",
           "sender": "8171"}  # fmt: skip


def test_urdu_is_asked_for_as_ucs2_and_english_is_not():
    kannel = KannelGateway(**GATEWAY)

    urdu = kannel.query(Message(pk=1, phone="923001234567", text="احساس: رقم تیار ہے۔"))
    english = kannel.query(Message(pk=2, phone="923001234567", text="Ehsaas: your payment is ready."))

    assert (urdu["coding"], urdu["charset"]) == ("2", "UTF-8")
    assert "coding" not in english
    assert (urdu["username"], urdu["password"], urdu["from"], urdu["to"]) == ("platform", "secret", "8171",
                                                                             "923001234567")  # fmt: skip


def test_delivery_reports_are_asked_for_at_our_address_with_the_id_the_type_and_the_token():
    kannel = KannelGateway(**GATEWAY, dlr_url="https://ehsaas.example/sms/delivery", token="t0k")

    query = kannel.query(Message(pk=42, phone="923001234567", text="x"))

    assert query["dlr-mask"] == str(DLR_MASK) == "27"
    address, _, params = query["dlr-url"].partition("?")
    assert address == "https://ehsaas.example/sms/delivery"
    assert params == "id=42&token=t0k&status=%d&report=%A"
    assert urllib.parse.parse_qs(params)["id"] == ["42"]


def test_without_an_address_no_delivery_report_is_asked_for():
    assert "dlr-url" not in KannelGateway(**GATEWAY).query(Message(pk=1, phone="923001234567", text="x"))


@pytest.mark.parametrize(("setting", "kind"), [("log", LogGateway), ("kannel", KannelGateway)])
def test_the_gateway_is_the_one_the_settings_name(settings, setting, kind):
    settings.SMS_GATEWAY = setting

    assert isinstance(gateway_from_settings(), kind)
