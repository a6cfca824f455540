"""Delivery reports: the gateway calls /sms/delivery with our message's id and the report's type
(Kannel's %d): delivered to the phone marks the message delivered, not delivered or rejected marks it
failed with the report, accepted by the SMS centre is only recorded; a report that arrives after the
final one changes nothing. Only the gateway may call it: with its token, or from this machine when no
token is set (the rule of /sms/inbound)."""

import pytest
from django.urls import reverse

from ehsaas.messaging.choices import MessageStatus
from ehsaas.messaging.gateways import LogGateway
from ehsaas.messaging.sending import messages_send_due
from ehsaas.messaging.services import MSG_REPORT_STATUS
from ehsaas.messaging.views import MSG_NOT_THE_GATEWAY

pytestmark = pytest.mark.django_db

URL = reverse("messaging:delivery")


@pytest.fixture
def sent(queued):
    (message,) = queued(1)
    messages_send_due(gateway=LogGateway(), rate=1000)
    message.refresh_from_db()
    return message


def report(client, message_id, status, text="", **extra):
    return client.get(
        URL, {"id": message_id, "status": status, "report": text} | extra, REMOTE_ADDR="127.0.0.1"
    )


def test_a_report_of_delivery_to_the_phone_marks_the_message_delivered(client, sent):
    response = report(client, sent.pk, "1", "DELIVRD")

    sent.refresh_from_db()
    assert response.status_code == 200
    assert sent.status == MessageStatus.DELIVERED
    assert sent.delivered_at is not None
    assert sent.report == "1: DELIVRD"


@pytest.mark.parametrize("status", ["2", "16"])
def test_a_report_that_it_could_not_be_delivered_marks_the_message_failed_with_the_report(
    client, sent, status
):
    report(client, sent.pk, status, "UNDELIV")

    sent.refresh_from_db()
    assert sent.status == MessageStatus.FAILED
    assert "UNDELIV" in sent.error
    assert sent.failed_at is not None


def test_a_report_that_the_sms_centre_accepted_it_is_recorded_and_leaves_it_sent(client, sent):
    report(client, sent.pk, "8", "ACK/")

    sent.refresh_from_db()
    assert (sent.status, sent.report) == (MessageStatus.SENT, "8: ACK/")


def test_a_report_arriving_after_delivery_does_not_undo_it(client, sent):
    report(client, sent.pk, "1")
    report(client, sent.pk, "8")
    report(client, sent.pk, "2")

    sent.refresh_from_db()
    assert sent.status == MessageStatus.DELIVERED


def test_a_report_of_an_unknown_message_is_answered_not_found(client, sent):
    assert report(client, sent.pk + 1000, "1").status_code == 404


def test_a_report_with_a_status_kannel_never_sends_is_refused_saying_so(client, sent):
    response = report(client, sent.pk, "7")

    assert response.status_code == 400
    assert response.content.decode() == MSG_REPORT_STATUS % {"status": "'7'"}


def test_a_report_without_a_numeric_id_is_refused(client):
    assert report(client, "abc", "1").status_code == 400


def test_without_a_token_only_this_machine_may_report(client, sent, settings):
    settings.SMS_GATEWAY_TOKEN = ""

    response = client.get(URL, {"id": sent.pk, "status": "1"}, REMOTE_ADDR="203.0.113.9")

    sent.refresh_from_db()
    assert response.status_code == 403
    assert response.content.decode() == str(MSG_NOT_THE_GATEWAY)
    assert sent.status == MessageStatus.SENT


def test_with_a_token_the_gateway_must_give_it_from_wherever_it_calls(client, sent, settings):
    settings.SMS_GATEWAY_TOKEN = "s3cret-token"

    assert report(client, sent.pk, "1").status_code == 403
    assert report(client, sent.pk, "1", token="wrong").status_code == 403
    response = client.get(
        URL, {"id": sent.pk, "status": "1", "token": "s3cret-token"}, REMOTE_ADDR="203.0.113.9"
    )

    sent.refresh_from_db()
    assert response.status_code == 200
    assert sent.status == MessageStatus.DELIVERED
