"""Community advisory boards: a board of a district with its members (one chair at a time, a phone
written the Pakistani way, the day each joined and left), its meetings (only members on the board that
day were present) and its recommendations with what became of each (implemented says what was done,
declined says why, both say when). Programme officers and partners (in their districts) keep boards."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from ehsaas.community import services
from ehsaas.community.choices import BoardRole, RecommendationStatus, Sex
from ehsaas.community.models import AdvisoryBoard, BoardMember, Recommendation
from ehsaas.core.models import AuditEvent
from tests.community.conftest import TODAY, record_board

pytestmark = pytest.mark.django_db


def refusal(error) -> str:
    return " ".join(error.value.messages)


@pytest.fixture
def board(officer, district_a) -> AdvisoryBoard:
    return record_board(officer, district_a)


def add_member(user, board, name="Shahida Parveen", role=BoardRole.MEMBER, sex=Sex.FEMALE, phone="",
               joined_on=date(2025, 1, 10)) -> BoardMember:  # fmt: skip
    return services.board_member_add(acting_user=user, board=board, name=name, role=role, sex=sex, phone=phone,
                                     joined_on=joined_on, today=TODAY)  # fmt: skip


def test_a_board_is_recorded_in_a_district_and_its_name_is_unique_there(
    officer, district_a, district_b, board
):
    assert (board.district, board.created_by) == (district_a, officer)
    with pytest.raises(ValidationError) as error:
        record_board(officer, district_a, name="LAHORE WOMEN'S BOARD")
    assert "has a board called" in refusal(error)
    assert record_board(officer, district_b).district == district_b


def test_a_partner_keeps_boards_only_in_its_districts(partner, district_a, district_b):
    assert record_board(partner, district_a).district == district_a
    with pytest.raises(PermissionDenied):
        record_board(partner, district_b, name="Elsewhere")


@pytest.mark.parametrize("role", ["me_analyst", "auditor", "registration_officer", "no_role"])
def test_readers_and_other_roles_do_not_keep_boards(personas, district_a, role):
    with pytest.raises(PermissionDenied):
        record_board(personas[role], district_a)


def test_a_member_joins_with_a_phone_written_any_usual_way(officer, board):
    member = add_member(officer, board, phone="0300-1234567")
    assert (member.phone, member.sex, member.left_on) == ("+923001234567", "female", None)
    assert AuditEvent.objects.filter(action="community.board_member_added", subject_id=board.pk).exists()


def test_a_phone_that_is_not_a_mobile_number_is_refused(officer, board):
    with pytest.raises(ValidationError) as error:
        add_member(officer, board, phone="042-111")
    assert "Phone: must be a Pakistani mobile number" in refusal(error)
    assert not board.members.exists()


def test_a_member_who_has_not_joined_yet_is_refused(officer, board):
    with pytest.raises(ValidationError) as error:
        add_member(officer, board, joined_on=date(2026, 6, 1))
    assert "2026-06-01 has not come yet" in refusal(error)


def test_a_board_has_one_chair_at_a_time(officer, board):
    first = add_member(officer, board, role=BoardRole.CHAIR)
    with pytest.raises(ValidationError) as error:
        add_member(officer, board, name="Nasreen Akhtar", role=BoardRole.CHAIR)
    assert "Shahida Parveen chairs the board" in refusal(error)

    services.board_member_leave(acting_user=officer, member=first, left_on=date(2026, 3, 1), today=TODAY)
    assert add_member(officer, board, name="Nasreen Akhtar", role=BoardRole.CHAIR).role == "chair"


def test_the_database_holds_one_sitting_chair(officer, board):
    add_member(officer, board, role=BoardRole.CHAIR)
    with pytest.raises(IntegrityError), transaction.atomic():
        BoardMember.objects.create(board=board, name="Other", role=BoardRole.CHAIR, sex=Sex.MALE,
                                   joined_on=date(2025, 1, 1))  # fmt: skip


def test_a_member_leaves_once_after_joining_and_not_in_the_future(officer, board):
    member = add_member(officer, board)
    leave = services.board_member_leave
    with pytest.raises(ValidationError) as early:
        leave(acting_user=officer, member=member, left_on=date(2025, 1, 9), today=TODAY)
    with pytest.raises(ValidationError) as future:
        leave(acting_user=officer, member=member, left_on=date(2026, 5, 21), today=TODAY)
    leave(acting_user=officer, member=member, left_on=date(2026, 4, 30), today=TODAY)
    with pytest.raises(ValidationError) as twice:
        leave(acting_user=officer, member=member, left_on=date(2026, 5, 1), today=TODAY)

    assert "joined on 2025-01-10: they cannot leave before that" in refusal(early)
    assert "2026-05-21 has not come yet" in refusal(future)
    assert "left the board on 2026-04-30 already" in refusal(twice)
    member.refresh_from_db()
    assert member.left_on == date(2026, 4, 30)


# Meetings.


def test_a_meeting_records_the_members_present_and_the_minutes(officer, board):
    chair = add_member(officer, board, role=BoardRole.CHAIR)
    secretary = add_member(officer, board, name="Muhammad Yousaf", role=BoardRole.SECRETARY, sex=Sex.MALE)
    meeting = services.board_meeting_record(acting_user=officer, board=board, held_on=date(2026, 4, 2),
                                            attendees=[chair, secretary], minutes="Agents' deductions.", today=TODAY)  # fmt: skip
    assert set(meeting.attendees.all()) == {chair, secretary}
    assert meeting.minutes == "Agents' deductions."


def test_only_members_on_the_board_that_day_were_present(officer, board, district_a):
    gone = add_member(officer, board, name="Gone Before")
    services.board_member_leave(acting_user=officer, member=gone, left_on=date(2026, 3, 1), today=TODAY)
    later = add_member(officer, board, name="Joined Later", joined_on=date(2026, 4, 10))
    other_board = record_board(officer, district_a, name="Another board")
    stranger = add_member(officer, other_board, name="Other Board")
    for attendee in (gone, later, stranger):
        with pytest.raises(ValidationError) as error:
            services.board_meeting_record(acting_user=officer, board=board, held_on=date(2026, 4, 2),
                                          attendees=[attendee], minutes="Minutes", today=TODAY)  # fmt: skip
        assert f"{attendee.name} was not on the board on 2026-04-02." in refusal(error)
    assert not board.meetings.exists()


def test_a_meeting_has_minutes_and_has_been_held(officer, board):
    with pytest.raises(ValidationError) as blank:
        services.board_meeting_record(acting_user=officer, board=board, held_on=date(2026, 4, 2), attendees=[],
                                      minutes=" ", today=TODAY)  # fmt: skip
    with pytest.raises(ValidationError) as future:
        services.board_meeting_record(acting_user=officer, board=board, held_on=date(2026, 6, 2), attendees=[],
                                      minutes="Minutes", today=TODAY)  # fmt: skip
    assert "Write the minutes of the meeting." in refusal(blank)
    assert "2026-06-02 has not come yet" in refusal(future)


# Recommendations.


@pytest.fixture
def recommendation(officer, board) -> Recommendation:
    return services.recommendation_add(acting_user=officer, board=board, text="Publish payment hours.",
                                       made_on=date(2026, 3, 5), today=TODAY)  # fmt: skip


def decide(user, recommendation, status, **fields):
    return services.recommendation_decide(acting_user=user, recommendation=recommendation, status=status,
                                          today=TODAY, **fields)  # fmt: skip


def test_a_recommendation_starts_under_consideration(recommendation):
    assert (recommendation.status, recommendation.decided_on, recommendation.outcome) == (
        "under_consideration", None, "",
    )  # fmt: skip


def test_an_implemented_recommendation_says_what_was_done_and_when(officer, recommendation):
    with pytest.raises(ValidationError) as no_day:
        decide(officer, recommendation, RecommendationStatus.IMPLEMENTED, outcome="Hours posted.")
    with pytest.raises(ValidationError) as no_outcome:
        decide(officer, recommendation, RecommendationStatus.IMPLEMENTED, decided_on=date(2026, 4, 1))
    done = decide(officer, recommendation, RecommendationStatus.IMPLEMENTED, outcome="Hours posted.",
                  decided_on=date(2026, 4, 1))  # fmt: skip

    assert "Say when the recommendation was implemented." in refusal(no_day)
    assert "Say what was done to implement the recommendation." in refusal(no_outcome)
    assert (done.status, done.outcome, done.decided_on) == ("implemented", "Hours posted.", date(2026, 4, 1))


def test_a_declined_recommendation_says_why(officer, recommendation):
    with pytest.raises(ValidationError) as error:
        decide(officer, recommendation, RecommendationStatus.DECLINED, decided_on=date(2026, 4, 1))
    assert "Say why the recommendation was declined." in refusal(error)


def test_an_accepted_recommendation_needs_only_its_day(officer, recommendation):
    accepted = decide(officer, recommendation, RecommendationStatus.ACCEPTED, decided_on=date(2026, 3, 5))
    assert (accepted.status, accepted.decided_on) == ("accepted", date(2026, 3, 5))


def test_a_recommendation_is_not_decided_before_it_was_made_nor_in_the_future(officer, recommendation):
    with pytest.raises(ValidationError) as before:
        decide(officer, recommendation, RecommendationStatus.ACCEPTED, decided_on=date(2026, 3, 4))
    with pytest.raises(ValidationError) as future:
        decide(officer, recommendation, RecommendationStatus.ACCEPTED, decided_on=date(2026, 5, 21))
    assert "made on 2026-03-05: it cannot be decided before that" in refusal(before)
    assert "2026-05-21 has not come yet" in refusal(future)


def test_back_under_consideration_forgets_the_decision(officer, recommendation):
    decide(
        officer,
        recommendation,
        RecommendationStatus.DECLINED,
        decided_on=date(2026, 4, 1),
        outcome="No budget.",
    )
    again = decide(officer, recommendation, RecommendationStatus.UNDER_CONSIDERATION)
    assert (again.status, again.decided_on, again.outcome) == ("under_consideration", None, "")
    assert AuditEvent.objects.filter(action="community.recommendation_decided").count() == 2


def test_the_database_holds_that_a_decision_has_its_day_and_an_outcome(recommendation):
    rows = Recommendation.objects.filter(pk=recommendation.pk)
    with pytest.raises(IntegrityError), transaction.atomic():
        rows.update(status="accepted")
    with pytest.raises(IntegrityError), transaction.atomic():
        rows.update(status="implemented", decided_on=date(2026, 4, 1))


def test_a_partner_cannot_decide_on_another_district_s_recommendation(partner, recommendation, district_b):
    recommendation.board.district = district_b
    recommendation.board.save(update_fields=["district"])
    with pytest.raises(PermissionDenied):
        decide(partner, recommendation, RecommendationStatus.ACCEPTED, decided_on=date(2026, 4, 1))
