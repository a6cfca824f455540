"""Outbound SMS through a real gateway: Kannel with its fake SMS centre (tests/kannel.py). A message
queued in Urdu and sent with KannelGateway reaches the SMS centre intact, as UCS-2; Kannel's delivery
reports come back to /sms/delivery and mark it delivered; a refusal by Kannel is kept as the error and
tried again. Skipped where Kannel is not installed."""

import pytest

from ehsaas.messaging.choices import MessageStatus
from ehsaas.messaging.gateways import KannelGateway
from ehsaas.messaging.models import Message
from ehsaas.messaging.sending import messages_send_due
from ehsaas.messaging.services import message_queue
from tests.kannel import kannel_running, wait_until

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def kannel(tmp_path, live_server):
    with kannel_running(tmp_path, server=live_server.url) as running:
        yield running


def gateway_of(kannel, live_server, **overrides) -> KannelGateway:
    arguments = {"url": kannel.sendsms_url, "username": kannel.username, "password": kannel.password,
                 "sender": "8171", "dlr_url": f"{live_server.url}/sms/delivery"}  # fmt: skip
    return KannelGateway(**(arguments | overrides))


def payment_ready(phone: str, language: str, programme: str) -> Message:
    return message_queue(event="payment_ready:kafaalat-2026Q3", phone=phone, template="payment_ready",
                         language=language, context={"programme": programme, "amount": "13,500"})  # fmt: skip


def test_an_urdu_message_sent_through_kannel_arrives_intact_and_its_delivery_is_reported(kannel, live_server):
    message = payment_ready("0300-1234567", "ur", "کفالت")

    result = messages_send_due(gateway=gateway_of(kannel, live_server), rate=50)

    received = kannel.wait_for_received(lambda sms: sms.receiver == "923001234567")
    assert result.sent == 1
    assert (received.sender, received.coding, received.text) == ("8171", "ucs-2", message.text)
    assert "؟" not in received.text and "?" not in received.text
    delivered = wait_until(
        lambda: Message.objects.filter(pk=message.pk, status=MessageStatus.DELIVERED).first(),
        what="Kannel's delivery report",
    )
    assert delivered.gateway == "kannel"
    assert delivered.delivered_at is not None


def test_an_english_message_arrives_as_written(kannel, live_server):
    message = payment_ready("03011234567", "en", "Kafaalat")

    messages_send_due(gateway=gateway_of(kannel, live_server, dlr_url=""), rate=50)

    assert kannel.wait_for_received(lambda sms: sms.receiver == "923011234567").text == message.text


def test_a_message_kannel_refuses_keeps_its_answer_as_the_error_and_waits_for_another_attempt(
    kannel, live_server
):
    message = payment_ready("03021234567", "ur", "کفالت")

    result = messages_send_due(gateway=gateway_of(kannel, live_server, password="wrong"), rate=50)

    message.refresh_from_db()
    assert result.retried == 1
    assert message.status == MessageStatus.QUEUED
    assert message.error.startswith("Kannel answered HTTP 403")
