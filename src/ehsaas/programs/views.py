"""Programme pages: the catalogue, a programme (its rules, beneficiaries and enrolment runs), configuring
one, testing its rules on households, running enrolment and deciding on the list, the beneficiaries,
and the household page's programmes panel. Views parse the request, check permission, call one
selector or service and render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ehsaas.programs import services
from ehsaas.programs.choices import BeneficiaryStatus, ChangeKind, RunStatus
from ehsaas.programs.fields import DESCRIPTIONS, rule_fields
from ehsaas.programs.forms import (
    BeneficiaryStatusForm,
    BenefitFormSet,
    ConditionFormSet,
    DecisionForm,
    HealthVisitForm,
    ProgrammeForm,
    TestHouseholdsForm,
    kept_rows,
)
from ehsaas.programs.models import Programme
from ehsaas.programs.quarters import last_ended_quarter
from ehsaas.programs.selectors import (
    beneficiaries_for_user,
    enrolment_changes,
    enrolment_run_get_for_user,
    enrolment_runs_for_user,
    household_beneficiaries,
    household_health_visits,
    programme_get_for_user,
    programme_test,
    programmes_for_user,
)

PAGE = 50


@login_required
def programme_list(request: HttpRequest) -> HttpResponse:
    return render(request, "programs/list.html", {"programmes": programmes_for_user(user=request.user)})


@login_required
def programme_detail(request: HttpRequest, code: str) -> HttpResponse:
    programme = programme_get_for_user(user=request.user, code=code)
    counts = dict(
        programme.beneficiaries.values_list("status").annotate(n=Count("id")).values_list("status", "n")
    )
    runs = (
        enrolment_runs_for_user(user=request.user).filter(programme=programme)[:10]
        if request.user.has_perm("programs.view_enrolmentrun")
        else []
    )
    return render(request, "programs/detail.html", {
        "programme": programme, "runs": runs,
        "counts": [(status, label, counts.get(status, 0)) for status, label in BeneficiaryStatus.choices],
        "benefits": programme.benefit_rules.all(), "conditions": programme.condition_rules.all(),
        "last_quarter": last_ended_quarter(timezone.localdate()),
    })  # fmt: skip


def _rule_help(unit: str, programme: Programme | None) -> list[tuple[str, str]]:
    names = rule_fields(
        unit, Programme.objects.exclude(pk=programme.pk if programme else None).values_list("code", flat=True)
    )
    return [(name, DESCRIPTIONS.get(name, _("the household has an active beneficiary in that programme")))
            for name in names]  # fmt: skip


def _configure(request: HttpRequest, programme: Programme | None) -> HttpResponse:
    initial_benefits = (
        list(programme.benefit_rules.values("kind", "label", "condition", "amount")) if programme else []
    )
    initial_conditions = (
        list(programme.condition_rules.values("kind", "minimum", "applies_when", "suspend_after"))
        if programme
        else []
    )
    form = ProgrammeForm(request.POST or None, instance=programme)
    benefits = BenefitFormSet(request.POST or None, prefix="benefit", initial=initial_benefits)
    conditions = ConditionFormSet(request.POST or None, prefix="condition", initial=initial_conditions)
    if request.method == "POST" and form.is_valid() and benefits.is_valid() and conditions.is_valid():
        try:
            saved = services.programme_save(
                acting_user=request.user, programme=programme,
                fields={name: form.cleaned_data[name] for name in ProgrammeForm.Meta.fields},
                benefits=kept_rows(benefits), conditions=kept_rows(conditions),
            )  # fmt: skip
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Programme %(name)s saved.") % {"name": saved.name})
            return redirect("programs:detail", code=saved.code)
    unit = (form.data.get("unit") if form.is_bound else None) or (programme.unit if programme else "woman")
    return render(request, "programs/form.html", {
        "form": form, "benefits": benefits, "conditions": conditions, "programme": programme,
        "fields": _rule_help(unit, programme),
    })  # fmt: skip


@login_required
@permission_required("programs.configure_programme", raise_exception=True)
def programme_new(request: HttpRequest) -> HttpResponse:
    return _configure(request, None)


@login_required
@permission_required("programs.configure_programme", raise_exception=True)
def programme_edit(request: HttpRequest, code: str) -> HttpResponse:
    return _configure(request, programme_get_for_user(user=request.user, code=code))


@login_required
@require_POST
def programme_status(request: HttpRequest, code: str, action: str) -> HttpResponse:
    programme = programme_get_for_user(user=request.user, code=code)
    try:
        services.programme_set_status(acting_user=request.user, programme=programme, action=action)
    except (ValidationError, KeyError) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
    return redirect("programs:detail", code=code)


@login_required
def programme_try(request: HttpRequest, code: str) -> HttpResponse:
    """The rules judged on households the user names (or a random sample), before activation or
    after a change; nothing is written."""
    programme = programme_get_for_user(user=request.user, code=code)
    form = TestHouseholdsForm(request.GET or None)
    units, unknown = [], []
    if form.is_bound and form.is_valid():
        units, unknown = programme_test(user=request.user, programme=programme,
                                        household_refs=form.cleaned_data["households"])  # fmt: skip
    return render(request, "programs/try.html", {"programme": programme, "form": form, "units": units,
                                                 "unknown": unknown})  # fmt: skip


def _run_started(request: HttpRequest, code: str, start) -> HttpResponse:
    """Start a run with `start` (a service) and follow its job; a refusal is shown on the programme."""
    programme = programme_get_for_user(user=request.user, code=code)
    try:
        run = start(acting_user=request.user, programme=programme)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("programs:detail", code=code)
    return redirect("job_detail", pk=run.job_id)


@login_required
@require_POST
def enrolment_start(request: HttpRequest, code: str) -> HttpResponse:
    return _run_started(request, code, services.enrolment_start)


@login_required
@require_POST
def reevaluation_start(request: HttpRequest, code: str) -> HttpResponse:
    return _run_started(request, code, services.reevaluation_start)


@login_required
def run_of_job(request: HttpRequest, pk: int) -> HttpResponse:
    """The run an enrolment job computed (a job's page links to its report by the job's number)."""
    run = enrolment_runs_for_user(user=request.user).filter(job_id=pk).first()
    if run is None:
        raise Http404
    return redirect("programs:run", pk=run.pk)


@login_required
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    run = enrolment_run_get_for_user(user=request.user, pk=pk)
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        decide = {"approve": services.enrolment_approve, "confirm": services.enrolment_confirm,
                  "reject": services.enrolment_reject}.get(request.POST.get("decision"))  # fmt: skip
        if decide is None:
            form.add_error(None, _("Choose approve, confirm or reject."))
        else:
            try:
                decide(acting_user=request.user, run=run, note=form.cleaned_data["note"])
            except ValidationError as error:
                form.add_error(None, error)
            else:
                return redirect("programs:run", pk=run.pk)
    shown = request.GET.get("change") or ""
    page = Paginator(enrolment_changes(run=run, change=shown or None), PAGE).get_page(request.GET.get("page"))
    user = request.user
    return render(request, "programs/run.html", {
        "run": run, "page": page, "form": form, "shown": shown, "kinds": ChangeKind.choices,
        "may_approve": run.status == RunStatus.READY and user.has_perm("programs.approve_enrolment"),
        "may_confirm": run.status == RunStatus.APPROVED and user.has_perm("programs.confirm_enrolment")
        and run.approved_by_id != user.pk,
    })  # fmt: skip


@login_required
def beneficiaries(request: HttpRequest, code: str) -> HttpResponse:
    programme = programme_get_for_user(user=request.user, code=code)
    shown = request.GET.get("status") or ""
    rows = beneficiaries_for_user(user=request.user, programme=programme)
    if shown in BeneficiaryStatus.values:
        rows = rows.filter(status=shown)
    page = Paginator(rows, PAGE).get_page(request.GET.get("page"))
    return render(request, "programs/beneficiaries.html", {
        "programme": programme, "page": page, "shown": shown, "statuses": BeneficiaryStatus.choices,
    })  # fmt: skip


@login_required
@require_POST
def beneficiary_status(request: HttpRequest, pk: int) -> HttpResponse:
    beneficiary = get_object_or_404(
        beneficiaries_for_user(
            user=request.user, programme=get_object_or_404(Programme, beneficiaries__pk=pk)
        ),
        pk=pk,
    )
    form = BeneficiaryStatusForm(request.POST)
    if form.is_valid():
        try:
            services.beneficiary_set_status(acting_user=request.user, beneficiary=beneficiary,
                                            status=form.cleaned_data["status"], reason=form.cleaned_data["reason"])  # fmt: skip
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Status changed."))
    else:
        messages.error(request, _("Choose a status and say why."))
    return redirect("registry:household", pk=beneficiary.household_id)


def household_panel(*, household, user) -> dict | None:
    """The household page's programmes panel (registered in apps.py)."""
    rows = household_beneficiaries(user=user, household=household)
    if not rows and not user.has_perm("programs.view_programme"):
        return None
    may_record_visit = user.has_perm("programs.record_health_visit")
    return {"beneficiaries": rows, "may_change": user.has_perm("programs.configure_programme"),
            "status_form": BeneficiaryStatusForm(), "statuses": BeneficiaryStatus.choices,
            "household": household, "visits": household_health_visits(user=user, household=household),
            "may_record_visit": may_record_visit,
            "visit_form": HealthVisitForm(household=household) if may_record_visit else None}  # fmt: skip
