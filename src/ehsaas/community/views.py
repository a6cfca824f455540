"""Community pages: the report (figures by district for a period, and its CSV), the sessions and town
halls (listed, recorded with their issues and actions, corrected, and their actions followed up). Views
parse the request, check permission, call one selector or service and render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ehsaas.community import services
from ehsaas.community.choices import SessionKind
from ehsaas.community.exports import report_csv, sessions_csv
from ehsaas.community.forms import (
    ActionForm,
    ActionFormSet,
    FollowUpForm,
    IssueFormSet,
    ReportFilterForm,
    SessionFilterForm,
    SessionForm,
    kept_rows,
)
from ehsaas.community.reports import community_report, community_sessions
from ehsaas.community.selectors import (
    action_get_for_user,
    session_get_for_user,
    sessions_for_user,
    tehsils_of,
)

PAGE = 50


def _report(request: HttpRequest):
    sessions_for_user(user=request.user)  # refuses those who may not read sessions
    form = ReportFilterForm(request.GET or None, user=request.user)
    today = timezone.localdate()
    start, end = form.period(today)
    report = community_report(user=request.user, start=start, end=end, today=today,
                              district=form.choice("district"), programme=form.choice("programme"))  # fmt: skip
    return form, report


@login_required
def report(request: HttpRequest) -> HttpResponse:
    form, figures = _report(request)
    return render(request, "community/report.html", {"form": form, "report": figures,
                                                     "query": request.GET.urlencode()})  # fmt: skip


@login_required
def report_download(request: HttpRequest) -> HttpResponse:
    _form, figures = _report(request)
    return report_csv(figures)


def _sessions(request: HttpRequest):
    sessions_for_user(user=request.user)
    form = SessionFilterForm(request.GET or None, user=request.user)
    start, end = form.period(timezone.localdate())
    sessions = community_sessions(
        user=request.user, start=start, end=end, district=form.choice("district"),
        programme=form.choice("programme"), kind=form.choice("kind"),
    )  # fmt: skip
    return form, sessions, (start, end)


@login_required
def session_list(request: HttpRequest) -> HttpResponse:
    form, sessions, period = _sessions(request)
    page = Paginator(sessions, PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "community/sessions.html", {"form": form, "page": page, "period": period,
                                                       "query": query.urlencode()})  # fmt: skip


@login_required
def sessions_download(request: HttpRequest) -> HttpResponse:
    _form, sessions, _period = _sessions(request)
    return sessions_csv(sessions)


@login_required
@permission_required("community.record_feedback", raise_exception=True)
def session_new(request: HttpRequest) -> HttpResponse:
    kind = request.GET.get("kind")
    form = SessionForm(request.POST or None, user=request.user,
                       initial={"kind": kind if kind in SessionKind.values else SessionKind.FEEDBACK})  # fmt: skip
    issues = IssueFormSet(request.POST or None, prefix="issue")
    actions = ActionFormSet(request.POST or None, prefix="action")
    if request.method == "POST" and form.is_valid() and issues.is_valid() and actions.is_valid():
        try:
            session = services.session_record(acting_user=request.user, fields=form.cleaned_data,
                                               issues=kept_rows(issues), actions=kept_rows(actions))  # fmt: skip
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The session is recorded."))
            return redirect("community:session", pk=session.pk)
    return render(
        request, "community/session_form.html", {"form": form, "issues": issues, "actions": actions}
    )


@login_required
@permission_required("community.record_feedback", raise_exception=True)
def session_edit(request: HttpRequest, pk: int) -> HttpResponse:
    session = session_get_for_user(user=request.user, pk=pk)
    form = SessionForm(request.POST or None, user=request.user, instance=session)
    initial = [{"topic": issue.topic, "description": issue.description} for issue in session.issues.all()]
    issues = IssueFormSet(request.POST or None, prefix="issue", initial=initial)
    if request.method == "POST" and form.is_valid() and issues.is_valid():
        try:
            services.session_change(acting_user=request.user, session=session, fields=form.cleaned_data,
                                    issues=kept_rows(issues))  # fmt: skip
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The session is corrected."))
            return redirect("community:session", pk=session.pk)
    return render(
        request, "community/session_form.html", {"form": form, "issues": issues, "session": session}
    )


def _complaints_url() -> str:
    """The grievances' page where the complaints raised at a town hall are entered together."""
    return reverse("grievances:town_hall")


@login_required
def session_detail(request: HttpRequest, pk: int) -> HttpResponse:
    session = session_get_for_user(user=request.user, pk=pk)
    may_record = request.user.has_perm("community.record_feedback")
    actions = [(action, FollowUpForm(initial={"status": action.status, "done_on": action.done_on},
                                     prefix=f"action-{action.pk}") if may_record else None)
               for action in session.actions.all()]  # fmt: skip
    return render(request, "community/session.html", {
        "session": session, "actions": actions, "may_record": may_record,
        "action_form": ActionForm(prefix="new") if may_record else None,
        "complaints_url": _complaints_url() if session.kind == SessionKind.TOWN_HALL else None,
        "today": timezone.localdate(),
    })  # fmt: skip


@login_required
@require_POST
@permission_required("community.record_feedback", raise_exception=True)
def action_add(request: HttpRequest, pk: int) -> HttpResponse:
    session = session_get_for_user(user=request.user, pk=pk)
    form = ActionForm(request.POST, prefix="new")
    if form.is_valid():
        try:
            services.action_add(acting_user=request.user, session=session, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The action is added."))
    else:
        messages.error(request, _("Describe the action, say who is responsible and when it is due."))
    return redirect("community:session", pk=session.pk)


@login_required
@require_POST
@permission_required("community.record_feedback", raise_exception=True)
def action_follow_up(request: HttpRequest, pk: int) -> HttpResponse:
    action = action_get_for_user(user=request.user, pk=pk)
    form = FollowUpForm(request.POST, prefix=f"action-{action.pk}")
    if form.is_valid():
        try:
            action = services.action_follow_up(acting_user=request.user, action=action, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request, _("The action is now: %(status)s.") % {"status": action.get_status_display()}
            )
    else:
        messages.error(request, _("Choose a status; a date must be written year-month-day."))
    return redirect("community:session", pk=action.session_id)


@login_required
def tehsil_options(request: HttpRequest) -> HttpResponse:
    """The tehsils of the district chosen on the session form (htmx)."""
    district = request.GET.get("district", "")
    tehsils = tehsils_of(user=request.user, district_id=int(district) if district.isdigit() else None)
    return render(request, "community/_tehsil_options.html", {"tehsils": tehsils})
