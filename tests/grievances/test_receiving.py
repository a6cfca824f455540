"""Receiving a complaint: its tracking number from the database's sequence, its due date from its
category's SLA, what an anonymous complaint keeps, the household it is matched to, and what is refused."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from ehsaas.core.models import AuditEvent
from ehsaas.grievances.choices import Channel, ComplaintStatus, EventKind
from ehsaas.grievances.models import Category, Complaint, TrackingNumber
from ehsaas.grievances.services import ComplaintRefused
from ehsaas.grievances.services.receiving import MSG_DESCRIPTION, MSG_PHONE, complaint_input
from ehsaas.grievances.tracking import parse_tracking_number
from ehsaas.messaging.models import Message
from tests.grievances.conftest import PHONE, category, receive
from tests.registry.records import make_family

KARACHI = ZoneInfo("Asia/Karachi")


def test_each_complaint_gets_the_next_number_of_the_sequence_written_with_its_year(db, district_a):
    first = receive(district=district_a)
    second = receive(district=district_a)
    year = datetime.now(KARACHI).year
    assert first.tracking_number == f"GR-{year}-{first.number_id:06d}"
    assert second.number_id == first.number_id + 1
    assert second.tracking_number == f"GR-{year}-{second.number_id:06d}"


def test_a_number_is_never_given_again_even_after_its_complaint_is_deleted(db, district_a):
    kept = receive(district=district_a)
    last = receive(district=district_a)
    last.events.all().delete()
    number = last.number_id
    last.delete()
    TrackingNumber.objects.filter(pk=number).delete()
    after = receive(district=district_a)
    # Counting the complaints, or taking the largest number and adding one, would give it again.
    assert Complaint.objects.count() == 2
    assert after.number_id > number > kept.number_id


def test_a_complaint_rolled_back_leaves_nothing_behind_and_the_next_one_is_numbered_after_the_last(
    db, district_a
):
    kept = receive(district=district_a)
    with pytest.raises(RuntimeError), transaction.atomic():
        receive(district=district_a)
        raise RuntimeError("the request failed after the complaint was written")
    assert list(Complaint.objects.all()) == [kept]
    assert receive(district=district_a).number_id > kept.number_id


def test_the_year_in_the_number_is_the_year_in_pakistan(db):
    new_year_in_karachi = datetime(2026, 12, 31, 20, 30, tzinfo=ZoneInfo("UTC"))  # 01:30 on 1 January
    assert TrackingNumber(pk=7, drawn_at=new_year_in_karachi).__str__() == "GR-2027-000007"


@pytest.mark.parametrize(
    ("written", "number"),
    [("GR-2026-000123", "GR-2026-000123"), ("gr 2026 123", "GR-2026-000123"), ("status gr2026000123", "GR-2026-000123"),
     ("۲۰۲۶-۱۲۳", "GR-2026-000123"), ("no number here", None)],
)  # fmt: skip
def test_tracking_numbers_are_read_however_people_write_them(written, number):
    assert parse_tracking_number(written) == number


@pytest.mark.parametrize(
    ("code", "days"), [("payment_not_received", 7), ("targeting", 30), ("misconduct", 15)]
)
def test_the_due_date_is_the_receipt_plus_the_categorys_sla_days(db, district_a, code, days):
    received = datetime(2026, 3, 2, 10, 0, tzinfo=KARACHI)
    complaint = receive(code=code, district=district_a, now=received)
    assert complaint.received_at == received
    assert complaint.due_at == received + timedelta(days=days)


def test_an_administrator_s_change_to_a_category_s_sla_applies_to_the_complaints_received_after_it(
    db, district_a
):
    Category.objects.filter(code="payment_not_received").update(sla_days=3)
    received = datetime(2026, 3, 2, 10, 0, tzinfo=KARACHI)
    assert receive(district=district_a, now=received).due_at == received + timedelta(days=3)


def test_an_anonymous_complaint_keeps_no_name_no_cnic_and_no_household(db, district_a):
    _household, head, _wife = make_family(district_a)
    cnic = head.identifiers.get().number
    complaint = receive(district=district_a, anonymous=True, name="Shazia Bibi", cnic=cnic, phone="")
    assert (complaint.name, complaint.cnic, complaint.household, complaint.phone) == ("", "", None, "")
    assert complaint.anonymous


def test_an_anonymous_complaint_without_a_phone_gets_no_sms_and_one_with_a_phone_does(db, district_a):
    receive(district=district_a, anonymous=True, phone="")
    assert not Message.objects.exists()
    told = receive(district=district_a, anonymous=True, phone="0300-7654321")
    assert list(Message.objects.values_list("event", "phone")) == [
        (f"complaint_received:{told.tracking_number}", "923007654321")
    ]


def test_a_named_complaint_is_matched_to_the_household_of_the_cnic_and_takes_its_district(db, district_a):
    household, head, _wife = make_family(district_a)
    cnic = head.identifiers.get().number
    complaint = receive(code="targeting", cnic=cnic, name="Muhammad Aslam")
    assert complaint.household == household
    assert complaint.district == district_a


def test_a_complaint_is_told_received_in_the_complainant_s_language(db, district_a):
    complaint = receive(district=district_a, language="en")
    message = Message.objects.get()
    assert (
        message.text
        == f"Ehsaas: your complaint {complaint.tracking_number} is received. Keep this number to follow it."
    )
    assert message.phone == PHONE.removeprefix("+")


def test_receiving_writes_the_first_steps_of_the_history_and_an_audit_event(db, district_a, officer):
    complaint = receive(district=district_a)
    assert list(complaint.events.values_list("kind", flat=True)) == [EventKind.RECEIVED, EventKind.ASSIGNED]
    assert complaint.status == ComplaintStatus.ASSIGNED
    audit = AuditEvent.objects.get(subject_type="grievances.complaint", subject_id=complaint.pk)
    assert audit.action == "complaint.received"
    assert audit.summary == f"{complaint.tracking_number}: received on the portal"


def test_a_complaint_without_words_or_with_a_wrong_phone_is_refused_saying_what_is_wrong(db):
    with pytest.raises(ComplaintRefused) as refused:
        complaint_input(category=category("other"), description="  ", phone="12345")
    assert refused.value.message_dict["description"] == [str(MSG_DESCRIPTION)]
    assert refused.value.message_dict["phone"][0].startswith(str(MSG_PHONE).split("%")[0])
    assert not Complaint.objects.exists()


def test_a_category_that_is_no_longer_offered_is_refused(db):
    Category.objects.filter(code="other").update(active=False)
    with pytest.raises(ValidationError) as refused:
        complaint_input(category=category("other"), description="Something")
    assert "category" in refused.value.message_dict


@pytest.mark.parametrize("channel", [Channel.HELPLINE, Channel.WALK_IN, Channel.TOWN_HALL])
def test_staff_channels_need_the_right_to_receive_complaints(personas, district_a, channel):
    for role in ("grievance_officer", "grievance_supervisor", "registration_officer", "administrator"):
        assert (
            receive(district=district_a, channel=channel, acting_user=personas[role]).received_by
            == personas[role]
        )
    for role in ("finance_officer", "me_analyst", "auditor", "partner", "programme_officer", "no_role"):
        with pytest.raises(PermissionDenied):
            receive(district=district_a, channel=channel, acting_user=personas[role])
    with pytest.raises(PermissionDenied):
        receive(district=district_a, channel=channel, acting_user=None)
