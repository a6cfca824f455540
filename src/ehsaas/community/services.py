"""Writes of community feedback: sessions and town halls recorded with their issues and actions, each
action followed up; advisory boards with their members, meetings and recommendations. Each service
checks who may act (a partner only in its districts), refuses with a message constant, and records an
audit event in the same transaction. Survey rounds and their responses are in `surveys`."""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ehsaas.community.choices import ActionStatus, BoardRole, RecommendationStatus
from ehsaas.community.models import (
    AdvisoryBoard,
    AgreedAction,
    BoardMeeting,
    BoardMember,
    FeedbackSession,
    RaisedIssue,
    Recommendation,
)
from ehsaas.community.models.sessions import MSG_NOBODY_ATTENDED
from ehsaas.core.access import district_scope
from ehsaas.core.identity import InvalidIdentifier, normalize_mobile
from ehsaas.core.models import District
from ehsaas.core.services import audit_record

MSG_FUTURE_SESSION = _("A session is recorded once it has been held: %(date)s has not come yet.")
MSG_TEHSIL_ELSEWHERE = _("The tehsil %(tehsil)s is not in %(district)s.")
MSG_DUE_BEFORE_SESSION = _(
    "An action falls due after the session that agreed it: %(due)s is before %(held)s."
)
MSG_SAME_ACTION_STATUS = _("The action is %(status)s already.")
MSG_DONE_DAY_REQUIRED = _("Say on which day the action was done.")
MSG_DONE_BEFORE_SESSION = _(
    "An action is done after the session that agreed it: %(done)s is before %(held)s."
)
MSG_DONE_IN_FUTURE = _("%(date)s has not come yet: record an action as done once it is.")
MSG_DROPPED_REASON = _("Say why the action is dropped.")
MSG_BOARD_NAME_TAKEN = _("%(district)s has a board called “%(name)s” already.")
MSG_PHONE = _("Phone: %(error)s.")
MSG_JOINED_IN_FUTURE = _("%(date)s has not come yet: add a member once they have joined.")
MSG_ONE_CHAIR = _("%(name)s chairs the board: record the day they left before adding another chair.")
MSG_LEFT_ALREADY = _("%(name)s left the board on %(date)s already.")
MSG_LEFT_BEFORE_JOINING = _("%(name)s joined on %(joined)s: they cannot leave before that.")
MSG_LEFT_IN_FUTURE = _("%(date)s has not come yet: record the day a member left once they have.")
MSG_MEETING_IN_FUTURE = _("A meeting is recorded once it has been held: %(date)s has not come yet.")
MSG_MINUTES_REQUIRED = _("Write the minutes of the meeting.")
MSG_NOT_ON_BOARD = _("%(name)s was not on the board on %(date)s.")
MSG_MADE_IN_FUTURE = _("%(date)s has not come yet: record a recommendation once it is made.")
MSG_SAME_RECOMMENDATION_STATUS = _("The recommendation is %(status)s already.")
MSG_DECISION_DAY_REQUIRED = _("Say when the recommendation was %(status)s.")
MSG_DECIDED_BEFORE_MADE = _("The recommendation was made on %(made)s: it cannot be decided before that.")
MSG_DECIDED_IN_FUTURE = _("%(date)s has not come yet.")
MSG_OUTCOME_REQUIRED = {
    RecommendationStatus.IMPLEMENTED: _("Say what was done to implement the recommendation."),
    RecommendationStatus.DECLINED: _("Say why the recommendation was declined."),
}

SESSION_FIELDS = ("kind", "held_on", "district", "tehsil", "venue", "programme", "facilitator", "organisation",
                  "women", "men", "transgender", "notes")  # fmt: skip


class CommunityRefused(ValidationError):
    """A record that cannot be written as it is, with the reason why."""


def _require(user, permission: str) -> None:
    if not user.has_perm(f"community.{permission}"):
        raise PermissionDenied


def _require_district(user, district: District) -> None:
    """A partner records only in its districts (the forms offer no others)."""
    scope = district_scope(user)
    if scope is not None and district.pk not in scope:
        raise PermissionDenied


def _not_after(day: date, today: date, message) -> None:
    if day > today:
        raise CommunityRefused(message, params={"date": day.isoformat()})


# Feedback sessions and town halls.


def _check_session(fields: dict, actions: list[dict], today: date) -> None:
    _not_after(fields["held_on"], today, MSG_FUTURE_SESSION)
    tehsil, district = fields.get("tehsil"), fields["district"]
    if tehsil is not None and tehsil.district_id != district.pk:
        raise CommunityRefused(
            MSG_TEHSIL_ELSEWHERE, params={"tehsil": tehsil.name, "district": district.name}
        )
    if fields["women"] + fields["men"] + fields["transgender"] < 1:
        raise CommunityRefused(MSG_NOBODY_ATTENDED)
    for action in actions:
        _check_due(action["due_on"], fields["held_on"])


def _check_due(due_on: date, held_on: date) -> None:
    if due_on < held_on:
        raise CommunityRefused(
            MSG_DUE_BEFORE_SESSION, params={"due": due_on.isoformat(), "held": held_on.isoformat()}
        )


def _write_issues(session: FeedbackSession, issues: list[dict]) -> None:
    RaisedIssue.objects.bulk_create(
        RaisedIssue(session=session, order=order, topic=issue["topic"], description=issue["description"])
        for order, issue in enumerate(issues, start=1)
    )


@transaction.atomic
def session_record(
    *, acting_user, fields: dict, issues: list[dict], actions: list[dict], today: date | None = None
) -> FeedbackSession:
    """Record a session held, with the issues raised (in order) and the actions agreed. `fields` holds
    SESSION_FIELDS; an issue is {topic, description}; an action {description, responsible, due_on}."""
    _require(acting_user, "record_feedback")
    _require_district(acting_user, fields["district"])
    _check_session(fields, actions, today or timezone.localdate())
    session = FeedbackSession.objects.create(recorded_by=acting_user, **{name: fields.get(name) or _blank(name)
                                                                         for name in SESSION_FIELDS})  # fmt: skip
    _write_issues(session, issues)
    AgreedAction.objects.bulk_create(
        AgreedAction(
            session=session, description=a["description"], responsible=a["responsible"], due_on=a["due_on"]
        )
        for a in actions
    )
    audit_record(
        actor=acting_user, action="community.session_recorded", subject=session,
        summary=f"{session.get_kind_display()} at {session.venue} on {session.held_on}: "
        f"{session.attendance} attended, {len(issues)} issues, {len(actions)} actions",
    )  # fmt: skip
    return session


def _blank(name: str):
    """What an empty optional field is stored as."""
    return None if name in ("tehsil", "programme") else 0 if name in ("women", "men", "transgender") else ""


@transaction.atomic
def session_change(*, acting_user, session: FeedbackSession, fields: dict, issues: list[dict],
                   today: date | None = None) -> FeedbackSession:  # fmt: skip
    """Correct a session's record; its issues are replaced whole. Its actions are followed up one by one
    (action_follow_up) and stay; none may fall due before the session's (new) date."""
    _require(acting_user, "record_feedback")
    _require_district(acting_user, session.district)
    _require_district(acting_user, fields["district"])
    session = FeedbackSession.objects.select_for_update().get(pk=session.pk)
    _check_session(fields, list(session.actions.values("due_on")), today or timezone.localdate())
    changed = {}
    for name in SESSION_FIELDS:
        value = fields.get(name) or _blank(name)
        if getattr(session, name) != value:
            changed[name] = [str(getattr(session, name) or ""), str(value or "")]
            setattr(session, name, value)
    session.save(update_fields=[*SESSION_FIELDS, "updated_at"])
    session.issues.all().delete()
    _write_issues(session, issues)
    audit_record(actor=acting_user, action="community.session_changed", subject=session,
                 summary=f"Session of {session.held_on} at {session.venue} corrected", changes=changed)  # fmt: skip
    return session


@transaction.atomic
def action_add(*, acting_user, session: FeedbackSession, description: str, responsible: str,
               due_on: date) -> AgreedAction:  # fmt: skip
    """An action agreed at the session, recorded afterwards."""
    _require(acting_user, "record_feedback")
    _require_district(acting_user, session.district)
    _check_due(due_on, session.held_on)
    action = AgreedAction.objects.create(session=session, description=description, responsible=responsible,
                                         due_on=due_on)  # fmt: skip
    audit_record(actor=acting_user, action="community.action_added", subject=action,
                 summary=f"Action due {due_on} for {responsible}: {description}")  # fmt: skip
    return action


@transaction.atomic
def action_follow_up(
    *, acting_user, action: AgreedAction, status: str, done_on: date | None = None, reason: str = "",
    today: date | None = None,
) -> AgreedAction:  # fmt: skip
    """Move an action on: in progress, done (on a day between the session and today), dropped (with a
    reason), or open again."""
    _require(acting_user, "record_feedback")
    _require_district(acting_user, action.session.district)
    action = AgreedAction.objects.select_for_update().select_related("session").get(pk=action.pk)
    today = today or timezone.localdate()
    reason = (reason or "").strip()
    if status == action.status:
        raise CommunityRefused(MSG_SAME_ACTION_STATUS, params={"status": action.get_status_display().lower()})
    if status == ActionStatus.DONE:
        if done_on is None:
            raise CommunityRefused(MSG_DONE_DAY_REQUIRED)
        if done_on < action.session.held_on:
            raise CommunityRefused(MSG_DONE_BEFORE_SESSION,
                                   params={"done": done_on.isoformat(), "held": action.session.held_on.isoformat()})  # fmt: skip
        _not_after(done_on, today, MSG_DONE_IN_FUTURE)
    if status == ActionStatus.DROPPED and not reason:
        raise CommunityRefused(MSG_DROPPED_REASON)
    before = action.status
    action.status = ActionStatus(status)
    action.done_on = done_on if status == ActionStatus.DONE else None
    action.dropped_reason = reason if status == ActionStatus.DROPPED else ""
    action.save(update_fields=["status", "done_on", "dropped_reason", "updated_at"])
    audit_record(
        actor=acting_user, action="community.action_followed_up", subject=action,
        summary=f"Action {before} → {status}" + (f" on {done_on}" if done_on and status == ActionStatus.DONE else ""),
        reason=reason, changes={"status": [before, status]},
    )  # fmt: skip
    return action


# Advisory boards.


@transaction.atomic
def board_create(*, acting_user, name: str, district: District) -> AdvisoryBoard:
    _require(acting_user, "manage_board")
    _require_district(acting_user, district)
    name = name.strip()
    if AdvisoryBoard.objects.filter(district=district, name__iexact=name).exists():
        raise CommunityRefused(MSG_BOARD_NAME_TAKEN, params={"district": district.name, "name": name})
    board = AdvisoryBoard.objects.create(name=name, district=district, created_by=acting_user)
    audit_record(actor=acting_user, action="community.board_created", subject=board,
                 summary=f"Advisory board {name} in {district.name_en}")  # fmt: skip
    return board


def _require_board(user, board: AdvisoryBoard) -> None:
    _require(user, "manage_board")
    _require_district(user, board.district)


@transaction.atomic
def board_member_add(*, acting_user, board: AdvisoryBoard, name: str, role: str, sex: str, phone: str = "",
                     joined_on: date, today: date | None = None) -> BoardMember:  # fmt: skip
    _require_board(acting_user, board)
    _not_after(joined_on, today or timezone.localdate(), MSG_JOINED_IN_FUTURE)
    try:
        phone = normalize_mobile(phone) if (phone or "").strip() else ""
    except InvalidIdentifier as error:
        raise CommunityRefused(MSG_PHONE, params={"error": error}) from None
    if role == BoardRole.CHAIR:
        # Locks the board's row, so that two chairs added at once cannot both pass this check.
        AdvisoryBoard.objects.select_for_update().get(pk=board.pk)
        chair = board.members.filter(role=BoardRole.CHAIR, left_on__isnull=True).first()
        if chair is not None:
            raise CommunityRefused(MSG_ONE_CHAIR, params={"name": chair.name})
    member = BoardMember.objects.create(board=board, name=name.strip(), role=role, sex=sex, phone=phone,
                                        joined_on=joined_on)  # fmt: skip
    audit_record(actor=acting_user, action="community.board_member_added", subject=board,
                 summary=f"{member.name} joined as {role} on {joined_on}")  # fmt: skip
    return member


@transaction.atomic
def board_member_leave(
    *, acting_user, member: BoardMember, left_on: date, today: date | None = None
) -> BoardMember:
    _require_board(acting_user, member.board)
    member = BoardMember.objects.select_for_update().get(pk=member.pk)
    if member.left_on is not None:
        raise CommunityRefused(
            MSG_LEFT_ALREADY, params={"name": member.name, "date": member.left_on.isoformat()}
        )
    if left_on < member.joined_on:
        raise CommunityRefused(MSG_LEFT_BEFORE_JOINING,
                               params={"name": member.name, "joined": member.joined_on.isoformat()})  # fmt: skip
    _not_after(left_on, today or timezone.localdate(), MSG_LEFT_IN_FUTURE)
    member.left_on = left_on
    member.save(update_fields=["left_on"])
    audit_record(actor=acting_user, action="community.board_member_left", subject=member.board,
                 summary=f"{member.name} left on {left_on}")  # fmt: skip
    return member


@transaction.atomic
def board_meeting_record(*, acting_user, board: AdvisoryBoard, held_on: date, attendees: list[BoardMember],
                         minutes: str, today: date | None = None) -> BoardMeeting:  # fmt: skip
    """A meeting held, with the members present (each on the board that day) and its minutes."""
    _require_board(acting_user, board)
    _not_after(held_on, today or timezone.localdate(), MSG_MEETING_IN_FUTURE)
    if not (minutes or "").strip():
        raise CommunityRefused(MSG_MINUTES_REQUIRED)
    # As the database has them now (a member who left since the form was drawn has a day they left).
    attendees = list(BoardMember.objects.filter(pk__in=[member.pk for member in attendees]).order_by("name"))
    for member in attendees:
        if member.board_id != board.pk or not member.sat_on(held_on):
            raise CommunityRefused(
                MSG_NOT_ON_BOARD, params={"name": member.name, "date": held_on.isoformat()}
            )
    meeting = BoardMeeting.objects.create(board=board, held_on=held_on, minutes=minutes.strip(),
                                          recorded_by=acting_user)  # fmt: skip
    meeting.attendees.set(attendees)
    audit_record(actor=acting_user, action="community.board_meeting_recorded", subject=board,
                 summary=f"Meeting of {held_on}: {len(attendees)} members present")  # fmt: skip
    return meeting


@transaction.atomic
def recommendation_add(*, acting_user, board: AdvisoryBoard, text: str, made_on: date,
                       today: date | None = None) -> Recommendation:  # fmt: skip
    _require_board(acting_user, board)
    _not_after(made_on, today or timezone.localdate(), MSG_MADE_IN_FUTURE)
    recommendation = Recommendation.objects.create(board=board, text=text.strip(), made_on=made_on)
    audit_record(actor=acting_user, action="community.recommendation_made", subject=recommendation,
                 summary=f"Recommendation of {made_on}: {recommendation.text}")  # fmt: skip
    return recommendation


@transaction.atomic
def recommendation_decide(
    *, acting_user, recommendation: Recommendation, status: str, outcome: str = "", decided_on: date | None = None,
    today: date | None = None,
) -> Recommendation:  # fmt: skip
    """Record what became of a recommendation: accepted, implemented (saying what was done) or declined
    (saying why), and when; or back under consideration."""
    _require_board(acting_user, recommendation.board)
    recommendation = Recommendation.objects.select_for_update().get(pk=recommendation.pk)
    outcome = (outcome or "").strip()
    label = RecommendationStatus(status).label.lower()
    if status == recommendation.status:
        raise CommunityRefused(MSG_SAME_RECOMMENDATION_STATUS, params={"status": label})
    if status != RecommendationStatus.UNDER_CONSIDERATION:
        if decided_on is None:
            raise CommunityRefused(MSG_DECISION_DAY_REQUIRED, params={"status": label})
        if decided_on < recommendation.made_on:
            raise CommunityRefused(
                MSG_DECIDED_BEFORE_MADE, params={"made": recommendation.made_on.isoformat()}
            )
        _not_after(decided_on, today or timezone.localdate(), MSG_DECIDED_IN_FUTURE)
    if status in MSG_OUTCOME_REQUIRED and not outcome:
        raise CommunityRefused(MSG_OUTCOME_REQUIRED[status])
    before = recommendation.status
    recommendation.status = RecommendationStatus(status)
    recommendation.outcome = outcome if status != RecommendationStatus.UNDER_CONSIDERATION else ""
    recommendation.decided_on = decided_on if status != RecommendationStatus.UNDER_CONSIDERATION else None
    recommendation.save(update_fields=["status", "outcome", "decided_on", "updated_at"])
    audit_record(
        actor=acting_user, action="community.recommendation_decided", subject=recommendation,
        summary=f"Recommendation {before} → {status}" + (f" on {decided_on}" if recommendation.decided_on else ""),
        reason=outcome, changes={"status": [before, status]},
    )  # fmt: skip
    return recommendation
