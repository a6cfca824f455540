"""Complaints by SMS at /sms/inbound: a complaint keyword and the words make a complaint from that phone,
answered with its tracking number in the citizen's language; STATUS and APPEAL are answered only to the
phone the complaint was made from; and the whole way through a real Kannel gateway. The journey the
issue asks for: a complaint by SMS assigned, escalated on its SLA, resolved and appealed, the
complainant told at each step."""

import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone, translation

from ehsaas.grievances.choices import Channel, ComplaintStatus
from ehsaas.grievances.models import Complaint
from ehsaas.grievances.replies import (
    SMS_COMPLAINT_HELP,
    SMS_COMPLAINT_RECEIVED,
    SMS_NOT_FOUND,
    SMS_STATUS_RESOLVED,
    SMS_TOO_MANY,
)
from ehsaas.grievances.services.escalation import complaints_escalate
from ehsaas.grievances.services.handling import complaint_resolve, complaint_take
from ehsaas.messaging.models import Message
from ehsaas.portal.sms import URDU_SCRIPT
from tests.kannel import kannel_running
from tests.registry.records import make_household

URL = "/sms/inbound"
PHONE = "03001234567"
NUMBER = re.compile(r"GR-\d{4}-\d{6}")


@pytest.fixture(autouse=True)
def fresh_limits():
    cache.clear()  # the complaints a phone may send a day are counted in the cache


def sms(client, text, *, sender=PHONE) -> str:
    response = client.get(URL, {"from": sender, "text": text})
    assert response.status_code == 200
    return response.content.decode()


def in_urdu(message, **params) -> str:
    with translation.override("ur"):
        return str(message) % params if params else str(message)


def test_a_complaint_keyword_and_words_make_a_complaint_answered_with_its_number(client, db):
    reply = sms(client, "COMPLAINT The agent at the Jhang campsite kept Rs 2,000 of my payment")
    complaint = Complaint.objects.get()
    assert (
        reply
        == f"Complaint received: {complaint.tracking_number}. To follow it send STATUS {complaint.tracking_number}"
    )
    assert (complaint.channel, complaint.phone, complaint.language) == (Channel.SMS, "+923001234567", "en")
    assert complaint.description == "The agent at the Jhang campsite kept Rs 2,000 of my payment"
    assert complaint.category.code == "other"  # an officer puts it in its category
    assert not Message.objects.exists()  # the reply is the acknowledgement: no second SMS


@pytest.mark.parametrize(
    "text", ["شکایت ایجنٹ نے دو ہزار روپے کاٹ لیے", "shikayat agent ne paise kaat liye", "شكايت ایجنٹ"]
)
def test_a_complaint_in_urdu_or_roman_urdu_is_answered_in_urdu(client, db, text):
    reply = sms(client, text)
    complaint = Complaint.objects.get()
    assert reply == in_urdu(SMS_COMPLAINT_RECEIVED, number=complaint.tracking_number)
    assert URDU_SCRIPT.search(reply)
    assert complaint.language == "ur"


def test_a_complaint_from_a_registered_phone_is_matched_to_the_household_and_its_district(
    client, district_a, officer
):
    household = make_household(district_a, phone="+923001234567")
    sms(client, "COMPLAINT no payment this quarter")
    complaint = Complaint.objects.get()
    assert (complaint.household, complaint.district, complaint.assigned_to) == (
        household,
        district_a,
        officer,
    )


def test_a_keyword_alone_is_told_how_to_complain(client, db):
    assert sms(client, "COMPLAINT") == str(SMS_COMPLAINT_HELP)
    assert not Complaint.objects.exists()


def test_the_8171_check_still_answers_a_cnic(client, db):
    assert "register" in sms(client, "CHECK 35202-1234567-1")


def test_status_is_answered_to_the_phone_that_made_the_complaint_and_to_no_other(client, db):
    sms(client, "COMPLAINT no payment")
    number = Complaint.objects.get().tracking_number
    assert sms(client, f"STATUS {number}").startswith(f"Complaint {number}: Received. Due by ")
    assert sms(client, f"status {number}", sender="+923001234567").startswith(f"Complaint {number}:")
    assert sms(client, f"STATUS {number}", sender="03119876543") == str(SMS_NOT_FOUND) % {"number": number}


def test_status_in_urdu_gives_the_resolution_in_urdu_words(client, district_a, officer):
    make_household(district_a, phone="+923001234567")
    sms(client, "شکایت ادائیگی نہیں ملی")
    complaint = Complaint.objects.get()
    complaint_resolve(acting_user=officer, complaint=complaint, resolution="رقم 5 مارچ کو دوبارہ بھیج دی گئی")
    digits = complaint.tracking_number.translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
    reply = sms(client, f"حیثیت {digits}")
    assert reply == in_urdu(SMS_STATUS_RESOLVED, number=complaint.tracking_number,
                            reason="رقم 5 مارچ کو دوبارہ بھیج دی گئی")  # fmt: skip


def test_too_many_complaints_from_one_phone_are_refused_politely(client, db):
    for index in range(5):
        sms(client, f"COMPLAINT number {index}")
    assert sms(client, "COMPLAINT one more") == str(SMS_TOO_MANY)
    assert Complaint.objects.count() == 5


def test_a_complaint_by_sms_is_assigned_escalated_resolved_and_appealed_told_at_each_step(
    client, district_a, officer, supervisor
):
    make_household(district_a, phone="+923001234567")
    number = NUMBER.search(sms(client, "COMPLAINT Rs 2,000 taken by the agent")).group()
    complaint = Complaint.objects.get(tracking_number=number)
    complaint_take(acting_user=officer, complaint=complaint)
    complaints_escalate(now=timezone.now() + timedelta(days=complaint.category.sla_days))
    complaint.refresh_from_db()
    assert (complaint.status, complaint.assigned_to) == (ComplaintStatus.ESCALATED, supervisor)
    complaint_resolve(acting_user=supervisor, complaint=complaint, resolution="The agent returned Rs 2,000.")
    assert sms(client, f"APPEAL {number} I did not get it back") == (
        f"Appeal on complaint {number} received. A supervisor will review it."
    )
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.APPEALED
    assert complaint.appeal_reason == "I did not get it back"
    told = list(
        Message.objects.filter(phone="923001234567").order_by("id").values_list("template", flat=True)
    )
    assert told == ["complaint_assigned", "complaint_escalated", "complaint_resolved", "complaint_appeal"]
    assert (
        sms(client, f"APPEAL {number} again")
        == f"Complaint {number} was appealed already: a complaint can be appealed once."
    )


@pytest.mark.django_db(transaction=True)
def test_an_urdu_complaint_through_kannel_is_answered_with_its_number_in_urdu(
    tmp_path, live_server, reference_data
):
    with kannel_running(tmp_path, server=live_server.url) as kannel:
        reply = kannel.send(PHONE, "شکایت ایجنٹ نے دو ہزار روپے کاٹ لیے")
    complaint = Complaint.objects.get()
    assert reply == in_urdu(SMS_COMPLAINT_RECEIVED, number=complaint.tracking_number)
    assert complaint.tracking_number in reply and URDU_SCRIPT.search(reply)
    assert (complaint.channel, complaint.phone, complaint.description) == (
        Channel.SMS,
        "+923001234567",
        "ایجنٹ نے دو ہزار روپے کاٹ لیے",
    )
