"""A town-hall meeting's complaints entered in bulk: several in one form, a CSV file, or both; with any
bad row or line nothing is recorded and each is named (where, column, what was written, what is wrong)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from ehsaas.grievances.choices import Channel
from ehsaas.grievances.models import Complaint
from ehsaas.grievances.town_hall import (
    MSG_MISSING_COLUMNS,
    MSG_NOT_UTF8,
    MSG_TOO_BIG,
    TownHallRefused,
    town_hall_check,
    town_hall_file_rows,
)
from ehsaas.messaging.models import Message
from tests.grievances.conftest import category

URL = reverse("grievances:town_hall")
GOOD = (
    "category,complaint,name,phone,cnic,anonymous,language\n"
    "payment_not_received,My Kafaalat payment did not come,Shazia Bibi,0300-1234567,,,\n"
    "Harassment,The agent shouted at the women in the queue,,,,yes,\n"
    "ادائیگی موصول نہیں ہوئی,No money since March,Ghulam Rasool,0311-7654321,,no,en\n"
)
BAD = (
    "category,complaint,name,phone,cnic,anonymous\n"
    "payment_not_received,My payment did not come,Shazia Bibi,0300-1234567,,\n"
    "payments,Nothing came,,,,\n"
    "other,,Ghulam Rasool,12345,35202-123,maybe\n"
)


def meeting(district, **extra) -> dict:
    data = {"place": "Union council hall, Jhang", "held_on": "2026-03-14", "district": district.pk, "language": "ur",
            "row-TOTAL_FORMS": "5", "row-INITIAL_FORMS": "0", "row-MIN_NUM_FORMS": "0", "row-MAX_NUM_FORMS": "100"}  # fmt: skip
    return data | extra


def csv_file(text: str, name: str = "jhang.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def test_a_meeting_s_file_is_recorded_whole_each_with_its_number(client_as, personas, district_a, officer):
    response = client_as(personas["grievance_officer"]).post(URL, meeting(district_a, file=csv_file(GOOD)))
    assert response.status_code == 200
    recorded = list(Complaint.objects.order_by("id"))
    assert [c.category.code for c in recorded] == [
        "payment_not_received",
        "harassment",
        "payment_not_received",
    ]
    assert {c.channel for c in recorded} == {Channel.TOWN_HALL}
    assert {c.place for c in recorded} == {"Town hall, Union council hall, Jhang, 2026-03-14"}
    assert {c.district for c in recorded} == {district_a}
    assert recorded[1].anonymous and recorded[1].name == ""
    assert [c.language for c in recorded] == ["ur", "ur", "en"]
    page = response.content.decode()
    assert all(c.tracking_number in page for c in recorded)
    # Those who left a number are told; the anonymous one without a phone is not.
    assert set(Message.objects.values_list("phone", flat=True)) == {"923001234567", "923117654321"}


def test_a_file_with_bad_lines_is_refused_whole_and_every_bad_line_named(client_as, personas, district_a):
    response = client_as(personas["grievance_officer"]).post(URL, meeting(district_a, file=csv_file(BAD)))
    assert not Complaint.objects.exists()
    problems = [(p.where, p.column, p.value) for p in response.context["problems"]]
    assert problems == [
        ("jhang.csv, line 3", "category", "payments"),
        ("jhang.csv, line 4", "anonymous", "maybe"),
        ("jhang.csv, line 4", "description", ""),
        ("jhang.csv, line 4", "phone", "12345"),
        ("jhang.csv, line 4", "cnic", "35202-123"),
    ]
    assert response.context["refusal"] == "2 complaints have problems, listed below. Nothing was recorded."
    page = response.content.decode()
    assert "no such category; the categories are: targeting, payment_not_received" in page


def test_rows_of_the_form_and_a_file_are_recorded_together(client_as, personas, district_a):
    rows = {"row-0-category": category("biometric_failure").pk, "row-0-description": "The fingerprint machine fails",
            "row-0-name": "Nasreen Bibi", "row-1-category": category("fraud").pk,
            "row-1-description": "Someone collected my payment", "row-1-anonymous": "on"}  # fmt: skip
    client_as(personas["grievance_supervisor"]).post(URL, meeting(district_a, file=csv_file(GOOD), **rows))
    assert Complaint.objects.count() == 5
    assert list(Complaint.objects.order_by("id").values_list("category__code", flat=True))[:2] == [
        "biometric_failure",
        "fraud",
    ]


def test_a_bad_row_of_the_form_stops_the_file_too(client_as, personas, district_a):
    rows = {"row-0-category": category("other").pk, "row-0-description": ""}
    response = client_as(personas["grievance_officer"]).post(
        URL, meeting(district_a, file=csv_file(GOOD), **rows)
    )
    assert not Complaint.objects.exists()
    assert [(p.where, p.column) for p in response.context["problems"]] == [("row 1", "description")]


def test_a_meeting_without_any_complaint_is_refused_saying_so(client_as, personas, district_a):
    response = client_as(personas["grievance_officer"]).post(URL, meeting(district_a))
    assert response.context["refusal"] == "Fill in at least one complaint, or choose a file."


def test_a_file_that_is_not_utf8_or_lacks_columns_is_refused_saying_why(db):
    with pytest.raises(TownHallRefused) as refused:
        town_hall_file_rows("category,complaint\nother,Ça\n".encode("latin-1"), "old.csv")
    assert refused.value.message == str(MSG_NOT_UTF8) % {"file": "old.csv"}
    with pytest.raises(TownHallRefused) as refused:
        town_hall_file_rows(b"kind,name\nother,Ali\n", "short.csv")
    assert refused.value.message == str(MSG_MISSING_COLUMNS) % {
        "file": "short.csv",
        "missing": "complaint",
        "columns": "category, name",
    }


def test_a_file_too_large_for_any_meeting_is_refused_unread(client_as, personas, district_a, settings):
    huge = csv_file("category,complaint\n" + "other,x\n" * 300_000, "huge.csv")
    response = client_as(personas["grievance_officer"]).post(URL, meeting(district_a, file=huge))
    assert response.context["refusal"] == str(MSG_TOO_BIG) % {"file": "huge.csv"}
    assert not Complaint.objects.exists()


def test_categories_are_read_by_code_or_name_in_either_language(db):
    rows = town_hall_file_rows(GOOD.encode(), "jhang.csv")
    checked = town_hall_check(rows, district=None, language="ur")
    assert [c.category.code for c in checked] == [
        "payment_not_received",
        "harassment",
        "payment_not_received",
    ]
