"""Reads of community feedback, for those allowed to see them. A partner (and any staff member whose
scope lists districts) sees the sessions, boards and survey responses of its districts only
(core.access.district_scope); everyone else sees them nationwide."""

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404

from ehsaas.community.models import (
    AdvisoryBoard,
    AgreedAction,
    BoardMeeting,
    BoardMember,
    FeedbackSession,
    Recommendation,
    SurveyImport,
    SurveyResponse,
    SurveyRound,
)
from ehsaas.core.access import district_scope
from ehsaas.core.models import District, Tehsil


def _require(user, permission: str) -> None:
    if not user.has_perm(f"community.{permission}"):
        raise PermissionDenied


def _in_scope(queryset: QuerySet, user, field: str = "district_id") -> QuerySet:
    scope = district_scope(user)
    return queryset if scope is None else queryset.filter(**{f"{field}__in": scope})


def districts_for_user(*, user) -> QuerySet[District]:
    """The districts a user may record in or filter by."""
    return _in_scope(District.objects.select_related("province").order_by("name_en"), user, "id")


def tehsils_of(*, user, district_id: int | None) -> QuerySet[Tehsil]:
    """The tehsils of a district the user works in (none for another district)."""
    if district_id is None:
        return Tehsil.objects.none()
    return Tehsil.objects.filter(district__in=districts_for_user(user=user), district_id=district_id)


# Sessions and town halls.


def sessions_for_user(*, user) -> QuerySet[FeedbackSession]:
    _require(user, "view_feedbacksession")
    sessions = FeedbackSession.objects.select_related("district", "tehsil", "programme", "recorded_by")
    return _in_scope(sessions, user)


def session_get_for_user(*, user, pk: int) -> FeedbackSession:
    session = (
        sessions_for_user(user=user)
        .filter(pk=pk)
        .prefetch_related("issues", Prefetch("actions", AgreedAction.objects.order_by("due_on", "id")))
        .first()
    )
    if session is None:
        raise Http404
    return session


def action_get_for_user(*, user, pk: int) -> AgreedAction:
    action = (
        AgreedAction.objects.filter(session__in=sessions_for_user(user=user).values("id"), pk=pk)
        .select_related("session", "session__district")
        .first()
    )
    if action is None:
        raise Http404
    return action


# Advisory boards.


def boards_for_user(*, user) -> QuerySet[AdvisoryBoard]:
    _require(user, "view_advisoryboard")
    sitting = Count("members", filter=Q(members__left_on__isnull=True), distinct=True)
    boards = AdvisoryBoard.objects.select_related("district").annotate(
        sitting=sitting, recommendations_made=Count("recommendations", distinct=True)
    )
    return _in_scope(boards, user)


def board_get_for_user(*, user, pk: int) -> AdvisoryBoard:
    board = boards_for_user(user=user).filter(pk=pk).first()
    if board is None:
        raise Http404
    return board


def board_meetings(*, board: AdvisoryBoard) -> QuerySet[BoardMeeting]:
    return board.meetings.prefetch_related("attendees")


def board_member_get_for_user(*, user, pk: int) -> BoardMember:
    member = (
        BoardMember.objects.filter(board__in=boards_for_user(user=user).values("id"), pk=pk)
        .select_related("board", "board__district")
        .first()
    )
    if member is None:
        raise Http404
    return member


def recommendation_get_for_user(*, user, pk: int) -> Recommendation:
    recommendation = (
        Recommendation.objects.filter(board__in=boards_for_user(user=user).values("id"), pk=pk)
        .select_related("board", "board__district")
        .first()
    )
    if recommendation is None:
        raise Http404
    return recommendation


# Satisfaction surveys. A round is the programme's, seen by every reader; its responses are scoped.


def survey_rounds_for_user(*, user) -> QuerySet[SurveyRound]:
    _require(user, "view_surveyround")
    responses = Count("responses", filter=Q(responses__in=survey_responses_for_user(user=user).values("id")))
    return SurveyRound.objects.select_related("programme").annotate(response_count=responses)


def survey_round_get_for_user(*, user, pk: int) -> SurveyRound:
    survey_round = survey_rounds_for_user(user=user).filter(pk=pk).first()
    if survey_round is None:
        raise Http404
    return survey_round


def survey_responses_for_user(*, user) -> QuerySet[SurveyResponse]:
    _require(user, "view_surveyround")
    return _in_scope(SurveyResponse.objects.all(), user)


def survey_imports_for_user(*, user, survey_round: SurveyRound) -> QuerySet[SurveyImport]:
    """The files imported into a round: all of them nationwide, a scoped user's own otherwise."""
    imports = survey_round.imports.select_related("imported_by")
    return imports if district_scope(user) is None else imports.filter(imported_by=user)
