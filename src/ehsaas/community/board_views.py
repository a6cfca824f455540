"""Advisory board pages: the boards, a board (its members, meetings and recommendations), and the forms
that add to it. Views parse the request, check permission, call one selector or service and render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ehsaas.community import services
from ehsaas.community.forms import (
    BoardForm,
    BoardMemberForm,
    DecisionForm,
    MeetingForm,
    MemberLeftForm,
    RecommendationForm,
)
from ehsaas.community.selectors import (
    board_get_for_user,
    board_meetings,
    board_member_get_for_user,
    boards_for_user,
    recommendation_get_for_user,
)


@login_required
def board_list(request: HttpRequest) -> HttpResponse:
    boards = boards_for_user(user=request.user)
    form = BoardForm(request.POST or None, user=request.user)
    if request.method == "POST":
        if not request.user.has_perm("community.manage_board"):
            raise PermissionDenied
        if form.is_valid():
            try:
                board = services.board_create(acting_user=request.user, **form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("The board is recorded: add its members."))
                return redirect("community:board", pk=board.pk)
    return render(request, "community/boards.html", {"boards": boards, "form": form})


def _board_page(request: HttpRequest, board, **forms) -> HttpResponse:
    may_manage = request.user.has_perm("community.manage_board")
    context = {
        "board": board, "may_manage": may_manage,
        "members": board.members.all(), "meetings": board_meetings(board=board),
        "recommendations": board.recommendations.all(),
    }  # fmt: skip
    if may_manage:
        context |= {
            "member_form": BoardMemberForm(), "meeting_form": MeetingForm(board=board),
            "recommendation_form": RecommendationForm(), "left_form": MemberLeftForm(),
            "decision_form": DecisionForm(),
        } | forms  # fmt: skip
    return render(request, "community/board.html", context)


@login_required
def board_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _board_page(request, board_get_for_user(user=request.user, pk=pk))


def _added(request: HttpRequest, board, form, service, done: str, form_name: str) -> HttpResponse:
    """Call `service` with the form's data; back to the board, or the board's page with the form's
    errors."""
    if form.is_valid():
        try:
            service(acting_user=request.user, board=board, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, done)
            return redirect("community:board", pk=board.pk)
    return _board_page(request, board, **{form_name: form})


@login_required
@require_POST
@permission_required("community.manage_board", raise_exception=True)
def member_add(request: HttpRequest, pk: int) -> HttpResponse:
    board = board_get_for_user(user=request.user, pk=pk)
    return _added(request, board, BoardMemberForm(request.POST), services.board_member_add,
                  _("The member is added."), "member_form")  # fmt: skip


@login_required
@require_POST
@permission_required("community.manage_board", raise_exception=True)
def meeting_record(request: HttpRequest, pk: int) -> HttpResponse:
    board = board_get_for_user(user=request.user, pk=pk)
    return _added(request, board, MeetingForm(request.POST, board=board), services.board_meeting_record,
                  _("The meeting is recorded."), "meeting_form")  # fmt: skip


@login_required
@require_POST
@permission_required("community.manage_board", raise_exception=True)
def recommendation_add(request: HttpRequest, pk: int) -> HttpResponse:
    board = board_get_for_user(user=request.user, pk=pk)
    return _added(request, board, RecommendationForm(request.POST), services.recommendation_add,
                  _("The recommendation is recorded."), "recommendation_form")  # fmt: skip


def _changed(request: HttpRequest, board_id: int, form, service, done: str, **extra) -> HttpResponse:
    """A change to one member or recommendation: its outcome shown as a message on the board's page."""
    if form.is_valid():
        try:
            service(acting_user=request.user, **extra, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, done)
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect("community:board", pk=board_id)


@login_required
@require_POST
@permission_required("community.manage_board", raise_exception=True)
def member_left(request: HttpRequest, pk: int) -> HttpResponse:
    member = board_member_get_for_user(user=request.user, pk=pk)
    return _changed(request, member.board_id, MemberLeftForm(request.POST), services.board_member_leave,
                    _("%(name)s has left the board.") % {"name": member.name}, member=member)  # fmt: skip


@login_required
@require_POST
@permission_required("community.manage_board", raise_exception=True)
def recommendation_decide(request: HttpRequest, pk: int) -> HttpResponse:
    recommendation = recommendation_get_for_user(user=request.user, pk=pk)
    return _changed(request, recommendation.board_id, DecisionForm(request.POST), services.recommendation_decide,
                    _("What became of the recommendation is recorded."), recommendation=recommendation)  # fmt: skip
