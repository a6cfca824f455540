"""Conditionality pages: importing the files of schools and health centres (with the report of every
line refused), a programme's quarters evaluated (an evaluation runs as a job the browser follows) and
the results of one (who was suspended, who resumed, and why), and a health visit recorded from a
household's page. Views parse the request, check
permission, call one selector or service and render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ehsaas.core.choices import JobStatus
from ehsaas.core.selectors import job_get_for_user, jobs_for_user
from ehsaas.programs import services
from ehsaas.programs.choices import ComplianceAction
from ehsaas.programs.compliance import ComplianceFileRefused
from ehsaas.programs.forms import ComplianceFileForm, EvaluateForm, HealthVisitForm
from ehsaas.programs.quarters import last_ended_quarter
from ehsaas.programs.selectors import (
    compliance_files_for_user,
    condition_evaluation_get_for_user,
    condition_evaluations_for_user,
    condition_outcomes_for_user,
    programme_get_for_user,
)
from ehsaas.programs.tasks import EVALUATION_KIND
from ehsaas.registry.selectors import household_get_for_user, members_for_user

PAGE = 50
SHOWN_PROBLEMS = 1000  # lines listed on the page; the command lists them all


@login_required
def compliance_files(request: HttpRequest) -> HttpResponse:
    """Upload a school's or a health centre's file; the recent files below."""
    files = compliance_files_for_user(user=request.user)[:20]
    form = ComplianceFileForm(request.POST or None, request.FILES or None)
    refused = None
    if request.method == "POST":
        if not request.user.has_perm("programs.record_compliance"):
            raise PermissionDenied
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                result = services.compliance_file_import(
                    acting_user=request.user, kind=form.cleaned_data["kind"], data=upload.read(),
                    file_name=upload.name,
                )  # fmt: skip
            except ComplianceFileRefused as error:
                refused = error
            else:
                messages.success(request, _(
                    "%(file)s imported: %(new)s new, %(changed)s corrected, %(unchanged)s already recorded."
                ) % {"file": upload.name, **result.as_dict()})  # fmt: skip
                return redirect("programs:compliance")
    return render(request, "programs/compliance.html", {
        "form": form, "files": files, "refused": refused,
        "problems": refused.problems[:SHOWN_PROBLEMS] if refused else [],
        "more": max(len(refused.problems) - SHOWN_PROBLEMS, 0) if refused else 0,
    })  # fmt: skip


@login_required
def condition_evaluations(request: HttpRequest, code: str) -> HttpResponse:
    """The programme's quarters evaluated, the form to evaluate one, and the evaluations the reader
    started that are still running."""
    programme = programme_get_for_user(user=request.user, code=code)
    evaluations = condition_evaluations_for_user(user=request.user, programme=programme)
    form = EvaluateForm(initial={"quarter": str(last_ended_quarter(timezone.localdate()))})
    running = jobs_for_user(user=request.user).filter(
        kind=EVALUATION_KIND,
        params__programme=programme.code,
        status__in=(JobStatus.QUEUED, JobStatus.RUNNING),
    )
    return render(request, "programs/evaluations.html", {
        "programme": programme, "evaluations": evaluations, "form": form, "running": running,
        "conditions": programme.condition_rules.all(),
    })  # fmt: skip


@login_required
@require_POST
@permission_required("programs.evaluate_conditions", raise_exception=True)
def condition_evaluate(request: HttpRequest, code: str) -> HttpResponse:
    """Queue the quarter's evaluation and follow its job; a quarter that cannot be evaluated is refused
    on the evaluations page, and nothing is queued."""
    programme = programme_get_for_user(user=request.user, code=code)
    form = EvaluateForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors.get("quarter", [])))
        return redirect("programs:evaluations", code=code)
    try:
        job = services.conditions_evaluation_start(
            acting_user=request.user, programme=programme, quarter=form.cleaned_data["quarter"]
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("programs:evaluations", code=code)
    return redirect("job_detail", pk=job.pk)


@login_required
def evaluation_of_job(request: HttpRequest, pk: int) -> HttpResponse:
    """The evaluation a job made (a job's page links to its report by the job's number)."""
    job = job_get_for_user(user=request.user, pk=pk)
    if job.kind != EVALUATION_KIND or "quarter" not in job.result:
        raise Http404
    return redirect("programs:evaluation", code=job.result["programme"], quarter=job.result["quarter"])


@login_required
def condition_evaluation(request: HttpRequest, code: str, quarter: str) -> HttpResponse:
    programme = programme_get_for_user(user=request.user, code=code)
    evaluation = condition_evaluation_get_for_user(user=request.user, programme=programme, quarter=quarter)
    shown = request.GET.get("action") or ""
    outcomes = condition_outcomes_for_user(
        user=request.user, evaluation=evaluation, action=shown if shown in ComplianceAction.values else None
    )
    page = Paginator(outcomes, PAGE).get_page(request.GET.get("page"))
    return render(request, "programs/evaluation.html", {
        "programme": programme, "evaluation": evaluation, "page": page, "shown": shown,
        "actions": ComplianceAction.choices,
    })  # fmt: skip


@login_required
@require_POST
@permission_required("programs.record_health_visit", raise_exception=True)
def health_visit_record(request: HttpRequest, pk: int) -> HttpResponse:
    household = household_get_for_user(user=request.user, pk=pk)
    form = HealthVisitForm(request.POST, household=household)
    if form.is_valid():
        member = members_for_user(user=request.user).get(pk=form.cleaned_data["member"].pk)
        try:
            services.health_visit_record(
                acting_user=request.user, member=member, kind=form.cleaned_data["kind"],
                visited_on=form.cleaned_data["visited_on"], centre=form.cleaned_data["centre"],
            )  # fmt: skip
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Visit recorded."))
    else:
        messages.error(request, _("Choose the person, the visit and its date."))
    return redirect("registry:household", pk=household.pk)
