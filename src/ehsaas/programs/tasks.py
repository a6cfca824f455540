"""Programmes as background work: an enrolment run (over the whole registry, or a re-evaluation of the
households changed since the last settled run), computed by the worker while the browser follows its
Job; and the re-evaluation of every active programme when households, scores or wealth flags change."""

import traceback

from django.db import transaction
from django.utils.translation import gettext as _
from django_tasks import task

from ehsaas.core.models import Job
from ehsaas.core.progress import Progress
from ehsaas.core.services import audit_record, job_create, job_fail, job_succeed
from ehsaas.programs.choices import ProgrammeStatus, RunScope, RunStatus
from ehsaas.programs.enrolment import enrolment_compute
from ehsaas.programs.models import EnrolmentRun, Programme
from ehsaas.programs.reevaluation import (
    NotDue,
    reevaluation_compute,
    reevaluation_due,
    reevaluation_run_create,
)

ENROLMENT_KIND = "programs.enrol"


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
