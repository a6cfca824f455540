"""Feedback sessions and town halls: recorded after they are held, with attendance by sex, the issues
raised and the actions agreed; corrected later; each action followed up until done (on a day between
the session and today) or dropped (with a reason). Programme officers record anywhere, partners only in
their districts, and no other role records at all; every write leaves an audit event."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from ehsaas.community import services
from ehsaas.community.choices import ActionStatus, Topic
from ehsaas.community.models import AgreedAction, FeedbackSession, RaisedIssue
from ehsaas.core.models import AuditEvent, Tehsil
from tests.community.conftest import TODAY, record_session, session_fields

pytestmark = pytest.mark.django_db


def refusal(error) -> str:
    return " ".join(error.value.messages)


def test_a_programme_officer_records_a_town_hall_with_its_issues_and_actions(officer, district_a, kafaalat):
    tehsil = Tehsil.objects.filter(district=district_a).first()
    session = record_session(
        officer, district_a, tehsil=tehsil, programme=kafaalat,
        issues=[{"topic": Topic.DEDUCTIONS, "description": "The agent keeps Rs 500."},
                {"topic": Topic.BIOMETRICS, "description": "Thumbprints fail for older women."}],
    )  # fmt: skip

    saved = FeedbackSession.objects.get()
    assert (saved.kind, saved.district, saved.tehsil, saved.programme, saved.recorded_by) == (
        "town_hall", district_a, tehsil, kafaalat, officer,
    )  # fmt: skip
    assert (saved.women, saved.men, saved.transgender, saved.attendance) == (40, 25, 2, 67)
    assert list(saved.issues.values_list("order", "topic")) == [(1, "deductions"), (2, "biometrics")]
    action = saved.actions.get()
    assert (action.responsible, action.due_on, action.status) == (
        "District officer",
        date(2026, 5, 18),
        "open",
    )
    event = AuditEvent.objects.get(action="community.session_recorded")
    assert (event.subject_id, event.actor) == (session.pk, officer)
    assert "67 attended, 2 issues, 1 actions" in event.summary


def test_a_session_is_recorded_only_once_it_has_been_held(officer, district_a):
    with pytest.raises(ValidationError) as error:
        record_session(officer, district_a, held_on=date(2026, 5, 21))
    assert "2026-05-21 has not come yet" in refusal(error)
    assert not FeedbackSession.objects.exists()


def test_the_tehsil_must_be_in_the_session_s_district(officer, district_a):
    elsewhere = Tehsil.objects.exclude(district=district_a).first()
    with pytest.raises(ValidationError) as error:
        record_session(officer, district_a, tehsil=elsewhere)
    assert f"The tehsil {elsewhere.name_en} is not in {district_a.name_en}." in refusal(error)


def test_a_session_nobody_attended_is_refused(officer, district_a):
    with pytest.raises(ValidationError) as error:
        record_session(officer, district_a, women=0, men=0, transgender=0)
    assert "at least one woman, man or transgender person" in refusal(error)


def test_the_database_holds_that_someone_attended(officer, district_a):
    session = record_session(officer, district_a)
    with pytest.raises(IntegrityError), transaction.atomic():
        FeedbackSession.objects.filter(pk=session.pk).update(women=0, men=0, transgender=0)


def test_an_action_cannot_fall_due_before_the_session(officer, district_a):
    with pytest.raises(ValidationError) as error:
        record_session(officer, district_a, actions=[
            {"description": "Meet the bank", "responsible": "DO", "due_on": date(2026, 5, 1)}])  # fmt: skip
    assert "2026-05-01 is before 2026-05-04" in refusal(error)
    assert not FeedbackSession.objects.exists()
    assert not RaisedIssue.objects.exists()


def test_a_partner_records_in_its_own_district(partner, district_a):
    session = record_session(partner, district_a)
    assert session.recorded_by == partner


def test_a_partner_cannot_record_a_session_in_another_district(partner, district_b):
    with pytest.raises(PermissionDenied):
        record_session(partner, district_b)
    assert not FeedbackSession.objects.exists()


@pytest.mark.parametrize(
    "role", ["me_analyst", "auditor", "registration_officer", "finance_officer", "no_role"]
)
def test_readers_and_other_roles_do_not_record_sessions(personas, district_a, role):
    with pytest.raises(PermissionDenied):
        record_session(personas[role], district_a)


def test_a_correction_replaces_the_issues_and_keeps_the_actions(officer, district_a):
    session = record_session(officer, district_a)
    services.session_change(
        acting_user=officer, session=session, today=TODAY,
        fields=session_fields(district_a, venue="Union council hall", women=45),
        issues=[{"topic": Topic.TARGETING, "description": "Families left out."}],
    )  # fmt: skip

    session.refresh_from_db()
    assert (session.venue, session.women) == ("Union council hall", 45)
    assert list(session.issues.values_list("topic", flat=True)) == ["targeting"]
    assert session.actions.count() == 1
    changes = AuditEvent.objects.get(action="community.session_changed").changes
    assert changes["venue"] == ["Government Girls School", "Union council hall"]


def test_a_correction_cannot_move_the_session_after_its_actions_fall_due(officer, district_a):
    session = record_session(officer, district_a)
    with pytest.raises(ValidationError) as error:
        services.session_change(acting_user=officer, session=session, today=TODAY, issues=[],
                                fields=session_fields(district_a, held_on=date(2026, 5, 19)))  # fmt: skip
    assert "2026-05-18 is before 2026-05-19" in refusal(error)


def test_a_partner_cannot_move_a_session_to_another_district(partner, district_a, district_b):
    session = record_session(partner, district_a)
    with pytest.raises(PermissionDenied):
        services.session_change(acting_user=partner, session=session, fields=session_fields(district_b),
                                issues=[], today=TODAY)  # fmt: skip


def test_an_action_is_added_after_the_session(officer, district_a):
    session = record_session(officer, district_a, actions=[])
    services.action_add(acting_user=officer, session=session, description="Open a desk", responsible="Tehsil office",
                        due_on=date(2026, 6, 1))  # fmt: skip
    assert list(session.actions.values_list("description", "status")) == [("Open a desk", "open")]


# Following actions up.


@pytest.fixture
def action(officer, district_a) -> AgreedAction:
    return record_session(officer, district_a).actions.get()


def follow_up(user, action, status, **fields):
    return services.action_follow_up(acting_user=user, action=action, status=status, today=TODAY, **fields)


def test_an_action_moves_to_in_progress_then_done_on_a_day(officer, action):
    follow_up(officer, action, ActionStatus.IN_PROGRESS)
    done = follow_up(officer, action, ActionStatus.DONE, done_on=date(2026, 5, 17))

    assert (done.status, done.done_on, done.done_on_time()) == ("done", date(2026, 5, 17), True)
    assert list(AuditEvent.objects.filter(action="community.action_followed_up").values_list("changes", flat=True)) == [
        {"status": ["in_progress", "done"]}, {"status": ["open", "in_progress"]},
    ]  # fmt: skip


def test_done_after_the_due_date_is_done_late(officer, action):
    assert not follow_up(officer, action, ActionStatus.DONE, done_on=date(2026, 5, 19)).done_on_time()


def test_done_needs_the_day_it_was_done(officer, action):
    with pytest.raises(ValidationError) as error:
        follow_up(officer, action, ActionStatus.DONE)
    assert "Say on which day the action was done." in refusal(error)


def test_an_action_is_not_done_before_its_session_nor_in_the_future(officer, action):
    with pytest.raises(ValidationError) as before:
        follow_up(officer, action, ActionStatus.DONE, done_on=date(2026, 5, 3))
    with pytest.raises(ValidationError) as future:
        follow_up(officer, action, ActionStatus.DONE, done_on=date(2026, 5, 21))
    assert "2026-05-03 is before 2026-05-04" in refusal(before)
    assert "2026-05-21 has not come yet" in refusal(future)
    action.refresh_from_db()
    assert action.status == "open"


def test_a_dropped_action_says_why(officer, action):
    with pytest.raises(ValidationError) as error:
        follow_up(officer, action, ActionStatus.DROPPED, reason="  ")
    assert "Say why the action is dropped." in refusal(error)

    dropped = follow_up(officer, action, ActionStatus.DROPPED, reason="The bank closed the branch.")
    assert (dropped.status, dropped.dropped_reason) == ("dropped", "The bank closed the branch.")


def test_the_database_holds_that_a_dropped_action_says_why_and_a_done_one_has_its_day(action):
    with pytest.raises(IntegrityError), transaction.atomic():
        AgreedAction.objects.filter(pk=action.pk).update(status="dropped")
    with pytest.raises(IntegrityError), transaction.atomic():
        AgreedAction.objects.filter(pk=action.pk).update(status="done")


def test_an_action_reopened_forgets_its_day_done(officer, action):
    follow_up(officer, action, ActionStatus.DONE, done_on=date(2026, 5, 10))
    reopened = follow_up(officer, action, ActionStatus.OPEN)
    assert (reopened.status, reopened.done_on) == ("open", None)


def test_the_same_status_again_is_refused(officer, action):
    with pytest.raises(ValidationError) as error:
        follow_up(officer, action, ActionStatus.OPEN)
    assert "The action is open already." in refusal(error)


def test_a_partner_follows_up_only_its_districts_actions(partner, officer, district_b):
    elsewhere = record_session(officer, district_b).actions.get()
    with pytest.raises(PermissionDenied):
        follow_up(partner, elsewhere, ActionStatus.IN_PROGRESS)


def test_an_auditor_cannot_follow_up_an_action(personas, action):
    with pytest.raises(PermissionDenied):
        follow_up(personas["auditor"], action, ActionStatus.IN_PROGRESS)
