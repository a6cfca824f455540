"""The change-request pages: who may open them, and the flow from request to decision."""

import pytest
from django.urls import reverse

from ehsaas.registry import choices as c
from ehsaas.registry.models import ChangeRequest, Member
from ehsaas.registry.services.changes import change_request_submit
from tests.registry.records import make_family, make_household, make_member

NEW_SON = {
    "kind": "add_member",
    "full_name": "Bilal Aslam",
    "sex": "male",
    "date_of_birth": "2010-06-01",
    "relationship": "son",
    "marital_status": "never_married",
    "education": "primary",
    "in_school": "on",
    "occupation": "student",
    "id_type": "b_form",
    "id_number": "35202-1111111-1",
    "reason": "Born after the survey; B-form seen",
}


@pytest.fixture
def family(district_a):
    return make_family(district_a, ref="HH-A-001")


@pytest.fixture
def pending(family, personas):
    household, _, wife = family
    return change_request_submit(
        acting_user=personas["registration_officer"],
        household=household,
        kind=c.ChangeKind.REMOVE_MEMBER,
        member=wife,
        payload={"cause": "left"},
        reason="Married and moved to Multan",
    )


def new_url(household):
    return reverse("registry:change_new", args=[household.pk])


def detail_url(change):
    return reverse("registry:change_detail", args=[change.pk])


# --- who may open what -------------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in(client, family, pending):
    household, _, _ = family
    for url in (new_url(household), reverse("registry:change_list"), detail_url(pending)):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("administrator", 200),
        ("registration_officer", 200),
        ("programme_officer", 200),
        ("partner", 200),
        ("finance_officer", 403),
        ("me_analyst", 403),
        ("auditor", 403),
        ("no_role", 403),
    ],
)
def test_the_request_page_is_open_to_roles_that_may_request_changes(
    client_as, personas, family, role, status
):
    household, _, _ = family
    assert client_as(personas[role]).get(new_url(household)).status_code == status


def test_a_partner_cannot_open_the_request_page_of_another_districts_household(
    client_as, personas, district_b
):
    household, _, _ = make_family(district_b)
    assert client_as(personas["partner"]).get(new_url(household)).status_code == 404


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("administrator", 200),
        ("registration_officer", 200),
        ("programme_officer", 200),
        ("partner", 200),
        ("auditor", 200),
        ("finance_officer", 403),
        ("me_analyst", 403),
        ("no_role", 403),
    ],
)
def test_the_list_and_the_request_page_are_open_to_roles_that_see_change_requests(
    client_as, personas, pending, role, status
):
    client = client_as(personas[role])
    assert client.get(reverse("registry:change_list")).status_code == status
    assert client.get(detail_url(pending)).status_code == status


def test_a_partner_sees_no_request_about_another_districts_household(client_as, personas, district_b):
    household, _, wife = make_family(district_b, ref="HH-B-777")
    change = change_request_submit(
        acting_user=personas["registration_officer"], household=household, kind=c.ChangeKind.REMOVE_MEMBER,
        member=wife, payload={"cause": "left"}, reason="Moved away",
    )  # fmt: skip
    client = client_as(personas["partner"])
    assert client.get(detail_url(change)).status_code == 404
    assert "HH-B-777" not in client.get(reverse("registry:change_list")).content.decode()


# --- the flow ----------------------------------------------------------------------------------------


def test_choosing_a_kind_fetches_its_fields_as_a_fragment(client_as, personas, family):
    household, _, _ = family
    response = client_as(personas["registration_officer"]).get(
        new_url(household), {"kind": "remove_member"}, headers={"HX-Request": "true"}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body
    assert 'name="cause"' in body
    assert "Nasreen Bibi" in body and "Muhammad Aslam" not in body  # the head is not offered for removal


def test_a_correction_shows_the_value_recorded_now(client_as, personas, family):
    household, head, _ = family
    response = client_as(personas["registration_officer"]).get(
        new_url(household),
        {"kind": "correct_field", "field": "member.full_name", "member": head.pk},
        headers={"HX-Request": "true"},
    )
    assert 'data-testid="current-value"' in response.content.decode()
    assert "Muhammad Aslam" in response.content.decode()


def test_a_request_made_on_the_page_is_approved_by_another_person(client_as, personas, family):
    household, _, _ = family
    maker = client_as(personas["registration_officer"])
    response = maker.post(new_url(household), NEW_SON)
    change = ChangeRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == detail_url(change)
    page = maker.get(detail_url(change)).content.decode()
    assert 'data-testid="frozen"' in page
    assert 'data-testid="maker-note"' in page and 'data-testid="decision-form"' not in page
    assert "Bilal Aslam" in page

    checker = client_as(personas["second_registration_officer"])
    assert 'data-testid="decision-form"' in checker.get(detail_url(change)).content.decode()
    response = checker.post(detail_url(change), {"decision": "approve", "note": "B-form checked"})

    assert response.status_code == 302
    change.refresh_from_db()
    assert change.status == c.ChangeStatus.APPROVED
    assert household.members.filter(full_name="Bilal Aslam", in_school=True).exists()


def test_a_refused_request_is_shown_again_with_the_reason_naming_the_household(
    client_as, personas, family, district_b
):
    household, _, _ = family
    other = make_household(district_b, ref="HH-B-555")
    make_member(other, "Already There", cnic="3520211111111")
    response = client_as(personas["registration_officer"]).post(new_url(household), NEW_SON)

    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-testid="form-errors"' in body and "HH-B-555" in body
    assert 'value="Bilal Aslam"' in body
    assert not ChangeRequest.objects.exists()


def test_a_move_names_the_target_household_by_its_reference(client_as, personas, family, district_a):
    household, _, wife = family
    make_household(district_a, ref="HH-A-900")
    response = client_as(personas["registration_officer"]).post(
        new_url(household),
        {"kind": "move_member", "member": wife.pk, "target_household": "HH-A-900", "relationship": "daughter",
         "reason": "Went back to her parents"},
    )  # fmt: skip
    assert response.status_code == 302
    assert ChangeRequest.objects.get().target_household.household_ref == "HH-A-900"


def test_a_move_to_an_unknown_household_says_so(client_as, personas, family):
    household, _, wife = family
    response = client_as(personas["registration_officer"]).post(
        new_url(household),
        {"kind": "move_member", "member": wife.pk, "target_household": "HH-NOPE", "relationship": "daughter",
         "reason": "x"},
    )  # fmt: skip
    assert "No household with this reference in the districts you work in." in response.content.decode()


def test_rejecting_without_a_note_is_refused_on_the_page(client_as, personas, pending):
    response = client_as(personas["second_registration_officer"]).post(
        detail_url(pending), {"decision": "reject"}
    )
    assert response.status_code == 200
    assert "a note is required" in response.content.decode()
    pending.refresh_from_db()
    assert pending.status == c.ChangeStatus.SUBMITTED


def test_the_maker_posting_a_decision_is_told_another_person_must_decide(client_as, personas, pending):
    response = client_as(personas["registration_officer"]).post(detail_url(pending), {"decision": "approve"})
    assert "another person must approve or reject it" in response.content.decode()
    assert Member.objects.get(pk=pending.member_id).status == c.MemberStatus.ACTIVE


def test_a_role_without_the_decide_permission_gets_403_when_posting_a_decision(client_as, personas, pending):
    response = client_as(personas["programme_officer"]).post(detail_url(pending), {"decision": "approve"})
    assert response.status_code == 403


def test_awaiting_my_decision_leaves_out_my_own_requests(client_as, personas, pending, family):
    household, _, _ = family
    mine = change_request_submit(
        acting_user=personas["second_registration_officer"], household=household,
        kind=c.ChangeKind.CORRECT_FIELD, payload={"target": "household", "field": "rooms", "new": 5},
        reason="Counted again",
    )  # fmt: skip
    response = client_as(personas["second_registration_officer"]).get(
        reverse("registry:change_list"), {"show": "awaiting"}
    )
    shown = [change.pk for change in response.context["page"]]
    assert shown == [pending.pk]
    assert mine.pk not in shown


def test_the_list_filters_by_status(client_as, personas, pending):
    client = client_as(personas["auditor"])
    assert [
        ch.pk for ch in client.get(reverse("registry:change_list"), {"status": "submitted"}).context["page"]
    ] == [pending.pk]
    assert list(client.get(reverse("registry:change_list"), {"status": "approved"}).context["page"]) == []


@pytest.mark.parametrize(
    ("field", "new", "stored"),
    [
        ("household.electricity", "false", False),
        ("household.walls", "pakka", "pakka"),
        ("household.rooms", "5", 5),
    ],
)
def test_a_household_correction_made_on_the_page_keeps_the_value_in_its_own_type(
    client_as, personas, family, field, new, stored
):
    household, _, _ = family
    response = client_as(personas["registration_officer"]).post(
        new_url(household),
        {"kind": "correct_field", "field": field, "new": new, "reason": "Seen at the visit"},
    )
    assert response.status_code == 302
    assert ChangeRequest.objects.get().payload["new"] == stored


def test_a_correction_overtaken_by_another_change_is_flagged_on_its_page(client_as, personas, family):
    household, _, _ = family
    change = change_request_submit(
        acting_user=personas["registration_officer"], household=household, kind=c.ChangeKind.CORRECT_FIELD,
        payload={"target": "household", "field": "rooms", "new": 5}, reason="Counted again",
    )  # fmt: skip
    household.rooms = 7
    household.save(update_fields=["rooms"])

    client = client_as(personas["second_registration_officer"])
    assert 'data-testid="changed-since"' in client.get(detail_url(change)).content.decode()
    response = client.post(detail_url(change), {"decision": "approve"})
    assert "has changed since the request was made" in response.content.decode()
