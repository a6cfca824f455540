"""Programmes as background work: an enrolment run (over the whole registry, or a re-evaluation of the
households changed since the last settled run), computed by the worker while the browser follows its
Job; the re-evaluation of every active programme when households, scores or wealth flags change; and a
quarter's conditions evaluated."""

import traceback

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django_tasks import task

from ehsaas.core.models import Job
from ehsaas.core.progress import Progress
from ehsaas.core.services import audit_record, job_create, job_fail, job_start, job_succeed
from ehsaas.programs.choices import ProgrammeStatus, RunScope, RunStatus
from ehsaas.programs.enrolment import enrolment_compute
from ehsaas.programs.evaluations import conditions_evaluate
from ehsaas.programs.models import EnrolmentRun, Programme
from ehsaas.programs.reevaluation import (
    NotDue,
    reevaluation_compute,
    reevaluation_due,
    reevaluation_run_create,
)

ENROLMENT_KIND = "programs.enrol"
EVALUATION_KIND = "programs.evaluate_conditions"


@task()
def compute_enrolment_job(job_id: int) -> dict:
    job = Job.objects.get(pk=job_id)
    run = EnrolmentRun.objects.select_related("programme").get(pk=job.params["run"])
    if run.status != RunStatus.COMPUTING:  # superseded while it waited
        job_succeed(job=job, result={"run": run.pk}, message=_("Superseded by a newer run"))
        return {"run": run.pk}
    compute = reevaluation_compute if run.scope == RunScope.CHANGED else enrolment_compute
    try:
        compute(run, progress=Progress(job=job, unit="households"))
    except Exception:
        EnrolmentRun.objects.filter(pk=run.pk).update(status=RunStatus.FAILED)
        job_fail(job=job, error=traceback.format_exc())
        raise
    result = {"run": run.pk, "eligible": run.eligible, "joining": run.joining, "leaving": run.leaving,
              "report": "run"}  # fmt: skip
    if run.status == RunStatus.UNCHANGED:
        message = _("Nothing to change for the %(households)s households re-evaluated") % {
            "households": run.households
        }
    else:
        message = _("%(joining)s newly qualify, %(leaving)s no longer do") % {
            "joining": run.joining, "leaving": run.leaving,
        }  # fmt: skip
    job_succeed(job=job, result=result, message=message)
    return result


def reevaluation_queue(programme: Programme, *, acting_user=None) -> EnrolmentRun:
    """Queue a re-evaluation of `programme`, followed by a Job; raises NotDue (with the reason) when
    none is due. `acting_user` None: the platform itself, on a change."""
    with transaction.atomic():
        programme = Programme.objects.select_for_update().get(pk=programme.pk)
        since = reevaluation_due(programme)
        job = job_create(
            kind=ENROLMENT_KIND,
            acting_user=acting_user,
            params={"programme": programme.code, "scope": RunScope.CHANGED.value},
            message=str(_("Waiting for the worker")),
        )
        run = reevaluation_run_create(programme, since, started_by=acting_user, job=job)
        job.params["run"] = run.pk
        job.save(update_fields=["params"])
        audit_record(actor=acting_user, action="enrolment.reevaluation_started", subject=run,
                     summary=f"Re-evaluation of {programme.code} queued (changes since {since.isoformat()})")  # fmt: skip
        transaction.on_commit(lambda: compute_enrolment_job.enqueue(job.pk))
    return run


@task()
def reevaluate_programmes(codes: list[str] | None = None) -> dict:
    """Queue a re-evaluation of each active programme (of those named) that has one due."""
    programmes = Programme.objects.filter(status=ProgrammeStatus.ACTIVE, takes_applications=False)
    if codes is not None:
        programmes = programmes.filter(code__in=codes)
    queued = []
    for programme in programmes:
        try:
            reevaluation_queue(programme)
        except NotDue:
            continue
        queued.append(programme.code)
    return {"queued": queued}


def on_changes(**_payload) -> None:
    """Subscriber of HOUSEHOLDS_CHANGED and SCORES_CHANGED: queue the re-evaluation of the active
    programmes (each finds for itself which households changed)."""
    reevaluate_programmes.enqueue()


@task()
def evaluate_conditions_job(job_id: int) -> dict:
    """A quarter's conditions evaluated by `conditions_evaluate`, as the person who asked; a refusal
    met only now (the programme closed meanwhile, say) fails the job with its message."""
    job = Job.objects.select_related("created_by").get(pk=job_id)
    programme = Programme.objects.get(code=job.params["programme"])
    # Marked running before the evaluation's transaction, which holds its own progress until it ends.
    job_start(job=job, message=_("Evaluating %(quarter)s") % {"quarter": job.params["quarter"]})
    try:
        evaluation = conditions_evaluate(
            acting_user=job.created_by, programme=programme, quarter=job.params["quarter"],
            progress=Progress(job=job, unit="beneficiaries"),
        )  # fmt: skip
    except ValidationError as refused:
        job_fail(job=job, error=" ".join(refused.messages))
        return {}
    except PermissionDenied:
        job_fail(job=job, error=_("You may no longer evaluate this programme's conditions."))
        return {}
    except Exception:
        job_fail(job=job, error=traceback.format_exc())
        raise
    result = {"programme": programme.code, "quarter": evaluation.quarter, "judged": evaluation.judged,
              "met": evaluation.met, "missed": evaluation.missed, "suspended": evaluation.suspended,
              "resumed": evaluation.resumed, "report": "evaluation"}  # fmt: skip
    job_succeed(job=job, result=result, message=_(
        "%(judged)s judged: %(suspended)s suspended, %(resumed)s resumed"
    ) % {"judged": evaluation.judged, "suspended": evaluation.suspended, "resumed": evaluation.resumed})  # fmt: skip
    return result
