"""The staff pages: the queue with its filters and SLA colours, a complaint's page with its history and
actions, the operators' form, the re-surveys, and each role's access to them."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from ehsaas.grievances.choices import ComplaintStatus
from ehsaas.grievances.models import Category, Complaint
from ehsaas.grievances.services.handling import MSG_RESOLUTION, complaint_resolve
from ehsaas.grievances.services.resurveys import resurvey_request_open
from tests.grievances.conftest import receive
from tests.registry.records import make_family

QUEUE = reverse("grievances:queue")


@pytest.fixture
def complaint(district_a, officer, supervisor):
    return receive(
        district=district_a, description="The agent kept Rs 2,000 of my payment.", code="payment_deduction"
    )


@pytest.mark.parametrize(
    "role", ["grievance_officer", "grievance_supervisor", "investigator", "auditor", "administrator"]
)
def test_the_complaint_roles_open_the_queue(client_as, personas, role):
    assert client_as(personas[role]).get(QUEUE).status_code == 200


@pytest.mark.parametrize(
    "role",
    ["programme_officer", "finance_officer", "me_analyst", "partner", "registration_officer", "no_role"],
)
def test_other_roles_are_refused_the_queue(client_as, personas, role):
    assert client_as(personas[role]).get(QUEUE).status_code == 403


def test_the_queue_asks_a_visitor_to_sign_in(client, db):
    response = client.get(QUEUE)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_queue_shows_each_complaint_with_its_sla_colour(client_as, complaint, district_a, officer):
    late = receive(district=district_a, now=timezone.now() - timedelta(days=8))  # 7 days to resolve
    soon = receive(district=district_a, now=timezone.now() - timedelta(days=6))  # warned 2 days before
    page = client_as(officer).get(QUEUE).content.decode()
    for row, colour in ((complaint, "green"), (late, "red"), (soon, "amber")):
        start = page.index(f'data-testid="complaint-{row.tracking_number}"')
        assert f'data-sla="{colour}"' in page[start : page.index("</tr>", start)]
    assert (
        page.index(late.tracking_number)
        < page.index(soon.tracking_number)
        < page.index(complaint.tracking_number)
    )


def test_the_queue_is_filtered_by_status_category_channel_district_and_overdue(
    client_as, complaint, district_a, district_b, personas
):
    other = receive(district=district_b, code="biometric_failure", now=timezone.now() - timedelta(days=8))
    user = personas["grievance_supervisor"]

    def listed(**filters) -> set[str]:
        response = client_as(user).get(QUEUE, filters)
        return {c.tracking_number for c in response.context["page"]}

    both = {complaint.tracking_number, other.tracking_number}
    assert listed() == both
    assert listed(category="biometric_failure") == {other.tracking_number}
    assert listed(district=district_a.pk) == {complaint.tracking_number}
    assert listed(overdue="1") == {other.tracking_number}
    assert listed(channel="sms") == set()
    assert listed(status="resolved") == set()
    assert listed(mine="1") == {
        other.tracking_number
    }  # no one in district_b: it went to the nationwide supervisor


def test_htmx_gets_the_table_alone(client_as, complaint, officer):
    response = client_as(officer).get(QUEUE, {"status": "open"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert complaint.tracking_number in body and "<html" not in body


def test_the_complaint_page_shows_its_history_with_who_and_when(client_as, complaint, officer):
    client = client_as(officer)
    client.post(reverse("grievances:complaint", args=[complaint.pk]), {"action": "take"})
    page = client.get(reverse("grievances:complaint", args=[complaint.pk]))
    history = page.content.decode().split('data-testid="history"')[1]
    assert "Received" in history and "Taken up" in history and "officer_a" in history
    assert "received on the portal" in history


def test_an_officer_resolves_from_the_page_and_an_empty_reason_is_refused_with_why(
    client_as, complaint, officer
):
    client = client_as(officer)
    url = reverse("grievances:complaint", args=[complaint.pk])
    refused = client.post(url, {"action": "resolve", "resolve-resolution": ""})
    assert refused.status_code == 200
    assert str(MSG_RESOLUTION) in refused.content.decode()
    done = client.post(url, {"action": "resolve", "resolve-resolution": "Rs 2,000 returned by the agent."})
    assert done.status_code == 302
    complaint.refresh_from_db()
    assert (complaint.status, complaint.resolution) == (
        ComplaintStatus.RESOLVED,
        "Rs 2,000 returned by the agent.",
    )


def test_a_supervisor_assigns_from_the_page(client_as, complaint, supervisor, other_officer):
    client = client_as(supervisor)
    url = reverse("grievances:complaint", args=[complaint.pk])
    assert other_officer in client.get(url).context["forms"]["assign"].fields["officer"].queryset
    client.post(url, {"action": "assign", "assign-officer": other_officer.pk, "assign-note": "leave"})
    complaint.refresh_from_db()
    assert complaint.assigned_to == other_officer


def test_an_auditor_reads_a_complaint_but_is_offered_nothing_to_do(client_as, complaint, personas):
    client = client_as(personas["auditor"])
    url = reverse("grievances:complaint", args=[complaint.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert not any(page.context["may"].values())
    assert client.post(url, {"action": "resolve", "resolve-resolution": "No"}).status_code == 403


def test_a_complaint_one_may_not_see_is_not_found(
    client_as, complaint, supervisor_b, district_a, investigator
):
    assert (
        client_as(supervisor_b).get(reverse("grievances:complaint", args=[complaint.pk])).status_code == 404
    )
    sensitive = receive(district=district_a, code="misconduct")
    assert (
        client_as(supervisor_b).get(reverse("grievances:complaint", args=[sensitive.pk])).status_code == 404
    )


def test_an_exclusion_complaint_links_to_the_household_s_change_request_form_filled_in(
    client_as, district_a, officer
):
    household, head, _wife = make_family(district_a)
    complaint = receive(code="targeting", cnic=head.identifiers.get().number, name="Muhammad Aslam")
    page = client_as(officer).get(reverse("grievances:complaint", args=[complaint.pk]))
    change_url = page.context["change_url"]
    assert change_url.startswith(reverse("registry:change_new", args=[household.pk]) + "?kind=correct_field")
    form = client_as(officer).get(change_url)
    assert form.status_code == 200
    assert complaint.tracking_number in form.content.decode()


def test_an_operator_receives_a_helpline_complaint(client_as, personas, district_a, officer):
    response = client_as(personas["grievance_officer"]).post(reverse("grievances:receive"), {
        "channel": "helpline", "category": "", "description": "", "district": district_a.pk, "language": "ur",
    })  # fmt: skip
    assert response.status_code == 200 and not Complaint.objects.exists()
    payment = Category.objects.get(code="payment_not_received").pk
    response = client_as(personas["grievance_officer"]).post(reverse("grievances:receive"), {
        "channel": "helpline", "category": payment, "description": "No payment since March", "district": district_a.pk,
        "name": "Nasreen Bibi", "phone": "0301-2345678", "language": "ur", "place": "Helpline, Islamabad",
    })  # fmt: skip
    complaint = Complaint.objects.get()
    assert (complaint.channel, complaint.received_by, complaint.assigned_to) == (
        "helpline", personas["grievance_officer"], officer)  # fmt: skip
    assert response.status_code == 302


def test_a_registration_officer_takes_a_walk_in_complaint_and_is_told_its_number(
    client_as, personas, district_a
):
    harassment = Category.objects.get(code="harassment").pk
    client = client_as(personas["registration_officer"])
    response = client.post(reverse("grievances:receive"), {
        "channel": "walk_in", "category": harassment, "description": "The agent harassed us", "district": district_a.pk,
        "anonymous": "on", "language": "ur",
    }, follow=True)  # fmt: skip
    complaint = Complaint.objects.get()
    assert complaint.tracking_number in response.content.decode()
    assert response.request["PATH_INFO"] == reverse("grievances:receive")  # they may not read it afterwards


@pytest.mark.parametrize("role", ["finance_officer", "me_analyst", "auditor", "partner", "no_role"])
def test_other_roles_may_not_receive_complaints(client_as, personas, role):
    assert client_as(personas[role]).get(reverse("grievances:receive")).status_code == 403
    assert client_as(personas[role]).get(reverse("grievances:town_hall")).status_code == 403


def test_registration_officers_see_the_re_surveys_of_their_households(
    client_as, personas, district_a, officer
):
    household, head, _wife = make_family(district_a)
    complaint = receive(code="targeting", cnic=head.identifiers.get().number)
    request = resurvey_request_open(acting_user=officer, complaint=complaint, reason="Two rooms, no assets")
    client = client_as(personas["registration_officer"])
    page = client.get(reverse("grievances:resurveys"))
    assert str(household) in page.content.decode() and "Two rooms, no assets" in page.content.decode()
    client.post(reverse("grievances:resurvey_done", args=[request.pk]), {"note": "Done"})
    request.refresh_from_db()
    assert request.status == "done"
    assert client_as(personas["finance_officer"]).get(reverse("grievances:resurveys")).status_code == 403


def test_a_resolved_complaint_page_offers_an_operator_the_appeal(client_as, complaint, officer, personas):
    complaint_resolve(acting_user=officer, complaint=complaint, resolution="Returned")
    client = client_as(personas["grievance_supervisor"])
    url = reverse("grievances:complaint", args=[complaint.pk])
    assert client.get(url).context["may"]["appeal"]
    client.post(url, {"action": "appeal", "appeal-reason": "Caller says nothing was returned"})
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.APPEALED


def test_the_menu_leads_complaint_staff_to_their_pages_and_nobody_else(client_as, personas):
    officer_page = client_as(personas["grievance_officer"]).get(reverse("job_list")).content.decode()
    assert f'href="{QUEUE}"' in officer_page and f'href="{reverse("grievances:town_hall")}"' in officer_page
    desk_page = client_as(personas["registration_officer"]).get(reverse("job_list")).content.decode()
    assert f'href="{reverse("grievances:receive")}"' in desk_page and f'href="{QUEUE}"' not in desk_page
    finance_page = client_as(personas["finance_officer"]).get(reverse("job_list")).content.decode()
    assert 'href="/complaints/' not in finance_page
