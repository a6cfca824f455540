"""Targeting pages: the PMT models (list, weights, draft, edit, submit, review, activate), starting a
scoring run, calibrating a model on a survey, simulations (what-if), and the household page's score
panel. Views parse the request, check permission, call one selector or service and render."""

import csv
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ehsaas.core.selectors import job_get_for_user, jobs_for_user
from ehsaas.targeting.choices import ModelStatus
from ehsaas.targeting.forms import CalibrationForm, PmtModelForm, ReviewForm, ScoringForm, SimulationForm
from ehsaas.targeting.indicators import INDICATORS, indicator_label
from ehsaas.targeting.models import PmtModel
from ehsaas.targeting.selectors import (
    active_pmt_model,
    household_score_for_user,
    pmt_model_get_for_user,
    pmt_models_for_user,
    scoring_runs_for_user,
    simulation_report_for_user,
    simulations_for_user,
)
from ehsaas.targeting.services import (
    CALIBRATION_KIND,
    JOB_KIND,
    calibration_start,
    pmt_model_activate,
    pmt_model_draft,
    pmt_model_edit,
    pmt_model_review,
    pmt_model_submit,
    scoring_start,
    simulation_start,
)
from ehsaas.targeting.tasks import CALIBRATION_CHART, CALIBRATION_MODEL
from ehsaas.targeting.weights_file import parse_weights

SCORABLE = (ModelStatus.ACTIVE, ModelStatus.APPROVED, ModelStatus.SUPERSEDED)


@login_required
def model_list(request: HttpRequest) -> HttpResponse:
    models = pmt_models_for_user(user=request.user).annotate(weight_count=Count("weights"))
    return render(request, "targeting/model_list.html", {"models": models, "active": active_pmt_model()})


@login_required
def model_detail(request: HttpRequest, pk: int) -> HttpResponse:
    model = pmt_model_get_for_user(user=request.user, pk=pk)
    weights = [
        {
            "code": w.indicator,
            "label": indicator_label(w.indicator),
            "group": INDICATORS[w.indicator].group if w.indicator in INDICATORS else "",
            "weight": w.weight,
            "mean": model.reference_means.get(w.indicator),
            "points": w.weight * 100 / (model.scale_high - model.scale_low),
        }
        for w in model.weights.order_by("id")
    ]
    user = request.user
    context = {
        "model": model,
        "weights": weights,
        "review_form": ReviewForm(),
        "may_edit": model.status == ModelStatus.DRAFT and user.has_perm("targeting.draft_pmtmodel"),
        "may_review": model.status == ModelStatus.SUBMITTED
        and user.has_perm("targeting.review_pmtmodel")
        and model.author_id != user.pk,
        "may_activate": model.status == ModelStatus.APPROVED
        and user.has_perm("targeting.activate_pmtmodel")
        and model.author_id != user.pk,
    }
    return render(request, "targeting/model_detail.html", context)


@login_required
@permission_required("targeting.draft_pmtmodel", raise_exception=True)
def model_new(request: HttpRequest) -> HttpResponse:
    form = PmtModelForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        parsed = form.cleaned_data["weights_file"]
        try:
            model = pmt_model_draft(
                acting_user=request.user, version=form.cleaned_data["version"], fit=parsed.fit,
                **form.model_arguments(),
            )  # fmt: skip
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Draft %(version)s saved.") % {"version": model.version})
            return redirect("targeting:model", pk=model.pk)
    return render(request, "targeting/model_form.html", {"form": form, "model": None})


@login_required
@permission_required("targeting.draft_pmtmodel", raise_exception=True)
def model_edit(request: HttpRequest, pk: int) -> HttpResponse:
    model = pmt_model_get_for_user(user=request.user, pk=pk)
    initial = {
        k: getattr(model, k)
        for k in ("version", "name", "description", "intercept", "scale_low", "scale_high")
    }
    form = PmtModelForm(request.POST or None, request.FILES or None, initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        try:
            pmt_model_edit(acting_user=request.user, model=model, **form.model_arguments())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Draft %(version)s saved.") % {"version": model.version})
            return redirect("targeting:model", pk=model.pk)
    return render(request, "targeting/model_form.html", {"form": form, "model": model})


def _step(request: HttpRequest, pk: int, step, done: str, **arguments) -> HttpResponse:
    model = pmt_model_get_for_user(user=request.user, pk=pk)
    try:
        step(acting_user=request.user, model=model, **arguments)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, done % {"version": model.version})
    return redirect("targeting:model", pk=model.pk)


@login_required
@require_POST
@permission_required("targeting.draft_pmtmodel", raise_exception=True)
def model_submit(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(request, pk, pmt_model_submit, _("%(version)s submitted for review."))


@login_required
@require_POST
@permission_required("targeting.review_pmtmodel", raise_exception=True)
def model_review(request: HttpRequest, pk: int) -> HttpResponse:
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose to approve or reject."))
        return redirect("targeting:model", pk=pk)
    approve = form.cleaned_data["decision"] == "approve"
    done = _("%(version)s approved.") if approve else _("%(version)s rejected.")
    return _step(request, pk, pmt_model_review, done, approve=approve, note=form.cleaned_data["note"])


@login_required
@require_POST
@permission_required("targeting.activate_pmtmodel", raise_exception=True)
def model_activate(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(
        request,
        pk,
        pmt_model_activate,
        _("%(version)s is now the active model. Start a scoring run to rescore."),
    )


@login_required
@permission_required("targeting.run_scoring", raise_exception=True)
def scoring(request: HttpRequest) -> HttpResponse:
    models = PmtModel.objects.filter(status__in=SCORABLE)
    form = ScoringForm(request.POST or None, models=models)
    if request.method == "POST" and form.is_valid():
        job = scoring_start(acting_user=request.user, model=form.cleaned_data["model"])
        return redirect("job_detail", pk=job.pk)
    context = {
        "form": form,
        "active": active_pmt_model(),
        "runs": scoring_runs_for_user(user=request.user)[:10],
        "jobs": jobs_for_user(user=request.user).filter(kind=JOB_KIND)[:5],
    }
    return render(request, "targeting/scoring.html", context)


@login_required
@permission_required("targeting.draft_pmtmodel", raise_exception=True)
def calibration(request: HttpRequest) -> HttpResponse:
    form = CalibrationForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        job = calibration_start(
            acting_user=request.user, households=data["households"], members=data["members"],
            cutoff=data["cutoff"], coverage=data["coverage"] / 100 if data["coverage"] else None,
            poor_share=data["poor_share"] / 100,
        )  # fmt: skip
        return redirect("job_detail", pk=job.pk)
    recent = jobs_for_user(user=request.user).filter(kind=CALIBRATION_KIND)[:10]
    return render(request, "targeting/calibration.html", {"form": form, "recent": recent})


def _calibration_job(request: HttpRequest, pk: int):
    job = job_get_for_user(user=request.user, pk=pk)
    if job.kind != CALIBRATION_KIND or not job.result.get("report"):
        raise Http404
    return job


@login_required
@permission_required("targeting.draft_pmtmodel", raise_exception=True)
def calibration_report(request: HttpRequest, pk: int) -> HttpResponse:
    """The report of a finished calibration, and saving its model as a draft."""
    job = _calibration_job(request, pk)
    form = PmtModelForm(
        request.POST or None,
        initial={"name": _("Calibrated on %(file)s") % {"file": job.params["uploaded"][0]}},
    )
    form.fields["weights_file"].required = False
    if request.method == "POST" and form.is_valid():
        fitted = parse_weights(
            (Path(job.params["folder"]) / CALIBRATION_MODEL).read_bytes(), name="model.json"
        )
        try:
            model = pmt_model_draft(
                acting_user=request.user, version=form.cleaned_data["version"], name=form.cleaned_data["name"],
                description=form.cleaned_data["description"], intercept=fitted.intercept,
                scale_low=fitted.scale_low, scale_high=fitted.scale_high, weights=fitted.weights,
                reference_means=fitted.reference_means, fit=fitted.fit,
            )  # fmt: skip
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Draft %(version)s saved.") % {"version": model.version})
            return redirect("targeting:model", pk=model.pk)
    result = job.result
    return render(
        request,
        "targeting/calibration_report.html",
        {"job": job, "result": result, "deciles": _decile_rows(result["deciles"]), "form": form},
    )


def _decile_rows(shares: list[float]) -> list[tuple[int, float]]:
    """(decile number, percent selected) for a table, poorest decile first."""
    return [(number, share * 100) for number, share in enumerate(shares, start=1)]


@login_required
@permission_required("targeting.draft_pmtmodel", raise_exception=True)
def calibration_chart(request: HttpRequest, pk: int) -> FileResponse:
    job = _calibration_job(request, pk)
    path = Path(job.params["folder"]) / CALIBRATION_CHART
    if not path.is_file():
        raise Http404
    return FileResponse(path.open("rb"), content_type="image/png")


def _scenario_initial(request: HttpRequest) -> dict:
    """The configured default scenario with the active model; or, with ?from=<simulation>, that
    simulation's scenario, to change one figure and run it again."""
    active = active_pmt_model()
    initial = {
        "model": active.version if active else None,
        "cutoff": settings.SIMULATION_CUTOFF,
        "disabled_cutoff": settings.SIMULATION_DISABLED_CUTOFF,
        "benefit": settings.SIMULATION_BENEFIT,
        "wealth_filters": True,
        "source": SimulationForm.REGISTRY,
        "poor_share": 25,
    }
    earlier = request.GET.get("from", "")
    if earlier.isdigit():
        params = (
            simulations_for_user(user=request.user)
            .filter(pk=int(earlier))
            .values_list("params", flat=True)
            .first()
        )
        if params:
            initial |= {
                key: params[key]
                for key in ("model", "cutoff", "disabled_cutoff", "benefit", "wealth_filters")
            }
            initial["poor_share"] = round(100 * params.get("poor_share", 0.25))
    return initial


@login_required
@permission_required("targeting.run_simulation", raise_exception=True)
def simulation(request: HttpRequest) -> HttpResponse:
    """Choose a scenario and start it; the simulations run so far, by anyone, to compare."""
    form = SimulationForm(
        request.POST or None, request.FILES or None, initial=_scenario_initial(request),
        models=pmt_models_for_user(user=request.user),
    )  # fmt: skip
    if request.method == "POST" and form.is_valid():
        try:
            job = simulation_start(
                acting_user=request.user, model=form.cleaned_data["model"], scenario=form.scenario(),
                **form.survey_files(),
            )  # fmt: skip
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect("job_detail", pk=job.pk)
    recent = simulations_for_user(user=request.user)[:20]
    return render(request, "targeting/simulation.html", {"form": form, "recent": recent})


@login_required
@permission_required("targeting.run_simulation", raise_exception=True)
def simulation_report(request: HttpRequest, pk: int) -> HttpResponse:
    job, report = simulation_report_for_user(user=request.user, pk=pk)
    deciles = _decile_rows(report.errors["deciles"]) if report.errors else []
    district_groups = [
        (province, [d for d in report.districts if d.province == province.code])
        for province in report.provinces
    ]
    return render(
        request,
        "targeting/simulation_report.html",
        {"job": job, "report": report, "deciles": deciles, "district_groups": district_groups},
    )


@login_required
@permission_required("targeting.run_simulation", raise_exception=True)
def simulation_districts(request: HttpRequest, pk: int) -> HttpResponse:
    """The district table of a simulation as CSV, for a spreadsheet."""
    job, report = simulation_report_for_user(user=request.user, pk=pk)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="simulation-{job.pk}-districts.csv"'
    csv.writer(response).writerows(report.district_rows())
    return response


def household_panel(*, household, user) -> dict | None:
    """The household page's score panel (registered in apps.py)."""
    view = household_score_for_user(user=user, household=household)
    if view is None:
        return None
    return {"score": view, "may_view_models": user.has_perm("targeting.view_pmtmodel")}
