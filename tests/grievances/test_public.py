"""The public pages: anyone makes a complaint (anonymously if they wish) and reads its tracking number;
the tracking page shows a complaint to whoever gives its number and the phone it was made from, and
takes its one appeal; pages in Urdu read right to left."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from ehsaas.grievances.choices import Channel, ComplaintStatus
from ehsaas.grievances.models import Complaint
from ehsaas.grievances.public_views import MSG_TOO_MANY
from ehsaas.grievances.services.handling import complaint_resolve
from tests.grievances.conftest import category, receive

SUBMIT, TRACK = reverse("grievances:submit"), reverse("grievances:track")


@pytest.fixture(autouse=True)
def fresh_limits():
    cache.clear()


def test_anyone_makes_a_complaint_and_is_shown_its_number(client, district_a, officer):
    response = client.post(SUBMIT, {
        "category": category("payment_deduction").pk, "description": "The agent kept Rs 2,000", "district": district_a.pk,
        "name": "Shazia Bibi", "phone": "0300-1234567",
    }, follow=True)  # fmt: skip
    complaint = Complaint.objects.get()
    assert (complaint.channel, complaint.name, complaint.phone, complaint.assigned_to) == (
        Channel.PORTAL, "Shazia Bibi", "+923001234567", officer)  # fmt: skip
    assert complaint.language == "en"
    assert complaint.tracking_number in response.content.decode()


def test_an_anonymous_complaint_from_the_portal_keeps_no_name(client, district_a):
    client.post(SUBMIT, {
        "category": category("harassment").pk, "description": "Women are insulted at the campsite", "district": district_a.pk,
        "anonymous": "on", "name": "Should not be kept", "cnic": "35202-1234567-1",
    })  # fmt: skip
    complaint = Complaint.objects.get()
    assert (complaint.anonymous, complaint.name, complaint.cnic, complaint.phone) == (True, "", "", "")


def test_a_complaint_in_urdu_is_kept_in_urdu_and_the_page_reads_right_to_left(client, district_a):
    client.cookies["django_language"] = "ur"
    page = client.get(SUBMIT)
    assert 'dir="rtl"' in page.content.decode()
    client.post(SUBMIT, {"category": category("other").pk, "description": "شکایت", "district": district_a.pk})
    assert Complaint.objects.get().language == "ur"


def test_a_form_with_problems_is_shown_again_saying_what_is_wrong(client, district_a):
    page = client.post(SUBMIT, {"category": category("other").pk, "description": "x", "district": district_a.pk,
                                "phone": "12345"})  # fmt: skip
    assert "The mobile number must be a Pakistani mobile number" in page.content.decode()
    assert not Complaint.objects.exists()


def test_too_many_complaints_from_one_address_are_refused(client, district_a, settings):
    data = {"category": category("other").pk, "description": "x", "district": district_a.pk}
    for _ in range(20):
        client.post(SUBMIT, data)
    assert client.post(SUBMIT, data).context["refusal"] == MSG_TOO_MANY
    assert Complaint.objects.count() == 20


def test_the_tracking_page_needs_the_phone_the_complaint_was_made_from(client, district_a):
    complaint = receive(district=district_a)
    wrong = client.post(TRACK, {"number": complaint.tracking_number, "phone": "0311-0000000"})
    assert wrong.context["complaint"] is None and 'data-testid="not-found"' in wrong.content.decode()
    right = client.post(TRACK, {"number": complaint.tracking_number.lower(), "phone": "0300-1234567"})
    assert right.context["complaint"] == complaint
    assert f">{complaint.get_status_display()}<" in right.content.decode()


def test_an_anonymous_complaint_without_a_phone_is_followed_by_its_number_alone(client, district_a):
    complaint = receive(district=district_a, anonymous=True, phone="")
    assert client.post(TRACK, {"number": complaint.tracking_number}).context["complaint"] == complaint


def test_the_complainant_reads_the_resolution_and_appeals_once(client, district_a, officer, supervisor):
    complaint = receive(district=district_a)
    complaint_resolve(acting_user=officer, complaint=complaint, resolution="Paid again on 5 March.")
    page = client.post(TRACK, {"number": complaint.tracking_number, "phone": "03001234567"})
    assert (
        "Paid again on 5 March." in page.content.decode() and 'name="appeal-reason"' in page.content.decode()
    )
    appealed = client.post(TRACK, {"number": complaint.tracking_number, "phone": "03001234567", "action": "appeal",
                                   "appeal-reason": "Nothing at the branch"})  # fmt: skip
    assert appealed.context["appealed"]
    complaint.refresh_from_db()
    assert (complaint.status, complaint.assigned_to) == (ComplaintStatus.APPEALED, supervisor)
    assert 'name="appeal-reason"' not in appealed.content.decode()  # once


def test_the_tracking_page_shows_the_steps_but_not_who_inside_took_them(client, district_a, officer):
    complaint = receive(district=district_a, phone="")
    page = client.post(TRACK, {"number": complaint.tracking_number}).content.decode()
    assert "Received" in page and "officer_a" not in page
