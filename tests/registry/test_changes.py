"""Change requests: each kind of change, the maker-checker rule, freezing, and validation at both ends."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext

from ehsaas.core.models import AuditEvent
from ehsaas.core.names import name_key
from ehsaas.registry import choices as c
from ehsaas.registry.models import ChangeRequest, Identifier, Member
from ehsaas.registry.services.changes import (
    ChangeRequestError,
    change_request_approve,
    change_request_reject,
    change_request_submit,
)
from tests.registry.records import make_family, make_household, make_member, new_cnic

NEW_CHILD = {
    "full_name": "Ayesha Aslam",
    "sex": "female",
    "date_of_birth": "2015-04-10",
    "relationship": "daughter",
    "marital_status": "never_married",
    "education": "primary",
    "in_school": True,
    "occupation": "student",
    "disability": "",
    "pregnant": False,
    "lactating": False,
    "phone": "",
    "id_type": "b_form",
    "id_number": "35202-7654321-2",
}


@pytest.fixture
def family(district_a):
    return make_family(district_a, ref="HH-A-001")


@pytest.fixture
def maker(personas):
    return personas["registration_officer"]


@pytest.fixture
def checker(personas):
    return personas["second_registration_officer"]


def submit(user, household, kind, **kwargs):
    kwargs.setdefault("payload", {})
    kwargs.setdefault("reason", "Found during the household visit")
    return change_request_submit(acting_user=user, household=household, kind=kind, **kwargs)


def history(household) -> list[str]:
    events = AuditEvent.objects.filter(subject_type="registry.household", subject_id=household.pk)
    return list(events.order_by("id").values_list("action", flat=True))


def test_adding_a_member_creates_them_with_their_id_once_approved(family, maker, checker):
    household, _, _ = family
    request = submit(maker, household, c.ChangeKind.ADD_MEMBER, payload=NEW_CHILD)
    assert not household.members.filter(full_name="Ayesha Aslam").exists()

    change_request_approve(acting_user=checker, change_request=request, note="Checked the B-form")

    child = household.members.get(full_name="Ayesha Aslam")
    assert child.member_no == 3
    assert child.name_key == name_key("Ayesha Aslam")
    assert child.date_of_birth == date(2015, 4, 10)
    assert list(child.identifiers.values_list("id_type", "number", "active")) == [
        ("b_form", "3520276543212", True)
    ]
    assert history(household) == ["change.requested", "change.approved", "member.added"]
    added = AuditEvent.objects.get(action="member.added")
    assert added.reason == "Found during the household visit"
    assert added.actor == checker


def test_a_member_who_died_keeps_their_record_and_their_number_is_not_given_again(
    family, maker, checker, district_b
):
    household, _, wife = family
    number = wife.identifiers.get().number
    request = submit(maker, household, c.ChangeKind.REMOVE_MEMBER, member=wife, payload={"cause": "died"})
    change_request_approve(acting_user=checker, change_request=request)

    wife.refresh_from_db()
    assert wife.status == c.MemberStatus.DECEASED
    assert list(wife.identifiers.values_list("active", flat=True)) == [False]
    other = make_household(district_b, ref="HH-B-009")
    with pytest.raises(ChangeRequestError, match="recorded as deceased") as refused:
        submit(maker, other, c.ChangeKind.ADD_MEMBER, payload={**NEW_CHILD, "id_number": number})
    assert "HH-A-001" in refused.value.messages[0]


@pytest.mark.parametrize("cause", ["left", "duplicate"])
def test_a_member_who_left_or_was_entered_twice_frees_their_number(family, maker, checker, cause, district_b):
    household, _, wife = family
    number = wife.identifiers.get().number
    request = submit(maker, household, c.ChangeKind.REMOVE_MEMBER, member=wife, payload={"cause": cause})
    change_request_approve(acting_user=checker, change_request=request)

    wife.refresh_from_db()
    assert wife.status == c.MemberStatus.REMOVED
    other = make_household(district_b)
    request = submit(maker, other, c.ChangeKind.ADD_MEMBER, payload={**NEW_CHILD, "id_number": number})
    change_request_approve(acting_user=checker, change_request=request)
    assert Identifier.objects.get(number=number, active=True).member.household == other


def test_moving_a_member_shows_in_both_households_histories(family, maker, checker, district_a):
    household, _, wife = family
    other = make_household(district_a, ref="HH-A-002")
    make_member(other, "Ghulam Rasool", relationship=c.Relationship.HEAD)
    request = submit(
        maker, household, c.ChangeKind.MOVE_MEMBER, member=wife, target_household=other,
        payload={"relationship": "daughter"},
    )  # fmt: skip
    change_request_approve(acting_user=checker, change_request=request)

    wife.refresh_from_db()
    assert (wife.household, wife.member_no, wife.relationship) == (other, 2, "daughter")
    assert wife.identifiers.get().active
    assert history(household) == ["change.requested", "change.approved", "member.moved"]
    assert history(other) == ["change.requested", "change.approved", "member.moved"]
    moved = AuditEvent.objects.filter(action="member.moved", subject_id=other.pk).get()
    assert moved.changes["from"] == "HH-A-001" and moved.changes["to"] == "HH-A-002"


def test_changing_the_head_keeps_exactly_one_head(family, maker, checker):
    household, head, wife = family
    request = submit(
        maker, household, c.ChangeKind.CHANGE_HEAD, member=wife, payload={"old_head_relationship": "spouse"}
    )
    change_request_approve(acting_user=checker, change_request=request)

    heads = household.members.filter(relationship="head", status="active")
    assert list(heads) == [wife]
    head.refresh_from_db()
    assert head.relationship == "spouse"
    assert history(household)[-1] == "head.changed"


def test_correcting_a_household_field_records_old_and_new_and_leaves_the_source_hash(family, maker, checker):
    household, _, _ = family
    household.source_hash = "f" * 32
    household.save(update_fields=["source_hash"])
    request = submit(
        maker,
        household,
        c.ChangeKind.CORRECT_FIELD,
        payload={"target": "household", "field": "rooms", "new": "3"},
    )
    assert request.payload == {"target": "household", "field": "rooms", "old": 2, "new": 3}
    change_request_approve(acting_user=checker, change_request=request)

    household.refresh_from_db()
    assert household.rooms == 3
    assert household.source_hash == "f" * 32
    corrected = AuditEvent.objects.get(action="household.corrected")
    assert corrected.changes["rooms"] == [2, 3]


def test_correcting_a_members_name_updates_the_name_key(family, maker, checker):
    household, head, _ = family
    request = submit(
        maker, household, c.ChangeKind.CORRECT_FIELD, member=head,
        payload={"target": "member", "field": "full_name", "new": "محمد اسلم"},
    )  # fmt: skip
    change_request_approve(acting_user=checker, change_request=request)

    head.refresh_from_db()
    assert (head.full_name, head.name_key) == ("محمد اسلم", name_key("محمد اسلم"))
    assert head.name_key == name_key("Muhammad Aslam"), "the Urdu spelling keeps the Latin one's key"


def test_correcting_an_id_number_frees_the_mistaken_one(family, maker, checker):
    household, head, _ = family
    wrong = head.identifiers.get().number
    right = new_cnic()
    request = submit(
        maker, household, c.ChangeKind.CORRECT_FIELD, member=head,
        payload={"target": "member", "field": "id_number", "new": right},
    )  # fmt: skip
    assert request.payload["old"] == wrong
    change_request_approve(acting_user=checker, change_request=request)

    assert list(head.identifiers.order_by("id").values_list("number", "active")) == [
        (wrong, False),
        (right, True),
    ]


def test_a_correction_is_refused_when_the_value_changed_since_the_request(family, maker, checker):
    household, _, _ = family
    request = submit(
        maker,
        household,
        c.ChangeKind.CORRECT_FIELD,
        payload={"target": "household", "field": "rooms", "new": 3},
    )
    household.rooms = 4
    household.save(update_fields=["rooms"])

    with pytest.raises(ChangeRequestError, match="changed since the request was made"):
        change_request_approve(acting_user=checker, change_request=request)
    request.refresh_from_db()
    assert request.status == c.ChangeStatus.SUBMITTED


def test_adding_a_member_with_a_cnic_held_elsewhere_is_refused_naming_that_household(
    family, maker, district_b
):
    _, head, _ = family
    other = make_household(district_b, ref="HH-B-001")
    payload = {**NEW_CHILD, "id_type": "cnic", "id_number": head.identifiers.get().number}
    with pytest.raises(ChangeRequestError) as refused:
        submit(maker, other, c.ChangeKind.ADD_MEMBER, payload=payload)
    assert "HH-A-001" in refused.value.messages[0]
    assert "Muhammad Aslam" in refused.value.messages[0]
    assert not ChangeRequest.objects.exists()


def test_an_id_number_taken_between_request_and_approval_is_refused_at_approval(
    family, maker, checker, district_b
):
    household, _, _ = family
    request = submit(maker, household, c.ChangeKind.ADD_MEMBER, payload=NEW_CHILD)
    other = make_household(district_b, ref="HH-B-002")
    make_member(other, "Someone Else", cnic="3520276543212")

    with pytest.raises(ChangeRequestError, match="HH-B-002"):
        change_request_approve(acting_user=checker, change_request=request)
    assert not household.members.filter(full_name="Ayesha Aslam").exists()


@pytest.mark.parametrize("kind", [c.ChangeKind.REMOVE_MEMBER, c.ChangeKind.MOVE_MEMBER])
def test_the_head_cannot_be_removed_or_moved_without_changing_the_head_first(family, maker, kind, district_a):
    household, head, _ = family
    other = make_household(district_a)
    with pytest.raises(ChangeRequestError, match="Change the head first"):
        submit(
            maker, household, kind, member=head, target_household=other,
            payload={"cause": "left", "relationship": "son"},
        )  # fmt: skip


def test_a_member_cannot_be_moved_to_a_household_outside_the_users_districts(family, personas, district_b):
    household, _, wife = family
    elsewhere = make_household(district_b, ref="HH-B-003")
    with pytest.raises(ChangeRequestError, match="outside the districts you work in"):
        submit(
            personas["partner"], household, c.ChangeKind.MOVE_MEMBER, member=wife, target_household=elsewhere,
            payload={"relationship": "daughter"},
        )  # fmt: skip


def test_a_partner_cannot_request_a_change_for_another_districts_household(personas, district_b):
    household, _, _ = make_family(district_b)
    with pytest.raises(Http404):
        submit(personas["partner"], household, c.ChangeKind.ADD_MEMBER, payload=NEW_CHILD)


def test_a_role_without_the_request_permission_cannot_request(family, personas):
    household, _, _ = family
    with pytest.raises(PermissionDenied):
        submit(personas["finance_officer"], household, c.ChangeKind.ADD_MEMBER, payload=NEW_CHILD)


def test_the_maker_cannot_approve_their_own_request(family, maker):
    household, _, _ = family
    request = submit(maker, household, c.ChangeKind.ADD_MEMBER, payload=NEW_CHILD)
    with pytest.raises(ChangeRequestError, match="another person must approve or reject it"):
        change_request_approve(acting_user=maker, change_request=request)
    with pytest.raises(ChangeRequestError, match="another person must approve or reject it"):
        change_request_reject(acting_user=maker, change_request=request, note="no")


def test_a_role_without_the_decide_permission_cannot_approve(family, maker, personas):
    household, _, _ = family
    request = submit(maker, household, c.ChangeKind.ADD_MEMBER, payload=NEW_CHILD)
    with pytest.raises(PermissionDenied):
        change_request_approve(acting_user=personas["programme_officer"], change_request=request)
    assert not household.members.filter(full_name="Ayesha Aslam").exists()


def test_a_rejected_request_changes_nothing_in_the_household(family, maker, checker):
    household, _, wife = family
    request = submit(maker, household, c.ChangeKind.REMOVE_MEMBER, member=wife, payload={"cause": "died"})
    change_request_reject(acting_user=checker, change_request=request, note="She is alive: seen today")

    wife.refresh_from_db()
    assert wife.status == c.MemberStatus.ACTIVE
    assert wife.identifiers.get().active
    request.refresh_from_db()
    assert (request.status, request.decided_by, request.decision_note) == (
        c.ChangeStatus.REJECTED, checker, "She is alive: seen today",
    )  # fmt: skip
    assert history(household) == ["change.requested", "change.rejected"]


def test_a_rejection_needs_a_note(family, maker, checker):
    household, _, _ = family
    request = submit(maker, household, c.ChangeKind.ADD_MEMBER, payload=NEW_CHILD)
    with pytest.raises(ChangeRequestError, match="a note is required"):
        change_request_reject(acting_user=checker, change_request=request, note="  ")


def test_a_request_is_frozen_once_submitted_only_the_decision_is_written(family, maker, checker):
    household, _, _ = family
    request = submit(maker, household, c.ChangeKind.ADD_MEMBER, payload=NEW_CHILD)
    submitted = ChangeRequest.objects.filter(pk=request.pk).values(
        "kind", "member", "target_household", "payload", "reason", "requested_by", "requested_at"
    )[0]

    with CaptureQueriesContext(connection) as queries:
        change_request_approve(acting_user=checker, change_request=request, note="ok")

    assert ChangeRequest.objects.filter(pk=request.pk).values(*submitted)[0] == submitted
    updates = [q["sql"] for q in queries if q["sql"].startswith('UPDATE "registry_changerequest"')]
    assert len(updates) == 1
    assert '"payload"' not in updates[0] and '"reason"' not in updates[0]
    assert '"decided_by_id"' in updates[0]


def test_a_decided_request_cannot_be_decided_again(family, maker, checker, personas):
    household, _, _ = family
    request = submit(maker, household, c.ChangeKind.ADD_MEMBER, payload=NEW_CHILD)
    change_request_approve(acting_user=checker, change_request=request)
    with pytest.raises(ChangeRequestError, match="already been decided"):
        change_request_reject(acting_user=personas["administrator"], change_request=request, note="late")
    assert Member.objects.filter(full_name="Ayesha Aslam").count() == 1


def test_the_maker_of_a_decided_request_is_told_it_is_already_decided(family, maker, checker):
    household, _, _ = family
    request = submit(maker, household, c.ChangeKind.ADD_MEMBER, payload=NEW_CHILD)
    change_request_approve(acting_user=checker, change_request=request)
    with pytest.raises(ChangeRequestError, match="already been decided"):
        change_request_reject(acting_user=maker, change_request=request, note="late")


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ({**NEW_CHILD, "date_of_birth": "2999-01-01"}, "Date of birth: it is in the future"),
        ({**NEW_CHILD, "id_number": "12345"}, "ID number: must be 13 digits"),
        ({**NEW_CHILD, "relationship": "head"}, "a household has exactly one head"),
        ({**NEW_CHILD, "sex": "male", "pregnant": True}, "only a female member"),
        ({**NEW_CHILD, "full_name": " "}, "Full name"),
        ({**NEW_CHILD, "phone": "12"}, "Phone: must be a Pakistani mobile number"),
    ],
)
def test_a_bad_new_member_is_refused_with_a_message_naming_the_field(family, maker, payload, message):
    household, _, _ = family
    with pytest.raises(ChangeRequestError, match=message):
        submit(maker, household, c.ChangeKind.ADD_MEMBER, payload=payload)


def test_a_request_needs_a_reason(family, maker):
    household, _, _ = family
    with pytest.raises(ChangeRequestError, match="the reason is required"):
        submit(maker, household, c.ChangeKind.ADD_MEMBER, payload=NEW_CHILD, reason="")


def test_a_correction_to_the_same_value_is_refused(family, maker):
    household, _, _ = family
    with pytest.raises(ChangeRequestError, match="the same as the current one"):
        submit(
            maker,
            household,
            c.ChangeKind.CORRECT_FIELD,
            payload={"target": "household", "field": "rooms", "new": 2},
        )


def test_the_survey_reference_cannot_be_corrected(family, maker):
    household, _, _ = family
    with pytest.raises(ChangeRequestError, match="cannot be corrected"):
        submit(
            maker, household, c.ChangeKind.CORRECT_FIELD,
            payload={"target": "household", "field": "household_ref", "new": "X"},
        )  # fmt: skip
