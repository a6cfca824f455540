"""Taking up, resolving with a written reason, appealing once (to the supervisor), and the complainant
told by SMS at each step, in their language; re-surveys opened by exclusion complaints."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied

from ehsaas.grievances.choices import ComplaintStatus, EventKind, ResurveyStatus
from ehsaas.grievances.models import ResurveyRequest
from ehsaas.grievances.services import ComplaintRefused
from ehsaas.grievances.services.handling import (
    MSG_APPEALED_ALREADY,
    MSG_NOT_RESOLVED,
    MSG_NOT_YOURS,
    MSG_RESOLUTION,
    complaint_appeal,
    complaint_note,
    complaint_resolve,
    complaint_take,
)
from ehsaas.grievances.services.resurveys import (
    MSG_NO_FOLLOW_UP,
    MSG_RESURVEY_OPEN,
    resurvey_request_done,
    resurvey_request_open,
)
from ehsaas.messaging.models import Message
from tests.grievances.conftest import receive
from tests.registry.records import make_family

REASON = "The payment was sent again on 5 March; collect it at the HBL branch with your CNIC."


@pytest.fixture
def complaint(district_a, officer, supervisor):
    return receive(district=district_a, language="en")


def events(complaint) -> list[str]:
    return list(complaint.events.values_list("kind", flat=True))


def test_an_officer_takes_up_a_complaint_and_the_complainant_is_told_it_is_being_handled(complaint, officer):
    complaint_take(acting_user=officer, complaint=complaint)
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.IN_PROGRESS
    assert events(complaint)[-1] == EventKind.TAKEN
    message = Message.objects.get(event=f"complaint_assigned:{complaint.tracking_number}")
    assert (
        message.text
        == f"Ehsaas: complaint {complaint.tracking_number} has been given to an officer to look into."
    )


def test_an_officer_of_the_area_takes_up_a_complaint_nobody_has(district_a, other_officer):
    waiting = receive(district=district_a)
    assert waiting.status == ComplaintStatus.RECEIVED
    complaint_take(acting_user=other_officer, complaint=waiting)
    waiting.refresh_from_db()
    assert waiting.assigned_to == other_officer


def test_another_officer_cannot_take_or_resolve_a_complaint_someone_has(complaint, officer, other_officer):
    with pytest.raises(PermissionDenied):  # it is not in other_officer's queue at all
        complaint_take(acting_user=other_officer, complaint=complaint)
    with pytest.raises(PermissionDenied):
        complaint_resolve(acting_user=other_officer, complaint=complaint, resolution=REASON)


def test_resolution_needs_a_written_reason(complaint, officer):
    with pytest.raises(ComplaintRefused) as refused:
        complaint_resolve(acting_user=officer, complaint=complaint, resolution="   ")
    assert refused.value.message_dict == {"resolution": [str(MSG_RESOLUTION)]}
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.ASSIGNED


def test_a_resolved_complaint_keeps_its_reason_and_the_complainant_is_sent_it(complaint, officer):
    complaint_resolve(acting_user=officer, complaint=complaint, resolution=REASON)
    complaint.refresh_from_db()
    assert (complaint.status, complaint.resolution, complaint.resolved_by) == (
        ComplaintStatus.RESOLVED,
        REASON,
        officer,
    )
    assert complaint.events.last().note == REASON
    told = Message.objects.get(event=f"complaint_resolved:{complaint.tracking_number}")
    assert REASON.rstrip(".") in told.text


def test_a_long_reason_is_cut_short_in_the_sms_and_kept_whole_on_the_complaint(complaint, officer):
    reason = "The agent returned the money deducted, in front of the tehsil officer. " * 4

    complaint_resolve(acting_user=officer, complaint=complaint, resolution=reason)

    told = Message.objects.get(event=f"complaint_resolved:{complaint.tracking_number}")
    assert "…" in told.text and len(told.text) < len(reason)
    complaint.refresh_from_db()
    assert complaint.resolution == reason.strip()


def test_a_supervisor_of_the_area_resolves_a_complaint_an_officer_has(complaint, supervisor, supervisor_b):
    with pytest.raises(PermissionDenied):
        complaint_resolve(acting_user=supervisor_b, complaint=complaint, resolution=REASON)
    complaint_resolve(acting_user=supervisor, complaint=complaint, resolution=REASON)
    complaint.refresh_from_db()
    assert complaint.resolved_by == supervisor


def test_a_resolved_complaint_cannot_be_resolved_again(complaint, officer):
    complaint_resolve(acting_user=officer, complaint=complaint, resolution=REASON)
    with pytest.raises(ComplaintRefused):
        complaint_resolve(acting_user=officer, complaint=complaint, resolution="Again")


def test_an_appeal_reopens_the_complaint_with_the_area_s_supervisor_and_is_acknowledged(
    complaint, officer, supervisor
):
    complaint_resolve(acting_user=officer, complaint=complaint, resolution=REASON)
    complaint_appeal(acting_user=None, complaint=complaint, reason="There was no money at the branch.")
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.APPEALED
    assert complaint.assigned_to == complaint.supervisor == supervisor
    assert complaint.due_at == complaint.appealed_at + timedelta(days=complaint.category.sla_days)
    assert events(complaint)[-1] == EventKind.APPEALED
    assert Message.objects.filter(event=f"complaint_appeal:{complaint.tracking_number}").exists()


def test_a_complaint_is_appealed_once(complaint, officer, supervisor):
    complaint_resolve(acting_user=officer, complaint=complaint, resolution=REASON)
    complaint_appeal(acting_user=None, complaint=complaint, reason="There was no money at the branch.")
    complaint_resolve(acting_user=supervisor, complaint=complaint, resolution="Paid in cash on 9 March.")
    with pytest.raises(ComplaintRefused) as refused:
        complaint_appeal(acting_user=None, complaint=complaint, reason="Still nothing.")
    assert refused.value.messages == [str(MSG_APPEALED_ALREADY % {"number": complaint.tracking_number})]
    # Resolved on appeal, the complainant is told again: another event, not the first resolution's.
    assert Message.objects.filter(event=f"complaint_resolved-on-appeal:{complaint.tracking_number}").exists()


def test_an_open_complaint_cannot_be_appealed(complaint):
    with pytest.raises(ComplaintRefused) as refused:
        complaint_appeal(acting_user=None, complaint=complaint, reason="Too slow")
    assert refused.value.messages == [str(MSG_NOT_RESOLVED % {"number": complaint.tracking_number})]


def test_staff_who_take_appeals_need_the_right_to_receive_complaints(complaint, officer, personas):
    complaint_resolve(acting_user=officer, complaint=complaint, resolution=REASON)
    with pytest.raises(PermissionDenied):
        complaint_appeal(acting_user=personas["auditor"], complaint=complaint, reason="No")
    complaint_appeal(
        acting_user=personas["grievance_officer"], complaint=complaint, reason="By phone: no money"
    )
    assert complaint.events.last().actor == personas["grievance_officer"]


def test_the_complainant_is_told_each_step_in_their_language(district_a, officer, supervisor):
    complaint = receive(district=district_a, language="ur")
    complaint_take(acting_user=officer, complaint=complaint)
    complaint_resolve(acting_user=officer, complaint=complaint, resolution=REASON)
    complaint_appeal(acting_user=None, complaint=complaint, reason="No money")
    told = list(Message.objects.order_by("id").values_list("template", "language"))
    assert told == [("complaint_received", "ur"), ("complaint_assigned", "ur"), ("complaint_resolved", "ur"),
                    ("complaint_appeal", "ur")]  # fmt: skip


def test_notes_are_added_by_whoever_works_on_the_complaint(complaint, officer, other_officer):
    complaint_note(acting_user=officer, complaint=complaint, note="Called the complainant; she confirms.")
    assert complaint.events.last().note == "Called the complainant; she confirms."
    with pytest.raises(PermissionDenied):  # not in other_officer's queue: officer has it
        complaint_note(acting_user=other_officer, complaint=complaint, note="Not mine")


def test_one_who_sees_a_complaint_someone_else_has_is_told_who_has_it(complaint, investigator, personas):
    national_supervisor = personas["grievance_supervisor"]  # sees every complaint, and supervises them
    complaint_note(acting_user=national_supervisor, complaint=complaint, note="Checked by the national desk")
    sensitive = receive(district=complaint.district, code="fraud")
    assert sensitive.assigned_to == investigator
    with pytest.raises(ComplaintRefused) as refused:  # another investigator, who sees it but does not have it
        complaint_note(acting_user=personas["investigator"], complaint=sensitive, note="Mine?")
    assert refused.value.messages == [
        str(MSG_NOT_YOURS % {"number": sensitive.tracking_number, "officer": sensitive.assigned_to})
    ]


def test_an_exclusion_complaint_opens_a_re_survey_listed_for_registration_officers(
    district_a, officer, personas
):
    household, head, _wife = make_family(district_a)
    complaint = receive(code="targeting", cnic=head.identifiers.get().number, name="Muhammad Aslam")
    request = resurvey_request_open(acting_user=officer, complaint=complaint, reason="Two rooms, no assets.")
    assert (request.household, request.status) == (household, ResurveyStatus.OPEN)
    assert complaint.events.last().kind == EventKind.RESURVEY
    with pytest.raises(ComplaintRefused) as refused:
        resurvey_request_open(acting_user=officer, complaint=complaint, reason="Again")
    assert refused.value.messages == [str(MSG_RESURVEY_OPEN % {"household": household})]
    resurvey_request_done(
        acting_user=personas["registration_officer"], request=request, note="Surveyed 9 March"
    )
    request.refresh_from_db()
    assert (request.status, request.done_by) == (ResurveyStatus.DONE, personas["registration_officer"])


def test_only_complaints_about_targeting_or_data_open_a_re_survey(district_a, officer):
    _household, head, _wife = make_family(district_a)
    complaint = receive(code="payment_not_received", cnic=head.identifiers.get().number)
    with pytest.raises(ComplaintRefused) as refused:
        resurvey_request_open(acting_user=officer, complaint=complaint, reason="")
    assert refused.value.messages == [str(MSG_NO_FOLLOW_UP % {"category": complaint.category.name})]
    assert not ResurveyRequest.objects.exists()


def test_only_registration_officers_record_a_re_survey(district_a, officer, personas):
    _household, head, _wife = make_family(district_a)
    complaint = receive(code="targeting", cnic=head.identifiers.get().number)
    request = resurvey_request_open(acting_user=officer, complaint=complaint, reason="Left out")
    for role in ("grievance_officer", "auditor", "finance_officer"):
        with pytest.raises(PermissionDenied):
            resurvey_request_done(acting_user=personas[role], request=request)
