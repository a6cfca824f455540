"""Targeting as background work: a scoring run started from the browser (a Job the browser follows),
the rescoring of households whose data changed (the dynamic registry), the calibration of a model
on an uploaded survey, and simulations (what-if)."""

import traceback
from datetime import datetime
from pathlib import Path

import polars as pl
from django.utils.translation import gettext as _
from django_tasks import task

from ehsaas.core.models import Job
from ehsaas.core.progress import Progress
from ehsaas.core.services import job_fail, job_succeed
from ehsaas.targeting.calibration import POOR_SHARE, calibrate
from ehsaas.targeting.choices import ModelStatus, RunReason
from ehsaas.targeting.fitting import SurveyUnusable
from ehsaas.targeting.models import PmtModel
from ehsaas.targeting.runs import ScoringRefused, scoring_model, scoring_run
from ehsaas.targeting.simulation import Scenario
from ehsaas.targeting.simulation_runs import simulate_registry, simulate_survey
from ehsaas.targeting.traits import survey_traits


@task()
def score_households_job(job_id: int) -> dict:
    job = Job.objects.select_related("created_by").get(pk=job_id)
    try:
        summary = scoring_run(
            acting_user=job.created_by,
            reason=RunReason.BROWSER,
            model=scoring_model(job.params.get("model")),
            job=job,
            progress=Progress(job=job, unit="households"),
        )
    except ScoringRefused as error:
        job_fail(job=job, error=str(error))
        return {"refused": str(error)}
    except Exception:
        # The job page must say the run failed; the worker records the failure too.
        job_fail(job=job, error=traceback.format_exc())
        raise
    result = summary.as_dict()
    job_succeed(
        job=job, result=result, message=_("%(count)s households scored") % {"count": summary.households}
    )
    return result


@task()
def rescore_households(household_ids: list[int] | None = None, since: str | None = None) -> dict:
    """Rescore with the active model; `since` is an ISO timestamp (task arguments travel as JSON)."""
    model = PmtModel.objects.filter(status=ModelStatus.ACTIVE).first()
    if model is None:
        return {"households": 0}
    summary = scoring_run(
        acting_user=None,
        reason=RunReason.CHANGED,
        model=model,
        household_ids=household_ids,
        since=datetime.fromisoformat(since) if since else None,
    )
    return summary.as_dict()


def on_households_changed(*, household_ids=None, since=None, **_payload) -> None:
    """Subscriber of HOUSEHOLDS_CHANGED: queue the rescoring of the households named (or updated since
    `since`). Nothing is queued while no model is active."""
    if not PmtModel.objects.filter(status=ModelStatus.ACTIVE).exists():
        return
    rescore_households.enqueue(
        household_ids=list(household_ids) if household_ids is not None else None,
        since=since.isoformat() if since is not None else None,
    )


def _failing_the_job_on_error(job: Job, work):
    """`work()`'s result. A survey that cannot be used fails the job with the reason, and gives None;
    anything else fails it with the traceback (the job page must say it failed) and is raised."""
    try:
        return work()
    except (SurveyUnusable, pl.exceptions.PolarsError) as error:
        job_fail(job=job, error=str(error))
        return None
    except Exception:
        job_fail(job=job, error=traceback.format_exc())
        raise


CALIBRATION_CHART = "calibration.png"
CALIBRATION_MODEL = "model.json"


@task()
def calibrate_survey_job(job_id: int) -> dict:
    """Fit and judge a model on an uploaded survey; the chart and the fitted model are kept beside the
    files, the figures in the job's result."""
    job = Job.objects.get(pk=job_id)
    folder, params = Path(job.params["folder"]), job.params
    progress = Progress(job=job, unit="steps")
    progress.start(2, _("Fitting the model"))
    report = _failing_the_job_on_error(
        job,
        lambda: calibrate(
            survey_traits(folder / params["households"], folder / params["members"]),
            seed=params.get("seed", 1),
            cutoff=params.get("cutoff"),
            coverage=params.get("coverage"),
            poor_share=params.get("poor_share", POOR_SHARE),
        ),
    )
    if report is None:
        return {"refused": job.error}
    progress.advance(1, _("Drawing the chart"))
    report.chart(folder / CALIBRATION_CHART)
    (folder / CALIBRATION_MODEL).write_text(report.fitted.as_json(), encoding="utf-8")
    result = report.as_dict() | {"report": CALIBRATION_CHART}
    job_succeed(
        job=job, result=result, message=_("R² %(r2)s on held-out households") % {"r2": f"{report.r2:.3f}"}
    )
    return result


SIMULATION_KIND = "targeting.simulate"
SIMULATION_REPORT = "simulation"  # the key of the whole report in a simulation job's result


def simulation_scenario(params: dict) -> Scenario:
    return Scenario(
        cutoff=params["cutoff"],
        disabled_cutoff=params.get("disabled_cutoff"),
        benefit=params["benefit"],
        wealth_filters=params.get("wealth_filters", True),
        poor_share=params.get("poor_share", POOR_SHARE),
    )


def _simulate(job: Job, model: PmtModel | None, scenario: Scenario):
    params = job.params
    if model is None:
        raise SurveyUnusable(str(_("The model %(version)s no longer exists.") % {"version": params["model"]}))
    if not params.get("folder"):
        return simulate_registry(model, scenario, progress=Progress(job=job, unit="households"))
    folder = Path(params["folder"])
    return simulate_survey(
        model, scenario, households=folder / params["households"], members=folder / params["members"],
        source=", ".join(params["uploaded"]),
    )  # fmt: skip


@task()
def simulate_job(job_id: int) -> dict:
    """Run a what-if on the registry, or on an uploaded survey; the job's result keeps the headline
    figures (shown on the job's page) and the whole report (shown on the simulation's page)."""
    job = Job.objects.get(pk=job_id)
    params, scenario = job.params, simulation_scenario(job.params)
    model = PmtModel.objects.filter(version=params["model"]).first()
    report = _failing_the_job_on_error(job, lambda: _simulate(job, model, scenario))
    if report is None:
        return {"refused": job.error}
    total = report.total
    errors = report.errors or {}
    result = {
        "model": report.model,
        "qualifying": total.qualifying,
        "qualifying_people": total.qualifying_people,
        "quarterly_cost": total.quarterly_cost,
        **{key: errors[key] for key in ("inclusion_error", "exclusion_error") if key in errors},
        "report": SIMULATION_REPORT,
        SIMULATION_REPORT: report.as_dict(),
    }
    job_succeed(
        job=job,
        result=result,
        message=_("%(count)s households would qualify") % {"count": f"{total.qualifying:,}"},
    )
    return {"qualifying": total.qualifying}
